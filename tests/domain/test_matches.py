"""R4-R9 and R14: robots, battery seals, the match flow, rounds, allowances, the bracket."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from league import services
from league.errors import MatchConflict, NotAllowed, RuleViolation
from league.models import AllowanceUse, AuditEvent, FailureReport, Match, Replacement, Robot, Round
from league.services import RoundInput
from league.services.common import system_actor
from tests import factories
from tests.domain.helpers import refused

pytestmark = pytest.mark.django_db

POINTS = RoundInput(winner="red", method="points", red_points=20, blue_points=10)


def file_failure(match, entry, referee, irreversible=True):
    return services.failure_report_file(entry=entry, robot=services.active_robot(entry),
                                        match=match, actor=referee, irreversible=irreversible,
                                        description="Hip joint sheared")


# --- R4 / R5: failures and the one replacement ------------------------------------------------

def test_r4_four_eyes_filer_cannot_approve_own_report(live_match, people):
    head = people["head"]
    services.referees_assign(match=live_match, referees=[head], actor=system_actor())
    report = file_failure(live_match, live_match.red, head)
    with refused("R4"):
        services.failure_report_decide(report=report, approve=True, actor=head)
    assert FailureReport.objects.get(pk=report.pk).status == FailureReport.Status.PENDING


def test_r4_four_eyes_is_a_database_constraint(live_match, people, referee):
    report = file_failure(live_match, live_match.red, referee)
    with pytest.raises(IntegrityError), transaction.atomic():
        FailureReport.objects.filter(pk=report.pk).update(status="approved", decided_by=referee)


def test_r4_only_a_head_referee_decides(live_match, people, referee):
    report = file_failure(live_match, live_match.red, referee)
    with pytest.raises(NotAllowed):
        services.failure_report_decide(report=report, approve=True, actor=people["ref2"])


def test_r4_approved_irreversible_failure_replaces_primary_by_backup(live_match, people, referee):
    entry = live_match.red
    report = file_failure(live_match, entry, referee)
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    replacement = Replacement.objects.get(entry=entry)
    assert replacement.old_robot.role == Robot.Role.PRIMARY
    assert replacement.new_robot.role == Robot.Role.BACKUP
    assert services.active_robot(entry).role == Robot.Role.BACKUP
    assert AuditEvent.objects.filter(action="robot_replaced", object_id=replacement.pk).exists()


def test_r4_second_replacement_is_refused(live_match, people, referee):
    entry = live_match.red
    services.failure_report_decide(report=file_failure(live_match, entry, referee), approve=True,
                                   actor=people["head"])
    # the backup fails too: approved, retired, but there is no second replacement
    report = file_failure(live_match, entry, referee)
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    assert Replacement.objects.filter(entry=entry).count() == 1
    with refused("R4"):
        services.robot_replace(entry=entry, report=report, actor=people["head"])


def test_r4_replacement_without_approved_failure_is_refused(live_match, people, referee):
    report = file_failure(live_match, live_match.red, referee)
    with refused("R4"):
        services.robot_replace(entry=live_match.red, report=report, actor=people["head"])
    services.failure_report_decide(report=report, approve=False, actor=people["head"], note="It walks")
    with refused("R4"):
        services.robot_replace(entry=live_match.red, report=report, actor=people["head"])
    assert not Replacement.objects.exists()


def test_r4_reversible_failure_approved_keeps_the_primary(live_match, people, referee):
    report = file_failure(live_match, live_match.red, referee, irreversible=False)
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    assert not Replacement.objects.exists()
    assert services.active_robot(live_match.red).role == Robot.Role.PRIMARY


def test_r5_failed_primary_never_fights_again(group_season, people):
    m1, m2 = _two_matches_of_one_team(group_season)
    entry = m1.red if m1.red_id in (m2.red_id, m2.blue_id) else m1.blue
    services.referees_assign(match=m1, referees=[people["ref1"]], actor=system_actor())
    failed = services.active_robot(entry)
    report = services.failure_report_file(entry=entry, robot=failed, match=m1, actor=people["ref1"],
                                          irreversible=True, description="Motor burnt")
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    corner = m2.corner_of(entry.pk)
    other = services.active_robot(m2.blue if corner == "red" else m2.red)
    robots = {corner: failed, ("blue" if corner == "red" else "red"): other}
    with refused("R5"):
        services.match_check_in(match=m2, red_robot=robots["red"], blue_robot=robots["blue"],
                                red_seal="A", blue_seal="B", actor=system_actor())
    robots[corner] = services.active_robot(entry)
    checked = services.match_check_in(match=m2, red_robot=robots["red"], blue_robot=robots["blue"],
                                      red_seal="A", blue_seal="B", actor=system_actor())
    assert getattr(checked, f"{corner}_robot").role == Robot.Role.BACKUP


def test_r5_replacement_does_not_change_a_running_match(live_match, people, referee):
    fielded = live_match.red_robot_id
    services.failure_report_decide(report=file_failure(live_match, live_match.red, referee),
                                   approve=True, actor=people["head"])
    live_match.refresh_from_db()
    assert live_match.red_robot_id == fielded
    assert live_match.status == Match.Status.LIVE


def test_r5_robot_of_another_team_is_refused(match):
    with refused("R5"):
        services.match_check_in(match=match, red_robot=services.active_robot(match.blue),
                                blue_robot=services.active_robot(match.blue), red_seal="A",
                                blue_seal="B", actor=system_actor())


def test_r4_backup_cannot_fight_without_a_replacement(match):
    backup = match.red.robots.get(role="backup")
    with refused("R4"):
        services.match_check_in(match=match, red_robot=backup,
                                blue_robot=services.active_robot(match.blue), red_seal="A",
                                blue_seal="B", actor=system_actor())


def _two_matches_of_one_team(season):
    first = season.matches.order_by("scheduled_at").first()
    second = (season.matches.filter(day__gt=first.day).filter(red=first.red)
              | season.matches.filter(day__gt=first.day).filter(blue=first.red)).order_by(
        "scheduled_at").first()
    return first, second


# --- R6: battery seals --------------------------------------------------------------------------

def test_r6_check_in_needs_two_different_seals(match, referee):
    red, blue = services.active_robot(match.red), services.active_robot(match.blue)
    with refused("R6"):
        services.match_check_in(match=match, red_robot=red, blue_robot=blue, red_seal="",
                                blue_seal="B", actor=referee)
    with refused("R6"):
        services.match_check_in(match=match, red_robot=red, blue_robot=blue, red_seal="S1",
                                blue_seal="S1", actor=referee)


def test_r6_robots_and_seals_locked_once_started(live_match, referee):
    with refused("R7"):
        services.match_check_in(match=live_match, red_robot=live_match.red_robot,
                                blue_robot=live_match.blue_robot, red_seal="NEW", blue_seal="B-1",
                                actor=referee)
    live_match.refresh_from_db()
    assert live_match.red_seal == "R-1"


def test_r6_live_match_without_robots_is_refused_by_the_database(match):
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.filter(pk=match.pk).update(status="live")


def test_r6_battery_swap_disqualifies_the_corner(live_match, referee):
    with refused("R6"):
        services.battery_swap_report(match=live_match, corner="blue", confirmed=False, actor=referee)
    services.battery_swap_report(match=live_match, corner="blue", confirmed=True, actor=referee)
    live_match.refresh_from_db()
    assert live_match.status == Match.Status.FINISHED
    assert live_match.winner_id == live_match.red_id
    assert live_match.method == "dq"


def test_r6_battery_swap_only_during_a_match(match, referee):
    with refused("R7"):
        services.battery_swap_report(match=match, corner="blue", confirmed=True, actor=referee)


# --- R7: who runs a match, the status flow ----------------------------------------------------------

def test_r7_only_an_assigned_referee_runs_the_match(match, people):
    red, blue = services.active_robot(match.red), services.active_robot(match.blue)
    for outsider in (people["ref2"], people["head"], people["organizer"]):
        with pytest.raises(NotAllowed, match="R7"):
            services.match_check_in(match=match, red_robot=red, blue_robot=blue, red_seal="A",
                                    blue_seal="B", actor=outsider)
    assert services.match_check_in(match=match, red_robot=red, blue_robot=blue, red_seal="A",
                                   blue_seal="B", actor=people["ref1"]).status == "checked_in"


def test_r7_status_moves_scheduled_checked_in_live_finished(match, referee):
    with refused("R7"):
        services.match_start(match=match, actor=referee)
    assert match.status == Match.Status.SCHEDULED
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="A",
                            blue_seal="B", actor=referee)
    services.match_start(match=match, actor=referee)
    for n in (1, 2):
        services.round_record(match=match, number=n, data=POINTS, actor=referee)
    match.refresh_from_db()
    assert match.status == Match.Status.FINISHED
    with refused("R7"):
        services.round_record(match=match, number=3, data=POINTS, actor=referee)


def test_r7_only_a_head_referee_corrects_with_a_reason(live_match, referee, people):
    for n in (1, 2):
        services.round_record(match=live_match, number=n, data=POINTS, actor=referee)
    flipped = [RoundInput(winner="blue", method="ko"), RoundInput(winner="blue", method="tko")]
    with pytest.raises(NotAllowed):
        services.match_result_correct(match=live_match, rounds=flipped, reason="Video", actor=referee)
    with refused("R7"):
        services.match_result_correct(match=live_match, rounds=flipped, reason=" ", actor=people["head"])
    corrected = services.match_result_correct(match=live_match, rounds=flipped, reason="Video review",
                                              actor=people["head"])
    assert corrected.winner_id == live_match.blue_id
    event = AuditEvent.objects.get(action="result_corrected")
    assert event.reason == "Video review" and event.actor == people["head"]


def test_r7_stale_version_is_a_conflict_and_saves_nothing(live_match, referee):
    version = live_match.version
    services.allowance_use(match=live_match, corner="red", kind="tactical_timeout",
                           expected_version=version, actor=referee)
    with pytest.raises(MatchConflict):
        services.allowance_use(match=live_match, corner="red", kind="tactical_timeout",
                               expected_version=version, actor=referee)
    assert AllowanceUse.objects.filter(match=live_match).count() == 1


# --- R8: best of three, rounds, methods --------------------------------------------------------

def test_r8_match_ends_when_a_corner_wins_two_rounds(live_match, referee):
    services.round_record(match=live_match, number=1, data=POINTS, actor=referee)
    services.round_record(match=live_match, number=2, actor=referee,
                          data=RoundInput(winner="blue", method="ko"))
    live_match.refresh_from_db()
    assert live_match.status == Match.Status.LIVE
    services.round_record(match=live_match, number=3, actor=referee,
                          data=RoundInput(winner="red", method="overtime", red_points=5, blue_points=5))
    live_match.refresh_from_db()
    assert (live_match.status, live_match.winner_id) == (Match.Status.FINISHED, live_match.red_id)
    assert (live_match.red_rounds, live_match.blue_rounds, live_match.method) == (2, 1, "overtime")


def test_r8_fourth_round_in_best_of_three_is_refused(live_match, referee):
    with refused("R8"):
        services.round_record(match=live_match, number=4, data=POINTS, actor=referee)
    with refused("R8"):
        services.round_record(match=live_match, number=2, data=POINTS, actor=referee)


@pytest.mark.parametrize("bad", [
    RoundInput(winner="green", method="points", red_points=1),
    RoundInput(winner="red", method="judo"),
    RoundInput(winner="red", method="points", red_points=-3),
    RoundInput(winner="red", method="points", red_points=5000),
    RoundInput(winner="red", method="points", red_points=3, blue_points=9),
    RoundInput(winner="red", method="ko", red_fouls=99),
])
def test_r8_bad_round_input_is_refused_and_saves_nothing(live_match, referee, bad):
    with refused("R8"):
        services.round_record(match=live_match, number=1, data=bad, actor=referee)
    assert not Round.objects.filter(match=live_match).exists()
    live_match.refresh_from_db()
    assert live_match.version == live_match.version  # reload works; no partial save below
    assert AuditEvent.objects.filter(action="round_recorded").count() == 0


def test_r8_points_decision_constraint_in_the_database(live_match):
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(match=live_match, number=1, winner="red", method="points",
                             red_points=1, blue_points=2)


def test_r8_forfeit_gives_the_match_to_the_other_corner(match, referee):
    with refused("R8"):
        services.match_forfeit(match=match, corners=[], reason="no show", actor=referee)
    services.match_forfeit(match=match, corners=["blue"], reason="Robot not ready", actor=referee)
    match.refresh_from_db()
    assert (match.status, match.winner_id, match.method) == ("forfeited", match.red_id, "forfeit")


# --- R9: allowances -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,limit", [("manual_reset", 2), ("tactical_timeout", 2),
                                        ("emergency_repair", 1)])
def test_r9_allowance_limits(live_match, referee, kind, limit):
    for _ in range(limit):
        services.allowance_use(match=live_match, corner="blue", kind=kind, actor=referee)
    with refused("R9"):
        services.allowance_use(match=live_match, corner="blue", kind=kind, actor=referee)
    assert AllowanceUse.objects.filter(match=live_match, kind=kind, corner="blue").count() == limit
    # the other corner has its own allowance
    services.allowance_use(match=live_match, corner="red", kind=kind, actor=referee)


def test_r9_third_manual_reset_explains_the_technical_knockout(live_match, referee):
    for _ in range(2):
        services.allowance_use(match=live_match, corner="red", kind="manual_reset", actor=referee)
    with pytest.raises(RuleViolation, match="technical knockout"):
        services.allowance_use(match=live_match, corner="red", kind="manual_reset", actor=referee)


def test_r9_limit_is_a_database_constraint(live_match):
    with pytest.raises(IntegrityError), transaction.atomic():
        AllowanceUse.objects.create(match=live_match, corner="red", kind="emergency_repair", seq=2,
                                    round_number=1)


# --- R14: the bracket fills itself ----------------------------------------------------------------

@pytest.fixture
def knockout_season(people):
    season = factories.season_at("group_done")
    services.knockout_start(season=season, seed=11, actor=system_actor())
    return season


def test_r14_winner_and_semifinal_loser_advance(knockout_season):
    s = knockout_season
    qf1 = factories.play_match(s.matches.get(slot="QF1"), winner="blue")
    qf2 = factories.play_match(s.matches.get(slot="QF2"), winner="red")
    sf1 = s.matches.get(slot="SF1")
    assert (sf1.red_id, sf1.blue_id) == (qf1.blue_id, qf2.red_id)
    sf1 = factories.play_match(sf1, winner="red")
    assert s.matches.get(slot="F").red_id == sf1.red_id
    assert s.matches.get(slot="3P").red_id == sf1.blue_id


def test_r14_correction_that_changes_winner_refused_once_fed_match_started(knockout_season, people):
    s = knockout_season
    qf1 = factories.play_match(s.matches.get(slot="QF1"), winner="red")
    factories.play_match(s.matches.get(slot="QF2"), winner="red")
    flipped = [RoundInput(winner="blue", method="ko"), RoundInput(winner="blue", method="ko")]
    sf1 = s.matches.get(slot="SF1")
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="1", blue_seal="2",
                            actor=system_actor())
    with refused("R14"):
        services.match_result_correct(match=qf1, rounds=flipped, reason="Review", actor=people["head"])
    assert Match.objects.get(pk=qf1.pk).winner_id == qf1.red_id


def test_r14_correction_before_fed_match_starts_moves_the_team(knockout_season, people):
    s = knockout_season
    qf1 = factories.play_match(s.matches.get(slot="QF1"), winner="red")
    flipped = [RoundInput(winner="blue", method="ko"), RoundInput(winner="blue", method="ko")]
    services.match_result_correct(match=qf1, rounds=flipped, reason="Review", actor=people["head"])
    assert s.matches.get(slot="SF1").red_id == qf1.blue_id


def test_r14_knockout_double_forfeit_is_refused(knockout_season):
    with refused("R14"):
        services.match_forfeit(match=knockout_season.matches.get(slot="QF3"), corners=["red", "blue"],
                               reason="Both robots broken", actor=system_actor())


def test_r14_one_match_per_bracket_slot_in_the_database(knockout_season):
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(season=knockout_season, stage="final", slot="F")


def test_r5_primary_failed_after_check_in_cannot_start(match, people, referee):
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="A",
                            blue_seal="B", actor=referee)
    report = file_failure(match, match.red, referee)
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    with refused("R5"):
        services.match_start(match=match, actor=referee)
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="A",
                            blue_seal="B", actor=referee)
    started = services.match_start(match=match, actor=referee)
    assert started.status == Match.Status.LIVE and started.red_robot.role == Robot.Role.BACKUP
