"""Safety nets of the referee card (R8, R9, R14): the deciding round asked twice, undo of the
last entry before sign-off, posts applied once, a provisional result until sign-off."""
from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from league import services
from league.errors import RuleViolation
from league.models import AllowanceUse, AuditEvent, FailureReport, Match, Round
from league.models.clock import ClockEvent, IdempotentPost
from league.services import idempotency
from league.services.clock import countdown_start
from league.services.common import system_actor
from league.services.undo import entry_undo
from tests.referee.conftest import HTMX, body, finish, go_live, mini_season, round_data, url

pytestmark = pytest.mark.django_db


def fresh(match) -> Match:
    return Match.objects.get(pk=match.pk)


@pytest.fixture
def ref(mini, people, client):
    client.force_login(people["ref1"])
    return client


@pytest.fixture
def live(mini):
    return go_live(mini[1])


def record(match, number, winner="red", actor=None):
    services.round_record(match=match, number=number, actor=actor or system_actor(), data=services.RoundInput(
        winner=winner, method="points", red_points=9 if winner == "red" else 1,
        blue_points=1 if winner == "red" else 9))
    return fresh(match)


def bracket(people):
    """SF1 (assigned to ref1) feeding the final's red corner and the third-place match."""
    season = mini_season(phase="knockout")
    entries = list(season.entries.order_by("seed"))
    final = Match.objects.create(season=season, stage=Match.Stage.FINAL, slot="F", ring="Ring 1")
    third = Match.objects.create(season=season, stage=Match.Stage.THIRD_PLACE, slot="3P",
                                 ring="Ring 1")
    semi = Match.objects.create(season=season, stage=Match.Stage.SEMIFINAL, slot="SF1",
                                ring="Ring 1", red=entries[0], blue=entries[1], winner_to=final,
                                winner_to_corner="red", loser_to=third, loser_to_corner="red")
    services.referees_assign(match=semi, referees=[people["ref1"]], actor=system_actor())
    return fresh(semi), final, third


# --- the deciding round is asked twice (R8) ----------------------------------------------

def test_r8_the_deciding_round_asks_for_confirmation_first(live, ref, people):
    match = record(live, 1, actor=people["ref1"])
    data = round_data(match, 2)
    del data["confirm_deciding"]
    response = ref.post(url("round", match), data, **HTMX)
    assert response.status_code == 200
    page = body(response)
    assert "This round decides the match" in page and "wins 2–0. The match ends." in page
    assert "Yes, end the match" in page
    assert fresh(match).status == Match.Status.LIVE and Round.objects.filter(match=match).count() == 1
    confirmed = ref.post(url("round", match), {**data, "confirm_deciding": "1"}, **HTMX)
    assert confirmed.status_code == 200
    assert fresh(match).status == Match.Status.FINISHED


def test_r8_a_round_that_does_not_decide_is_recorded_at_once(live, ref):
    data = round_data(live, 1)
    del data["confirm_deciding"]
    assert ref.post(url("round", live), data, **HTMX).status_code == 200
    assert Round.objects.filter(match=live).count() == 1


def test_r14_the_confirmation_says_where_the_winner_and_loser_go(people, client):
    semi, _final, _third = bracket(people)
    semi = record(go_live(semi), 1, winner="blue", actor=people["ref1"])
    client.force_login(people["ref1"])
    data = round_data(semi, 2, winner="blue", red_points=1, blue_points=9)
    del data["confirm_deciding"]
    page = body(client.post(url("round", semi), data, **HTMX))
    blue, red = semi.blue.team.name_en, semi.red.team.name_en
    assert f"{blue} goes to F (Red corner)." in page and f"{red} goes to 3P (Red corner)." in page


# --- undo the last entry before sign-off ------------------------------------------------

