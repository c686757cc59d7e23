"""The match card through the referee's views: every action is one service call, refusals are
answered in the form (400), conflicts with the current state (409), and nothing is saved twice."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league import services
from league.models import AllowanceUse, AuditEvent, Match, Robot, Round
from league.services.common import system_actor
from tests.referee.conftest import (
    HTMX,
    body,
    check_in,
    finish,
    go_live,
    mini_season,
    round_data,
    url,
)

pytestmark = pytest.mark.django_db


def checkin_data(match, **overrides):
    data = {"expected_version": match.version,
            "red_robot": services.active_robot(match.red).pk, "red_seal": "SEAL-R1",
            "blue_robot": services.active_robot(match.blue).pk, "blue_seal": "SEAL-B1"}
    data.update(overrides)
    return data


def fresh(match) -> Match:
    return Match.objects.get(pk=match.pk)


@pytest.fixture
def ref(mini, people, client):
    client.force_login(people["ref1"])
    return client


# --- the page and its fragment share one template ----------------------------------------

def test_match_page_and_htmx_card_render_the_same_card(mini, ref):
    _season, match = mini
    page = ref.get(url("match", match))
    card = ref.get(url("match", match), **HTMX)
    assert page.status_code == card.status_code == 200
    assert b"<html" in page.content and b"<html" not in card.content
    assert b'id="match-card"' in page.content and card.content.lstrip().startswith(b"<section")
    assert f'data-version="{match.version}"'.encode() in card.content
    assert (page.template_name, card.template_name) == ("referee/match.html", "referee/match.html#card")


def test_check_in_offers_each_team_active_robot(mini, ref):
    _season, match = mini
    text = body(ref.get(url("match", match)))
    for entry, corner in ((match.red, "red"), (match.blue, "blue")):
        active = services.active_robot(entry)
        assert f'<option value="{active.pk}" selected>' in text, corner
        backup = entry.robots.get(role=Robot.Role.BACKUP)
        assert f'<option value="{backup.pk}">' in text


# --- check-in (R5, R6) --------------------------------------------------------------------

def test_check_in_records_robots_and_seals(mini, ref):
    _season, match = mini
    response = ref.post(url("check_in", match), checkin_data(match), **HTMX)
    assert response.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.CHECKED_IN
    assert (match.red_seal, match.blue_seal) == ("SEAL-R1", "SEAL-B1")
    assert "Both corners are checked in" in body(response)


def test_check_in_without_htmx_redirects_to_the_match(mini, ref):
    _season, match = mini
    response = ref.post(url("check_in", match), checkin_data(match))
    assert response.status_code == 302 and response["Location"] == url("match", match)
    assert "Both corners are checked in" in body(ref.get(response["Location"]))


def test_r5_robot_of_another_team_is_refused_with_the_service_message(mini, ref):
    season, match = mini
    other = season.entries.exclude(pk__in=[match.red_id, match.blue_id]).first()
    stranger = services.active_robot(other)
    response = ref.post(url("check_in", match), checkin_data(match, red_robot=stranger.pk), **HTMX)
    assert response.status_code == 400
    assert "R5: The red corner must field a robot of" in body(response)
    assert fresh(match).status == Match.Status.SCHEDULED


def test_r4_backup_before_an_approved_replacement_is_refused(mini, ref):
    _season, match = mini
    backup = match.red.robots.get(role=Robot.Role.BACKUP)
    response = ref.post(url("check_in", match), checkin_data(match, red_robot=backup.pk), **HTMX)
    assert response.status_code == 400
    assert "R4:" in body(response) and "approved replacement" in body(response)
    assert fresh(match).version == match.version


def test_r5_failed_primary_is_refused(mini, ref, people):
    _season, match = mini
    primary = services.active_robot(match.blue)
    Robot.objects.filter(pk=primary.pk).update(status=Robot.Status.FAILED)
    response = ref.post(url("check_in", match), checkin_data(match), **HTMX)
    assert response.status_code == 400
    assert "never fights again this season" in body(response)
    assert "failed" in body(response)  # the select says why


@pytest.mark.parametrize("seals, message", [
    (("SAME", "SAME"), "R6: The two corners cannot share a battery seal number."),
    (("", "B1"), "Record the red battery seal number."),
    (("X" * 33, "B1"), "at most 32 characters"),
])
def test_r6_battery_seals_are_checked(mini, ref, seals, message):
    _season, match = mini
    response = ref.post(url("check_in", match),
                        checkin_data(match, red_seal=seals[0], blue_seal=seals[1]), **HTMX)
    assert response.status_code == 400
    assert message in body(response)
    assert fresh(match).status == Match.Status.SCHEDULED


def test_r6_start_locks_robots_and_seals(mini, ref):
    _season, match = mini
    match = check_in(match)
    response = ref.post(url("start", match), {"expected_version": match.version}, **HTMX)
    assert response.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.LIVE
    text = body(response)
    assert "Check in both corners" not in text and "Check in again" not in text
    # a late check-in is refused by the service, even from a form with the current version
    again = ref.post(url("check_in", match), checkin_data(match, red_seal="NEW"), **HTMX)
    assert again.status_code == 400
    assert "Check-in is not possible: the match is Live." in body(again)
    assert fresh(match).red_seal != "NEW"


# --- rounds (R8) ----------------------------------------------------------------------------

def test_r8_rounds_recorded_and_the_match_ends_itself_at_two_won(mini, ref):
    _season, match = mini
    match = go_live(match)
    r1 = ref.post(url("round", match), round_data(match, 1, winner="blue", method="ko",
                                                   red_knockdowns=1, red_points=3, blue_points=9),
                  **HTMX)
    assert r1.status_code == 200 and "Round 2 of 3" in body(r1)
    match = fresh(match)
    ref.post(url("round", match), round_data(match, 2), **HTMX)
    match = fresh(match)
    assert match.status == Match.Status.LIVE and (match.red_rounds, match.blue_rounds) == (1, 1)
    r3 = ref.post(url("round", match), round_data(match, 3, method="tko"), **HTMX)
    assert r3.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.FINISHED and match.winner_id == match.red_id
    assert (match.red_rounds, match.blue_rounds, match.method) == (2, 1, "tko")
    text = body(r3)
    assert "The match is over" in text and "Sign off the result" in text
    first = Round.objects.get(match=match, number=1)
    assert (first.winner, first.red_knockdowns, first.blue_points) == ("blue", 1, 9)


@pytest.mark.parametrize("field, value, message", [
    ("red_points", -3, "Cannot be negative."),
    ("blue_points", 100000, "At most 200 in a round."),
    ("red_fouls", "many", "Enter a whole number."),
    ("winner", "green", "The winner must be the red or the blue corner of this match."),
    ("method", "judo", "A round is won by knockout"),
    ("winner", "", "Choose the corner that won the round."),
])
def test_bad_round_input_answers_in_the_form_and_saves_nothing(mini, ref, field, value, message):
    _season, match = mini
    match = go_live(match)
    response = ref.post(url("round", match), round_data(match, 1, **{field: value}), **HTMX)
    assert response.status_code == 400
    assert message in body(response)
    assert not Round.objects.filter(match=match).exists()
    assert fresh(match).version == match.version


def test_r8_points_decision_to_the_corner_with_fewer_points_is_refused(mini, ref):
    _season, match = mini
    match = go_live(match)
    response = ref.post(url("round", match),
                        round_data(match, 1, winner="red", red_points=3, blue_points=9), **HTMX)
    assert response.status_code == 400
    assert "R8: A points decision goes to the corner with more points." in body(response)
    assert not Round.objects.filter(match=match).exists()


def test_r8_a_round_out_of_turn_is_refused(mini, ref):
    _season, match = mini
    match = go_live(match)
    response = ref.post(url("round", match), round_data(match, 3), **HTMX)
    assert response.status_code == 400
    assert "The next round to record is round 1." in body(response)


def test_r8_a_fourth_round_in_a_best_of_three_is_refused(mini, ref):
    _season, match = mini
    match = finish(match)  # 2-0: over
    response = ref.post(url("round", match), round_data(match, 4), **HTMX)
    assert response.status_code == 400
    assert "Recording a round is not possible: the match is Finished." in body(response)
    # and a forged round number beyond the best of is refused by the form itself
    forged = ref.post(url("round", match), round_data(match, 8), **HTMX)
    assert forged.status_code == 400 and "There is no such round." in body(forged)
    assert Round.objects.filter(match=match).count() == 2


def test_missing_or_damaged_version_is_answered_not_crashed(mini, ref):
    _season, match = mini
    match = go_live(match)
    data = round_data(match, 1)
    del data["expected_version"]
    response = ref.post(url("round", match), data, **HTMX)
    assert response.status_code == 400 and "reload the match" in body(response)
    response = ref.post(url("round", match), round_data(match, 1, expected_version="x"), **HTMX)
    assert response.status_code == 400
    assert not Round.objects.filter(match=match).exists()


# --- allowances (R9) ------------------------------------------------------------------------

def test_r9_limits_shown_and_the_third_reset_refused_with_an_explanation(mini, ref):
    _season, match = mini
    match = go_live(match)
    text = body(ref.get(url("match", match)))
    assert text.count("0/2") == 4 and text.count("0/1") == 2
    for seq in (1, 2):
        match = fresh(match)
        response = ref.post(url("allowance", match), {"expected_version": match.version,
                                                      "corner": "red", "kind": "manual_reset"}, **HTMX)
        assert response.status_code == 200
        assert f"Manual reset for the red corner: {seq} of 2 used." in body(response)
    assert "Limit reached" in body(response)
    match = fresh(match)
    third = ref.post(url("allowance", match), {"expected_version": match.version,
                                               "corner": "red", "kind": "manual_reset"}, **HTMX)
    assert third.status_code == 400
    text = body(third)
    assert "R9: The red corner has used its 2 manual resets." in text
    assert "technical knockout" in text
    assert AllowanceUse.objects.filter(match=match, corner="red").count() == 2


@pytest.mark.parametrize("kind, limit", [("tactical_timeout", 2), ("emergency_repair", 1)])
def test_r9_timeouts_and_repairs_stop_at_their_limit(mini, ref, kind, limit):
    _season, match = mini
    match = go_live(match)
    for _ in range(limit):
        match = fresh(match)
        ok = ref.post(url("allowance", match), {"expected_version": match.version, "corner": "blue",
                                                "kind": kind}, **HTMX)
        assert ok.status_code == 200
    match = fresh(match)
    refused = ref.post(url("allowance", match), {"expected_version": match.version, "corner": "blue",
                                                 "kind": kind}, **HTMX)
    assert refused.status_code == 400 and "R9:" in body(refused)
    assert AllowanceUse.objects.filter(match=match, kind=kind).count() == limit


def test_allowance_with_a_forged_kind_or_corner_is_refused(mini, ref):
    _season, match = mini
    match = go_live(match)
    response = ref.post(url("allowance", match), {"expected_version": match.version, "corner": "green",
                                                  "kind": "nap"}, **HTMX)
    assert response.status_code == 400
    assert "Choose the red or the blue corner." in body(response)
    assert not AllowanceUse.objects.exists()


# --- two devices, double taps -------------------------------------------------------------

def test_stale_form_gets_this_match_changed_with_the_current_state(mini, ref):
    _season, match = mini
    match = go_live(match)
    stale = match.version
    ref.post(url("allowance", match), {"expected_version": stale, "corner": "red",
                                       "kind": "tactical_timeout"}, **HTMX)
    response = ref.post(url("round", match), round_data(match, 1, expected_version=stale), **HTMX)
    assert response.status_code == 409
    text = body(response)
    assert "This match changed" in text and "Nothing was saved" in text
    current = fresh(match)
    assert f'data-version="{current.version}"' in text
    assert "1/2" in text  # the other device's timeout is shown
    # the referee's round entries are offered again on the fresh state, with the fresh version
    assert 'value="12"' in text
    assert not Round.objects.filter(match=match).exists()


def test_double_tap_applies_once(mini, ref):
    _season, match = mini
    match = go_live(match)
    data = {"expected_version": match.version, "corner": "blue", "kind": "manual_reset"}
    first = ref.post(url("allowance", match), data, **HTMX)
    second = ref.post(url("allowance", match), data, **HTMX)
    assert (first.status_code, second.status_code) == (200, 409)
    assert AllowanceUse.objects.filter(match=match).count() == 1
    data = round_data(fresh(match), 1)
    assert ref.post(url("round", match), data, **HTMX).status_code == 200
    assert ref.post(url("round", match), data, **HTMX).status_code == 409
    assert Round.objects.filter(match=match).count() == 1


def test_poll_is_quiet_while_current_and_speaks_once_changed(mini, ref):
    _season, match = mini
    seen = match.version
    quiet = ref.get(url("poll", match) + f"?v={seen}", **HTMX)
    assert quiet.status_code == 204 and quiet.content == b""
    check_in(match)
    changed = ref.get(url("poll", match) + f"?v={seen}", **HTMX)
    assert changed.status_code == 200
    assert "This match changed on another device." in body(changed)
    assert ref.get(url("poll", match) + "?v=nonsense", **HTMX).status_code == 200


# --- battery swap, failure report, forfeit, sign-off --------------------------------------

def test_r6_battery_swap_needs_confirmation_then_disqualifies(mini, ref):
    _season, match = mini
    match = go_live(match)
    unconfirmed = ref.post(url("battery_swap", match), {"expected_version": match.version,
                                                        "corner": "blue"}, **HTMX)
    assert unconfirmed.status_code == 400
    assert "R6: Confirm the battery swap: it disqualifies the blue corner." in body(unconfirmed)
    assert fresh(match).status == Match.Status.LIVE
    confirmed = ref.post(url("battery_swap", match), {"expected_version": match.version,
                                                      "corner": "blue", "confirmed": "on"}, **HTMX)
    assert confirmed.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.FINISHED and match.method == "dq"
    assert match.winner_id == match.red_id
    assert "disqualified for a battery swap" in body(confirmed)


def test_r4_failure_report_goes_to_the_queue_from_the_match(mini, ref, people):
    _season, match = mini
    match = go_live(match)
    robot = match.red_robot
    response = ref.post(url("failure_report", match), {
        "expected_version": match.version, "robot": robot.pk, "description": "Hip actuator cracked",
        "irreversible": "on"}, **HTMX)
    assert response.status_code == 200
    report = match.failure_reports.get()
    assert (report.robot, report.irreversible, report.filed_by) == (robot, True, people["ref1"])
    assert report.status == "pending"
    assert "waits in the referee panel's queue" in body(response)
    empty = ref.post(url("failure_report", match), {"expected_version": fresh(match).version,
                                                    "robot": robot.pk, "description": "  "}, **HTMX)
    assert empty.status_code == 400 and "Describe the failure." in body(empty)


def test_failure_report_of_a_robot_not_in_the_match_is_refused(mini, ref):
    season, match = mini
    other = season.entries.exclude(pk__in=[match.red_id, match.blue_id]).first()
    response = ref.post(url("failure_report", match), {
        "expected_version": match.version, "robot": services.active_robot(other).pk,
        "description": "Smoke"}, **HTMX)
    assert response.status_code == 400
    assert "does not fight in" in body(response)
    assert not match.failure_reports.exists()


def test_forfeit_then_sign_off(mini, ref, people):
    _season, match = mini
    no_reason = ref.post(url("forfeit", match), {"expected_version": match.version, "corners": ["blue"],
                                                 "reason": ""}, **HTMX)
    assert no_reason.status_code == 400 and "Give the reason for the forfeit." in body(no_reason)
    response = ref.post(url("forfeit", match), {"expected_version": match.version, "corners": ["blue"],
                                                "reason": "Robot did not power on"}, **HTMX)
    assert response.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.FORFEITED and match.winner_id == match.red_id
    signed = ref.post(url("sign_off", match), {"expected_version": match.version}, **HTMX)
    assert signed.status_code == 200
    match = fresh(match)
    assert match.signed_off_by == people["ref1"] and match.signed_off_at is not None
    assert "Signed off by ref1" in body(signed)
    again = ref.post(url("sign_off", match), {"expected_version": match.version}, **HTMX)
    assert again.status_code == 400 and "already signed" in body(again)


def test_finished_match_refuses_more_scoring(mini, ref):
    _season, match = mini
    match = finish(match)
    for name, data in (("allowance", {"corner": "red", "kind": "manual_reset"}),
                       ("battery_swap", {"corner": "red", "confirmed": "on"}),
                       ("forfeit", {"corners": ["red"], "reason": "late"}),
                       ("start", {})):
        response = ref.post(url(name, match), {"expected_version": match.version, **data}, **HTMX)
        assert response.status_code == 400, name
        assert "not possible: the match is Finished" in body(response), name
    assert fresh(match).version == match.version


# --- the history (audit records) ----------------------------------------------------------

def test_history_shows_who_when_what(mini, ref):
    _season, match = mini
    match = go_live(match, actor=None)
    ref.post(url("allowance", match), {"expected_version": match.version, "corner": "red",
                                       "kind": "tactical_timeout"}, **HTMX)
    match = fresh(match)
    response = ref.post(url("round", match), round_data(match, 1), **HTMX)
    text = body(response)
    events = AuditEvent.objects.filter(object_type="match", object_id=match.pk)
    assert {"match_checked_in", "match_started", "allowance_used", "round_recorded"} <= set(
        events.values_list("action", flat=True))
    assert "Red corner: tactical timeout, 1 of 2." in text
    assert "Round 1 to red by points decision · points 12–7 · knockdowns 0–1 · fouls 0–2." in text
    assert text.count('<span class="rf-who">ref1</span>') == 2


# --- head referee: corrections (R7, R14) --------------------------------------------------

def correction_data(match, rounds, reason="Video review"):
    data = {"expected_version": match.version, "reason": reason,
            "rounds-TOTAL_FORMS": 3, "rounds-INITIAL_FORMS": 0, "rounds-MIN_NUM_FORMS": 0,
            "rounds-MAX_NUM_FORMS": 7}
    for i, (winner, method, red, blue) in enumerate(rounds):
        data.update({f"rounds-{i}-winner": winner, f"rounds-{i}-method": method,
                     f"rounds-{i}-red_points": red, f"rounds-{i}-blue_points": blue,
                     f"rounds-{i}-red_knockdowns": 0, f"rounds-{i}-blue_knockdowns": 0,
                     f"rounds-{i}-red_fouls": 0, f"rounds-{i}-blue_fouls": 0})
    for i in range(len(rounds), 3):
        data.update({f"rounds-{i}-winner": "", f"rounds-{i}-method": "",
                     **{f"rounds-{i}-{c}_{s}": 0 for c in ("red", "blue")
                        for s in ("points", "knockdowns", "fouls")}})
    return data


def test_r7_head_referee_corrects_a_result_with_a_mandatory_reason(mini, client, people):
    _season, match = mini
    match = finish(match, winner="red")
    client.force_login(people["head"])
    page = body(client.get(url("match", match)))
    assert "Correct the result (head referee)" in page
    flipped = [("blue", "points", 5, 20), ("blue", "ko", 0, 10)]
    no_reason = client.post(url("correct", match), correction_data(match, flipped, reason=""), **HTMX)
    assert no_reason.status_code == 400 and "A correction needs a reason." in body(no_reason)
    response = client.post(url("correct", match), correction_data(match, flipped), **HTMX)
    assert response.status_code == 200, body(response)[:2000]
    match = fresh(match)
    assert match.winner_id == match.blue_id and (match.red_rounds, match.blue_rounds) == (0, 2)
    assert "Video review" in body(response)
    assert AuditEvent.objects.filter(action="result_corrected", object_id=match.pk,
                                     reason="Video review").exists()


def test_correction_with_a_gap_or_too_many_rounds_is_refused(mini, client, people):
    _season, match = mini
    match = finish(match)
    client.force_login(people["head"])
    gap = correction_data(match, [("red", "points", 9, 1), ("", "", 0, 0), ("red", "ko", 1, 0)])
    response = client.post(url("correct", match), gap, **HTMX)
    assert response.status_code == 400 and "Leave no empty round" in body(response)
    three_for_red = correction_data(match, [("red", "ko", 1, 0)] * 3)
    response = client.post(url("correct", match), three_for_red, **HTMX)
    assert response.status_code == 400
    assert "The match was decided before round 3." in body(response)
    assert fresh(match).version == match.version


def test_r14_correction_changing_the_winner_refused_once_the_fed_match_started(db, client, people):
    season = mini_season(phase="knockout")
    final = Match.objects.create(season=season, stage=Match.Stage.FINAL, slot="F", ring="Ring 1")
    entries = list(season.entries.order_by("seed"))
    semi = Match.objects.create(season=season, stage=Match.Stage.SEMIFINAL, slot="SF1", ring="Ring 1",
                                red=entries[0], blue=entries[1], winner_to=final,
                                winner_to_corner="red")
    other = Match.objects.create(season=season, stage=Match.Stage.SEMIFINAL, slot="SF2",
                                 ring="Ring 1", red=entries[2], blue=entries[3], winner_to=final,
                                 winner_to_corner="blue")
    services.referees_assign(match=semi, referees=[people["ref1"]], actor=system_actor())
    finish(semi, winner="red")
    finish(other, winner="red")
    go_live(Match.objects.get(pk=final.pk))
    semi = fresh(semi)
    client.force_login(people["head"])
    response = client.post(url("correct", semi), correction_data(
        semi, [("blue", "points", 1, 9), ("blue", "points", 1, 9)]), **HTMX)
    assert response.status_code == 400
    assert "R14: The winner cannot change: F, which this match feeds, has started." in (
        body(response))
    assert fresh(semi).winner_id == semi.red_id
    # a correction that keeps the winner still goes through
    kept = client.post(url("correct", semi), correction_data(
        semi, [("red", "points", 9, 1), ("red", "ko", 3, 0)]), **HTMX)
    assert kept.status_code == 200


def test_a_referee_cannot_correct(mini, ref):
    _season, match = mini
    match = finish(match)
    response = ref.post(url("correct", match), correction_data(match, [("blue", "ko", 0, 1)] * 2),
                        **HTMX)
    assert response.status_code == 403
    assert "Only a head referee may do this." in body(response)
    assert fresh(match).winner_id == match.red_id


def test_r14_a_knockout_slot_without_its_corners_renders_and_refuses_check_in(db, client, people):
    season = mini_season(phase="knockout")
    final = Match.objects.create(season=season, stage=Match.Stage.FINAL, slot="F", ring="Ring 1")
    services.referees_assign(match=final, referees=[people["ref1"]], actor=system_actor())
    client.force_login(people["ref1"])
    assert client.get(url("match", final)).status_code == 200
    robots = list(Robot.objects.filter(season=season, role=Robot.Role.PRIMARY)[:2])
    response = client.post(url("check_in", final), {
        "expected_version": final.version, "red_robot": robots[0].pk, "blue_robot": robots[1].pk,
        "red_seal": "R", "blue_seal": "B"}, **HTMX)
    assert response.status_code == 400
    assert "R14: Both corners must be known before check-in." in body(response)
    assert reverse("referee:match", kwargs={"pk": final.pk}) in body(client.get(url("home")))
    assert fresh(final).status == Match.Status.SCHEDULED


def test_r4_a_repeated_failure_report_is_filed_once(mini, ref):
    _season, match = mini
    match = go_live(match)
    data = {"expected_version": match.version, "robot": match.blue_robot_id,
            "description": "Knee servo burnt", "irreversible": "on"}
    first = ref.post(url("failure_report", match), data, **HTMX)
    second = ref.post(url("failure_report", match), data, **HTMX)
    assert first.status_code == second.status_code == 200
    assert "already filed" in body(second)
    assert match.failure_reports.count() == 1


def test_boosted_navigation_gets_the_whole_page(mini, ref):
    _season, match = mini
    boosted = ref.get(url("match", match), HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert boosted.template_name == "referee/match.html" and b"<html" in boosted.content
    restore = ref.get(url("match", match), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert restore.template_name == "referee/match.html"


def test_r12_double_forfeit_in_the_group_is_a_loss_for_both(mini, ref):
    _season, match = mini
    response = ref.post(url("forfeit", match), {"expected_version": match.version,
                                                "corners": ["red", "blue"], "reason": "Neither came"},
                        **HTMX)
    assert response.status_code == 200
    match = fresh(match)
    assert match.status == Match.Status.FORFEITED and match.winner_id is None
    assert "Both corners forfeited: a loss for both (R12)." in body(response)


def test_r14_double_forfeit_in_the_knockout_is_refused(db, client, people):
    season = mini_season(phase="knockout")
    entries = list(season.entries.order_by("seed"))
    semi = Match.objects.create(season=season, stage=Match.Stage.SEMIFINAL, slot="SF1", ring="Ring 1",
                                red=entries[0], blue=entries[1])
    services.referees_assign(match=semi, referees=[people["ref1"]], actor=system_actor())
    semi.refresh_from_db()
    client.force_login(people["ref1"])
    response = client.post(url("forfeit", semi), {"expected_version": semi.version,
                                                  "corners": ["red", "blue"], "reason": "Storm"}, **HTMX)
    assert response.status_code == 400
    assert "R14: A knockout match needs a winner: only one corner can forfeit." in body(response)
    assert fresh(semi).status == Match.Status.SCHEDULED
