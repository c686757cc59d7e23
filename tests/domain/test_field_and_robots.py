"""R1 (16 teams), R2 (entries and rosters), R3 (robots)."""
from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from league import services
from league.errors import RuleViolation
from league.models import Entry, Robot, Season, Team, TeamMember
from league.services.common import system_actor
from tests import factories
from tests.domain.helpers import refused

pytestmark = pytest.mark.django_db


def auditioned_season(n: int) -> tuple[Season, list[Entry]]:
    """A season in auditions with ``n`` teams that passed, each with a roster and two robots."""
    season = factories.SeasonFactory()
    entries = [factories.apply_team(season, factories.catalogue_team(i), i) for i in range(n)]
    services.season_registration_close(season=season, actor=system_actor())
    for entry in entries:
        services.entry_audition(entry=entry, passed=True, actor=system_actor())
    season.refresh_from_db()
    return season, entries


def test_r1_seventeenth_team_is_refused():
    season, entries = auditioned_season(17)
    for entry in entries[:16]:
        services.entry_qualify(entry=entry, actor=system_actor())
    with refused("R1"):
        services.entry_qualify(entry=entries[16], actor=system_actor())
    assert season.entries.filter(status=Entry.Status.QUALIFIED).count() == 16
    assert Entry.objects.get(pk=entries[16].pk).status == Entry.Status.AUDITION_PASSED


def test_r1_draw_cannot_run_with_fewer_than_sixteen():
    season, entries = auditioned_season(15)
    for entry in entries:
        services.entry_qualify(entry=entry, actor=system_actor())
    with refused("R1"):
        services.season_auditions_close(season=season, actor=system_actor())
    assert Season.objects.get(pk=season.pk).phase == Season.Phase.AUDITIONS


def test_r1_exactly_sixteen_closes_auditions_and_moves_to_the_draw():
    season = factories.season_at("qualified")
    assert season.phase == Season.Phase.DRAW
    assert season.entries.filter(status=Entry.Status.QUALIFIED).count() == 16


def test_r1_only_a_team_that_passed_its_audition_qualifies():
    season = factories.SeasonFactory()
    entry = factories.apply_team(season, factories.catalogue_team(0), 0)
    services.season_registration_close(season=season, actor=system_actor())
    with refused("R1"):
        services.entry_qualify(entry=entry, actor=system_actor())


def test_r1_withdrawal_after_the_draw_is_refused():
    season = factories.season_at("drawn")
    with refused("R1"):
        services.entry_withdraw(entry=season.entries.filter(status="qualified").first(), reason="x",
                                actor=system_actor())


def test_r2_team_enters_a_season_once_in_service_and_database():
    season = factories.SeasonFactory()
    team = factories.catalogue_team(0)
    services.entry_apply(season=season, team=team, actor=system_actor())
    with refused("R2"):
        services.entry_apply(season=season, team=team, actor=system_actor())
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(season=season, team=team)


def test_r2_same_team_enters_another_season_and_keeps_its_identity():
    team = factories.catalogue_team(0)
    first = services.entry_apply(season=factories.SeasonFactory(), team=team, actor=system_actor())
    second = services.entry_apply(season=factories.SeasonFactory(), team=team, actor=system_actor())
    assert first.team_id == second.team_id
    assert team.entries.count() == 2


def test_r2_unregistered_organization_is_refused():
    team = factories.TeamFactory()
    Team.objects.filter(pk=team.pk).update(registration_number="  ")  # a row from before the rule
    team.refresh_from_db()
    with refused("R2"):
        services.entry_apply(season=factories.SeasonFactory(), team=team, actor=system_actor())
    with pytest.raises(RuleViolation, match="Legal registration number: This field cannot be blank"):
        factories.TeamFactory(registration_number="")


def test_r2_applying_after_registration_closed_is_refused():
    season = factories.season_at("qualified")
    with refused("R2"):
        services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())


@pytest.mark.parametrize("size,ok", [(2, False), (3, True), (10, True)])
def test_r2_roster_of_three_to_ten_to_qualify(size, ok):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    for i in range(size):
        services.member_add(entry=entry, name=f"Member {i}", role=TeamMember.Role.OPERATOR,
                            actor=system_actor())
    services.season_registration_close(season=season, actor=system_actor())
    services.entry_audition(entry=entry, passed=True, actor=system_actor())
    if ok:
        assert services.entry_qualify(entry=entry, actor=system_actor()).status == Entry.Status.QUALIFIED
    else:
        with refused("R2"):
            services.entry_qualify(entry=entry, actor=system_actor())