def test_r9_undo_an_allowance_use_with_a_reason_is_audited(live, ref, people):
    countdown_start(match=live, kind="reset", corner="red", actor=people["ref1"])
    live = fresh(live)
    missing = ref.post(url("undo", live), {"expected_version": live.version, "reason": ""}, **HTMX)
    assert missing.status_code == 400 and AllowanceUse.objects.count() == 1
    response = ref.post(url("undo", live), {"expected_version": live.version,
                                            "reason": "mis-tap: it was blue"}, **HTMX)
    assert response.status_code == 200
    assert "Manual reset of the red corner is undone (0 of 2 used now)." in body(response)
    assert not AllowanceUse.objects.exists()
    event = AuditEvent.objects.get(action="entry_undone")
    assert event.reason == "mis-tap: it was blue" and event.actor == people["ref1"]
    # the reset's countdown ended with it
    assert ClockEvent.objects.filter(kind="end").count() == 1


def test_r8_undo_the_deciding_round_reopens_the_match(live, people):
    match = record(record(live, 1, actor=people["ref1"]), 2, actor=people["ref1"])
    assert match.status == Match.Status.FINISHED
    text = entry_undo(match=match, reason="wrong corner", actor=people["ref1"])
    match = fresh(match)
    assert "Round 2 is undone" in text
    assert (match.status, match.winner_id, match.red_rounds, match.method) == (
        Match.Status.LIVE, None, 1, "")


def test_r7_reopening_is_the_one_move_backwards_and_only_before_sign_off(live, people):
    assert not live.can_reopen_to(Match.Status.LIVE)  # live: nothing to reopen
    match = record(record(live, 1, actor=people["ref1"]), 2, actor=people["ref1"])
    assert match.can_reopen_to(Match.Status.LIVE)
    assert not match.can_move_to(Match.Status.LIVE) and not match.can_reopen_to(Match.Status.SCHEDULED)
    services.match_sign_off(match=match, actor=people["ref1"])
    assert not fresh(match).can_reopen_to(Match.Status.LIVE)


def test_r14_undo_of_a_deciding_knockout_round_takes_back_the_bracket_advance(people):
    semi, final, third = bracket(people)
    semi = record(record(go_live(semi), 1, actor=people["ref1"]), 2, actor=people["ref1"])
    assert fresh(final).red_id == semi.red_id and fresh(third).red_id == semi.blue_id
    entry_undo(match=semi, reason="the red robot was down", actor=people["ref1"])
    assert fresh(final).red_id is None and fresh(third).red_id is None
    assert AuditEvent.objects.filter(action="bracket_reverted").count() == 2


def test_r14_undo_is_refused_once_the_fed_match_started(people):
    semi, final, third = bracket(people)
    semi = record(record(go_live(semi), 1, actor=people["ref1"]), 2, actor=people["ref1"])
    entries = list(semi.season.entries.order_by("seed"))
    Match.objects.filter(pk=final.pk).update(blue=entries[2])
    go_live(fresh(final))
    with pytest.raises(RuleViolation, match="R14: The deciding round cannot be undone: F"):
        entry_undo(match=semi, reason="late", actor=people["ref1"])
    semi = fresh(semi)
    assert semi.status == Match.Status.FINISHED and semi.rounds.count() == 2
    assert fresh(final).red_id == semi.red_id


def test_r7_undo_after_sign_off_is_refused(mini, ref, people):
    match = finish(mini[1], actor=people["ref1"])
    services.match_sign_off(match=match, actor=people["ref1"])
    match = fresh(match)
    assert "Undo my last entry" not in body(ref.get(url("match", match)))
    response = ref.post(url("undo", match), {"expected_version": match.version, "reason": "x"},
                        **HTMX)
    assert response.status_code == 400
    assert "R7: The result is signed off: only a head referee can correct it" in body(response)
    assert fresh(match).rounds.count() == 2


def test_r7_only_the_referee_who_made_the_entry_undoes_it(people):
    season = mini_season()
    from tests.referee.conftest import make_match
    match = go_live(make_match(season, referees=[people["ref1"], people["ref2"]]))
    countdown_start(match=match, kind="timeout", corner="red", actor=people["ref2"])
    with pytest.raises(RuleViolation, match="The last entry was made by ref2"):
        entry_undo(match=fresh(match), reason="no", actor=people["ref1"])
    assert AllowanceUse.objects.count() == 1


# --- a post applied once (issue 12) -----------------------------------------------------

