"""The dashboard's blockers are the phase services' own refusals, each with its rule and a link
to fix it (R1, R2, R3, R7, R10, R12), and a team left without a robot is flagged (R4, R5)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league import services
from league.errors import RuleViolation
from league.models import AuditEvent, Entry, Robot, TeamMember
from league.selectors.dashboard import season_dashboard
from league.selectors.referee import match_card
from league.services.common import system_actor
from tests import factories
from tests.admin_site.helpers import auditions_season, group_stage_season

pytestmark = pytest.mark.django_db


def panel_of(season):
    return next(p for p in season_dashboard().panels if p.season.pk == season.pk)


def blockers_text(season) -> list[str]:
    return [b.text for b in panel_of(season).blockers]


def test_r1_thirteen_of_sixteen_qualified_blocks_closing_the_auditions(org):
    season = auditions_season(applicants=13, passed=13, qualify=13)
    assert "13 of 16 qualified. (R1)" in blockers_text(season)
    with pytest.raises(RuleViolation) as refused:  # the service refuses on the very same blocker
        services.season_auditions_close(season=season, actor=system_actor())
    assert refused.value.text == "R1: 13 of 16 qualified."
    page = org().get(reverse("admin:index")).content.decode()
    assert "13 of 16 qualified." in page and "(R1)" in page
    fix = (reverse("admin:league_entry_changelist")
           + f"?season__id__exact={season.pk}&amp;status__exact=qualified")
    assert fix in page


def test_r2_r3_roster_and_robots_blockers_link_to_the_entry(org):
    season = auditions_season(applicants=16, passed=16, qualify=16)
    entries = list(season.entries.select_related("team").order_by("team__name_en"))
    services.robot_remove(robot=entries[0].robots.get(role=Robot.Role.BACKUP), actor=system_actor())
    # The services keep a qualified roster at 3 or more; a roster of 2 only comes from data made
    # before that check (or by hand in the database): the blocker still names it.
    TeamMember.objects.filter(pk__in=list(entries[1].members.values_list("pk", flat=True))[:2]).delete()
    texts = blockers_text(season)
    assert f"{entries[0].team} must register one primary and one backup robot before the draw. (R3)" in texts
    assert f"A team has 3-10 members; {entries[1].team} has 2. (R2)" in texts
    page = org().get(reverse("admin:index")).content.decode()
    assert reverse("admin:league_entry_change", args=[entries[0].pk]) in page
    assert reverse("admin:league_entry_change", args=[entries[1].pk]) in page
    with pytest.raises(RuleViolation):
        services.season_auditions_close(season=season, actor=system_actor())


def test_r10_seed_pots_then_draw_are_the_next_steps_and_unseeded_pots_block(org):
    season = factories.season_at("qualified")
    assert "Seed the pots before the draw. (R10)" in blockers_text(season)
    page = org().get(reverse("admin:index")).content.decode()
    assert reverse("admin:league_season_phase", args=[season.pk, "seed-pots"]) in page


def test_r7_a_match_without_referee_blocks_with_a_link_to_it(org):
    season = group_stage_season(played=False)
    match = season.matches.order_by("scheduled_at", "ring").first()
    assert match.referees.count() == 0  # the schedule assigns nobody
    texts = blockers_text(season)
    assert f"{match.slot} has no referee. (R7)" in texts
    services.referees_assign(match=match, referees=[factories.staff()["ref1"]], actor=system_actor())
    assert f"{match.slot} has no referee. (R7)" not in blockers_text(season)
    page = org().get(reverse("admin:index")).content.decode()
    other = season.matches.exclude(pk=match.pk).order_by("scheduled_at", "ring").first()
    assert reverse("admin:league_match_change", args=[other.pk]) in page
    # 23 matches still without a referee: five named, the rest counted, all fixed in one step.
    assert page.count("has no referee.") == 5
    assert "and 18 more matches without a referee." in page
    assert reverse("admin:league_season_phase", args=[season.pk, "assign-referees"]) in page


def test_r12_group_b_needs_lots_links_to_the_lots_page(org):
    season = group_stage_season(tie_group="B")
    texts = blockers_text(season)
    assert any(t.startswith("Group B needs lots") and t.endswith("(R12)") for t in texts)
    assert not any(t.startswith("Group A needs lots") for t in texts)
    page = org().get(reverse("admin:index")).content.decode()
    assert reverse("admin:league_season_lots", args=[season.pk]) in page
    with pytest.raises(RuleViolation) as refused:
        services.knockout_start(season=season, seed=1, actor=system_actor())
    assert refused.value.rule == "R12"


def test_r12_open_group_matches_block_the_knockout():
    season = group_stage_season(played=False)
    assert "24 group matches are not finished. (R12)" in blockers_text(season)


def fail_both_robots(entry: Entry) -> None:
    """The primary failed and was replaced, then the backup failed too (approved, R4, R5)."""
    people = factories.staff()
    for role in (Robot.Role.PRIMARY, Robot.Role.BACKUP):
        robot = entry.robots.get(role=role)
        report = services.failure_report_file(entry=entry, robot=robot, description="Motor burnt out",
                                              irreversible=True, actor=people["ref1"])
        services.failure_report_decide(report=report, approve=True, actor=people["head"])


def test_r4_r5_team_with_no_robot_left_is_flagged_on_dashboard_and_referee_card(org):
    season = group_stage_season(played=False)
    services.referees_assign_round_robin(season=season, actor=system_actor())
    match = season.matches.order_by("scheduled_at", "ring").first()
    entry = match.red
    fail_both_robots(entry)
    assert [e.pk for e in panel_of(season).no_robot_left] == [entry.pk]
    page = org().get(reverse("admin:index")).content.decode()
    assert f"{entry.team} has no robot left: forfeit only" in page
    # The organizer's notice in the audit trail, shown under "Recent changes" on the dashboard.
    notice = AuditEvent.objects.get(action="no_robot_left")
    assert (notice.object_id, notice.season_id) == (entry.pk, season.pk)
    assert f"No robot left: forfeit only: {entry}" in page

    referee = match.referees.first()
    card = match_card(pk=match.pk, user=referee)
    red = card.corners[0]
    assert red.forfeit_only is True
    assert red.active_robot is None  # a failed backup is never called "active"
    assert card.corners[1].forfeit_only is False and card.corners[1].active_robot is not None


def test_r4_r5_one_failed_robot_is_not_flagged():
    season = group_stage_season(played=False)
    entry = season.matches.first().red
    robot = entry.robots.get(role=Robot.Role.PRIMARY)
    people = factories.staff()
    report = services.failure_report_file(entry=entry, robot=robot, description="Gearbox",
                                          irreversible=True, actor=people["ref1"])
    services.failure_report_decide(report=report, approve=True, actor=people["head"])
    assert panel_of(season).no_robot_left == []
    assert not AuditEvent.objects.filter(action="no_robot_left").exists()
    assert [r.pk for r in season_dashboard().pending_reports] == []


def test_pending_failure_reports_and_recent_audit_events_are_listed(org):
    season = group_stage_season(played=False)
    entry = season.matches.first().red
    people = factories.staff()
    report = services.failure_report_file(entry=entry, robot=entry.robots.get(role=Robot.Role.PRIMARY),
                                          description="Gearbox", irreversible=False, actor=people["ref1"])
    board = season_dashboard()
    assert [r.pk for r in board.pending_reports] == [report.pk]
    assert board.recent[0].action == "failure_reported"
    page = org().get(reverse("admin:index")).content.decode()
    assert reverse("admin:league_failurereport_change", args=[report.pk]) in page
    assert "Recent changes" in page and "Failure reported" in page
    assert "Recent actions" not in page


def test_todays_matches_are_listed_per_ring():
    season = group_stage_season(played=False)
    first = season.matches.order_by("scheduled_at").first()
    board = season_dashboard(now=first.scheduled_at)
    today = next(p for p in board.panels if p.season.pk == season.pk).today
    assert [r.ring for r in today] == season.ring_list
    assert first in today[0].matches + today[1].matches
    assert all(m.scheduled_at.astimezone(season.tz).date() == first.scheduled_at.astimezone(season.tz).date()
               for r in today for m in r.matches)


def test_the_index_names_the_role_groups_staff_roles(client):
    # Only who may manage the role groups sees them on the index (a superuser, since main's 0006).
    boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Staff roles" in page
    assert ">Groups<" not in page
    assert "Sign-in protection" in page and "Failed sign-in attempts" in page  # django-axes, by its use
    assert "Access attempts" not in page and ">Axes<" not in page


def test_the_dashboard_reads_in_zh_hant(org):
    season = group_stage_season(played=False)
    first = season.matches.order_by("scheduled_at").first()
    page = org().get(reverse("admin:index"), headers={"accept-language": "zh-hant"}).content.decode()
    assert "賽季總覽" in page and "下一步" in page and "阻礙下一步的事項" in page
    assert "沒有待處理的故障報告。" in page and "沒有待裁決的抗議。" in page  # each its own words
    assert "Next:" not in page and "None pending." not in page
    assert "(R7)" in page  # the blockers keep their rule ids in every language
    assert first.slot in page


def test_a_referee_with_staff_status_sees_no_dashboard(client, people):
    head = people["head"]
    head.is_staff = True
    head.save(update_fields=["is_staff"])
    client.force_login(head)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Season dashboard" not in response.content.decode()

