"""The match clock on the server (R17, R9): services, the JSON state, the referee card."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from league import services
from league.errors import NotAllowed, RuleViolation
from league.models import AllowanceUse, AuditEvent, Match
from league.models.clock import ClockEvent, ClockSettings
from league.selectors.clock import clock_state
from league.services import clock
from league.services.common import system_actor
from tests.referee.conftest import HTMX, body, check_in, go_live, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(mini, people):
    _season, match = mini
    return go_live(match)


def shift(match, seconds):
    """Move the match's clock events into the past: time passes without sleeping."""
    for event in ClockEvent.objects.filter(match=match):
        event.at -= dt.timedelta(seconds=seconds)
        event.save(update_fields=["at"])


def test_r17_start_pause_resume_give_every_reader_the_same_time(live, people):
    ref = people["ref1"]
    clock.clock_start(match=live, actor=ref)
    shift(live, 30)
    clock.clock_pause(match=live, actor=ref)
    paused = clock_state(match_id=live.pk)
    assert paused["running"] is False and paused["started"] is True
    assert 269_000 <= paused["remaining_ms"] <= 270_500
    shift(live, 100)  # a stopped clock does not move
    assert abs(clock_state(match_id=live.pk)["remaining_ms"] - paused["remaining_ms"]) < 5
    clock.clock_resume(match=live, actor=ref)
    state = clock_state(match_id=live.pk)
    assert state["running"] is True and state["round"] == 1
    assert set(state) >= {"running", "remaining_ms", "as_of", "countdowns", "proposal", "seq"}
    json.dumps(state)  # JSON-able as it is
    assert [e.action for e in AuditEvent.objects.filter(object_id=live.pk, action__startswith="clock_")
            .order_by("id")] == ["clock_start", "clock_pause", "clock_resume"]


def test_r17_clock_actions_on_a_match_that_is_not_live_are_refused(mini, people):
    _season, match = mini
    with pytest.raises(RuleViolation, match="R17: The clock runs only while the match is live"):
        clock.clock_start(match=match, actor=people["ref1"])
    check_in(match)
    with pytest.raises(RuleViolation, match="R17"):
        clock.countdown_start(match=match, kind="recovery", corner="red", actor=people["ref1"])
    assert not ClockEvent.objects.exists()


def test_r17_only_an_assigned_referee_runs_the_clock(live, people):
    with pytest.raises(NotAllowed, match="R7"):
        clock.clock_start(match=live, actor=people["ref2"])
    assert not ClockEvent.objects.exists()


def test_r17_taps_that_do_not_fit_the_state_are_refused(live, people):
    ref = people["ref1"]
    with pytest.raises(RuleViolation, match="not running"):
        clock.clock_pause(match=live, actor=ref)
    with pytest.raises(RuleViolation, match="Start the round clock first"):
        clock.clock_resume(match=live, actor=ref)
    clock.clock_start(match=live, actor=ref)
    with pytest.raises(RuleViolation, match="already started"):
        clock.clock_start(match=live, actor=ref)
    with pytest.raises(RuleViolation, match="already running"):
        clock.clock_resume(match=live, actor=ref)
    with pytest.raises(RuleViolation, match="already ended"):
        clock.countdown_end(match=live, countdown=99, actor=ref)
    with pytest.raises(RuleViolation, match="Choose a corner and a countdown"):
        clock.countdown_start(match=live, kind="nap", corner="red", actor=ref)
    assert ClockEvent.objects.count() == 1


def test_r9_r17_a_timeout_counts_the_allowance_and_stops_the_clock(live, people):
    ref = people["ref1"]
    clock.clock_start(match=live, actor=ref)
    event = clock.countdown_start(match=live, kind="timeout", corner="blue", actor=ref)
    assert event.length_ms == 60_000 and event.allowance.kind == AllowanceUse.Kind.TACTICAL_TIMEOUT
    state = clock_state(match_id=live.pk)
    assert state["running"] is False
    assert state["countdowns"][0]["kind"] == "timeout" and state["countdowns"][0]["corner"] == "blue"
    with pytest.raises(RuleViolation, match="End the tactical timeout of the blue corner first"):
        clock.clock_resume(match=live, actor=ref)
    clock.countdown_end(match=live, countdown=event.seq, actor=ref)
    clock.clock_resume(match=live, actor=ref)
    assert clock_state(match_id=live.pk)["running"] is True


def test_r9_the_allowance_limit_still_refuses_a_countdown(live, people):
    ref = people["ref1"]
    first = clock.countdown_start(match=live, kind="repair", corner="red", actor=ref)
    clock.countdown_end(match=live, countdown=first.seq, actor=ref)
    with pytest.raises(RuleViolation, match="R9: The red corner has used its 1 emergency repair"):
        clock.countdown_start(match=live, kind="repair", corner="red", actor=ref)
    assert AllowanceUse.objects.filter(match=live).count() == 1
    assert ClockEvent.objects.filter(kind="countdown").count() == 1


def test_r17_a_robot_not_up_after_ten_seconds_is_proposed_not_decided(live, people):
    ref = people["ref1"]
    clock.clock_start(match=live, actor=ref)
    event = clock.countdown_start(match=live, kind="recovery", corner="red", actor=ref)
    assert event.length_ms == 10_000 and event.allowance is None
    assert clock_state(match_id=live.pk)["running"] is True  # a fall does not stop the clock
    shift(live, 11)
    state = clock_state(match_id=live.pk)
    assert state["proposal"] == {"reason": "recovery", "method": "tko", "corner": "red",
                                 "winner": "blue", "countdown": event.seq}
    live.refresh_from_db()
    assert live.status == Match.Status.LIVE and not live.rounds.exists()  # the clock decides nothing