def test_r8_a_retried_round_post_is_applied_once_and_answered_as_applied(live, ref):
    data = {**round_data(live, 1), "idempotency_key": "k" * 32}
    first = ref.post(url("round", live), data, **HTMX)
    second = ref.post(url("round", live), data, **HTMX)  # a double tap / a retry
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Round 1 to the red corner by points decision." in body(second)
    assert "changed" not in body(second).split('id="match-card"')[1].split("rf-scoreboard")[0]
    assert Round.objects.filter(match=live).count() == 1


def test_r9_a_replayed_key_from_another_device_or_server_gets_the_stored_answer(live, people):
    device_a, device_b = Client(), Client()
    device_a.force_login(people["ref1"])
    device_b.force_login(people["ref1"])  # another session, as if on another server process
    data = {"expected_version": live.version, "corner": "red", "kind": "timeout",
            "idempotency_key": "retry-after-lost-response"}
    assert device_a.post(url("countdown", live), data, **HTMX).status_code == 200
    replay = device_b.post(url("countdown", live), data)  # a plain (non-htmx) retry
    assert replay.status_code == 302
    page = body(device_b.get(replay["Location"]))
    assert "Tactical timeout for the red corner: 1 of 2 used." in page
    assert AllowanceUse.objects.count() == 1 and ClockEvent.objects.count() == 1
    assert IdempotentPost.objects.filter(user=people["ref1"]).count() == 1


def test_r9_a_racing_copy_that_commits_first_rolls_the_other_back(live, people, monkeypatch):
    """Two copies of one post on two servers, both past the look-up: the unique key lets one
    commit; the other's writes (the service's too) roll back and it answers with the stored
    answer of the first."""
    IdempotentPost.objects.create(user=people["ref1"], key="same-key-123", path="/",
                                  notice="applied by the other copy")
    real = idempotency.applied
    calls = []

    def not_yet_seen(**kwargs):  # the other copy had not committed when this one looked
        calls.append(1)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(idempotency, "applied", not_yet_seen)

    def perform():
        services.allowance_use(match=live, corner="blue", kind="manual_reset", actor=people["ref1"])
        return "applied here"

    with pytest.raises(idempotency.AlreadyApplied) as exc:
        idempotency.post_once(actor=people["ref1"], key="same-key-123", path="/", perform=perform)
    assert exc.value.stored.notice == "applied by the other copy"
    assert not AllowanceUse.objects.exists()  # this copy's write rolled back


def test_r9_a_refused_post_stores_nothing_and_can_be_retried(live, ref):
    data = {"corner": "green", "kind": "timeout", "idempotency_key": "abcdefgh1"}
    assert ref.post(url("countdown", live), data, **HTMX).status_code == 400
    assert not IdempotentPost.objects.exists()


def test_every_referee_form_carries_an_idempotency_key(live, ref):
    page = body(ref.get(url("match", live)))
    forms = page.count('method="post"')
    keys = page.count('name="idempotency_key"')
    assert forms > 5 and keys >= forms - 1  # all but the sign-out form of the header


# --- failure approval asks first; the result is provisional until sign-off --------------

def test_r4_approving_a_failure_report_asks_for_confirmation(live, people, client):
    services.failure_report_file(entry=live.red, robot=live.red_robot, description="motor",
                                 irreversible=True, match=live, actor=people["ref1"])
    client.force_login(people["head"])
    page = body(client.get(url("failures")))
    assert "Approve…" in page and "Yes, approve" in page
    assert "This cannot be undone." in page
    report = FailureReport.objects.get()
    data = {"decision": "approve", "note": "", "idempotency_key": "decide-key-1"}
    assert client.post(url("failure_decide", pk=report.pk), data, **HTMX).status_code == 200
    again = client.post(url("failure_decide", pk=report.pk), data, **HTMX)
    assert again.status_code == 200 and "Approved:" in body(again)


def test_r8_public_badge_marks_a_result_provisional_until_sign_off(mini, people):
    match = finish(mini[1], actor=people["ref1"])
    assert "provisional" in render_to_string("public/includes/badge.html", {"m": fresh(match)})
    services.match_sign_off(match=match, actor=people["ref1"])
    assert "provisional" not in render_to_string("public/includes/badge.html", {"m": fresh(match)})