def test_r2_eleventh_member_is_refused():
    entry = services.entry_apply(season=factories.SeasonFactory(), team=factories.TeamFactory(),
                                 actor=system_actor())
    for i in range(10):
        services.member_add(entry=entry, name=f"M{i}", role=TeamMember.Role.COACH, actor=system_actor())
    with refused("R2"):
        services.member_add(entry=entry, name="M10", role=TeamMember.Role.COACH, actor=system_actor())
    assert entry.members.count() == 10


def test_r2_roster_is_locked_for_the_main_event():
    season = factories.season_at("qualified")
    entry = season.entries.filter(status="qualified").first()
    with refused("R2"):
        services.member_add(entry=entry, name="Late Joiner", role=TeamMember.Role.COACH, actor=system_actor())
    with refused("R2"):
        services.member_remove(member=entry.members.first(), actor=system_actor())


def test_r3_one_primary_and_one_backup():
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    services.robot_register(entry=entry, role="primary", serial="S-1", name="One", actor=system_actor())
    backup = services.robot_register(entry=entry, role="backup", serial="S-2", name="Two",
    actor=system_actor())
    assert backup.model == "EngineAI T800"
    with refused("R3"):
        services.robot_register(entry=entry, role="primary", serial="S-3", name="Three", actor=system_actor())
    with pytest.raises(IntegrityError), transaction.atomic():
        Robot.objects.create(season=season, entry=entry, role="backup", serial="S-4", name="Four")


def test_r3_serial_belongs_to_one_team_in_a_season():
    season = factories.SeasonFactory()
    a = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    b = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    services.robot_register(entry=a, role="primary", serial="T800-777", name="A", actor=system_actor())
    with refused("R3"):
        services.robot_register(entry=b, role="primary", serial="T800-777", name="B", actor=system_actor())
    with pytest.raises(IntegrityError), transaction.atomic():
        Robot.objects.create(season=season, entry=b, role="primary", serial="T800-777", name="B")
    # another season may reuse the serial (the robot changed hands)
    other = services.entry_apply(season=factories.SeasonFactory(), team=factories.TeamFactory(),
    actor=system_actor())
    assert services.robot_register(entry=other, role="primary", serial="T800-777", name="C",
    actor=system_actor()).pk


def test_r3_robots_are_registered_before_the_draw():
    season = factories.season_at("drawn")
    entry = season.entries.filter(status="qualified").first()
    entry.robots.filter(role="backup").delete()
    with refused("R3"):
        services.robot_register(entry=entry, role="backup", serial="LATE-1", name="Late",
                                actor=system_actor())


def test_r3_auditions_close_only_when_every_team_has_both_robots():
    season, entries = auditioned_season(16)
    for entry in entries:
        services.entry_qualify(entry=entry, actor=system_actor())
    entries[5].robots.filter(role="backup").delete()
    with refused("R3"):
        services.season_auditions_close(season=season, actor=system_actor())


def test_status_values_are_held_by_the_database():
    season = factories.SeasonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Season.objects.filter(pk=season.pk).update(phase="party")
    entry = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(status="champion")


def test_phases_never_skip_or_go_back():
    season = factories.SeasonFactory()
    with pytest.raises(RuleViolation):
        services.knockout_start(season=season, actor=system_actor())
    services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    services.season_registration_close(season=season, actor=system_actor())
    with pytest.raises(RuleViolation):
        services.season_registration_close(season=season, actor=system_actor())
    assert Season.objects.get(pk=season.pk).phase == Season.Phase.AUDITIONS


def test_r3_mistyped_robot_removed_and_registered_again_before_the_draw():
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.TeamFactory(), actor=system_actor())
    wrong = services.robot_register(entry=entry, role="primary", serial="T80O-1", name="Typo",
    actor=system_actor())
    services.robot_remove(robot=wrong, actor=system_actor())
    fixed = services.robot_register(entry=entry, role="primary", serial="T800-1", name="Fixed",
    actor=system_actor())
    assert list(entry.robots.values_list("serial", flat=True)) == [fixed.serial]


def test_r3_robots_cannot_be_removed_after_the_draw():
    season = factories.season_at("drawn")
    robot = Robot.objects.filter(season=season).first()
    with refused("R3"):
        services.robot_remove(robot=robot, actor=system_actor())
    assert Robot.objects.filter(pk=robot.pk).exists()