def test_r17_the_round_time_running_out_proposes_points(live, people):
    clock.clock_start(match=live, actor=people["ref1"])
    shift(live, 5 * 60 + 1)
    state = clock_state(match_id=live.pk)
    assert state["remaining_ms"] == 0 and state["running"] is False
    assert state["proposal"]["method"] == "points"
    with pytest.raises(RuleViolation, match="time is over"):
        clock.clock_pause(match=live, actor=people["ref1"])


def test_r17_recording_a_round_gives_the_next_round_a_fresh_clock(live, people):
    clock.clock_start(match=live, actor=people["ref1"])
    shift(live, 100)
    services.round_record(match=live, number=1, actor=people["ref1"], data=services.RoundInput(
        winner="red", method="ko"))
    state = clock_state(match_id=live.pk)
    assert state["round"] == 2 and state["started"] is False and state["remaining_ms"] == 300_000


@pytest.mark.parametrize("value", [-5, 0, 2, 100_000, "60", True, None])
def test_r17_negative_or_absurd_countdown_lengths_are_refused_with_a_sentence(mini, people, value):
    season, _match = mini
    with pytest.raises(RuleViolation) as exc:
        clock.clock_settings_set(season=season, actor=people["organizer"], timeout_seconds=value)
    assert exc.value.text.startswith("R17: A tactical timeout lasts from 10 to 600 seconds")
    assert not ClockSettings.objects.exists()


def test_r17_season_countdown_lengths_are_used(mini, people):
    season, match = mini
    clock.clock_settings_set(season=season, actor=people["organizer"], recovery_seconds=8,
                             reset_seconds=45)
    with pytest.raises(NotAllowed):
        clock.clock_settings_set(season=season, actor=people["ref1"], reset_seconds=30)
    live = go_live(match)
    assert clock.countdown_start(match=live, kind="recovery", corner="blue",
                                 actor=people["ref1"]).length_ms == 8_000
    assert AuditEvent.objects.filter(action="clock_settings_changed").count() == 1


# --- the referee card and the JSON state -------------------------------------------------

@pytest.fixture
def ref(mini, people, client):
    client.force_login(people["ref1"])
    return client


def test_r17_the_referee_runs_the_clock_from_the_card(live, ref):
    page = body(ref.get(url("match", live)))
    assert "Start the round clock" in page and "static/league/clock.js" in page.replace("/static/", "static/")
    response = ref.post(url("clock_start", live), {}, **HTMX)
    assert response.status_code == 200 and "The round clock runs." in body(response)
    assert "Stop the clock" in body(response) and "Start the round clock" not in body(response)
    response = ref.post(url("countdown", live), {"corner": "red", "kind": "recovery"}, **HTMX)
    assert "Counting 10 s for the red corner" in body(response) and "Robot is up" in body(response)
    state = ref.get(url("clock", live)).json()
    assert state["countdowns"][0]["kind"] == "recovery" and state["running"] is True


def test_r17_the_expired_count_fills_in_the_round_form(live, ref, people):
    clock.clock_start(match=live, actor=people["ref1"])
    clock.countdown_start(match=live, kind="recovery", corner="red", actor=people["ref1"])
    shift(live, 12)
    page = body(ref.get(url("match", live)))
    assert "a technical knockout, round to the Blue corner (R17)" in page
    assert 'type="radio" name="winner" value="blue" required checked' in page
    method = page.split('name="method" value="tko"')[1].split(">")[0]
    assert "checked" in method


def test_r17_clock_post_on_a_finished_match_is_refused_not_a_500(live, ref, people):
    for number in (1, 2):
        services.round_record(match=live, number=number, actor=people["ref1"],
                              data=services.RoundInput(winner="red", method="ko"))
    response = ref.post(url("clock_start", live), {}, **HTMX)
    assert response.status_code == 400
    assert "R17: The clock runs only while the match is live; it is Finished." in body(response)


def test_r17_clock_json_is_for_the_match_staff(live, client, people):
    client.force_login(people["ref2"])
    assert client.get(url("clock", live)).status_code == 403
    client.force_login(people["head"])
    assert client.get(url("clock", live)).status_code == 200


def test_r17_clock_state_query_count(live, people, django_assert_num_queries):
    clock.clock_start(match=live, actor=people["ref1"])
    clock.countdown_start(match=live, kind="recovery", corner="red", actor=people["ref1"])
    with django_assert_num_queries(3):
        clock_state(match_id=live.pk)


def test_r17_a_countdown_tap_with_a_stale_version_is_refused_as_changed(live, ref):
    stale = live.version
    services.allowance_use(match=live, corner="red", kind="manual_reset", actor=system_actor())
    response = ref.post(url("countdown", live), {"corner": "blue", "kind": "timeout",
                                                 "expected_version": stale}, **HTMX)
    assert response.status_code == 409
    assert not ClockEvent.objects.exists()


def test_r9_the_refusal_is_shown_next_to_the_button(live, ref, people):
    first = clock.countdown_start(match=live, kind="repair", corner="blue", actor=people["ref1"])
    clock.countdown_end(match=live, countdown=first.seq, actor=people["ref1"])
    live.refresh_from_db()
    response = ref.post(url("countdown", live), {"corner": "blue", "kind": "repair",
                                                 "expected_version": live.version}, **HTMX)
    assert response.status_code == 400
    page = body(response)
    button = page.index('id="cd-start-blue-repair"')
    error = page.index("R9: The blue corner has used its 1 emergency repair")
    assert 0 < error - button < 1200  # in the same little form, right after the button
