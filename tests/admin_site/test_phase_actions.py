"""Every phase action: a preview that saves nothing, a confirmation that makes one service call,
and a refusal naming the rule when a precondition fails (never a 500)."""
from __future__ import annotations

import pytest

from league import services
from league.models import AuditEvent, Entry, Match, Placing, Season
from league.services.common import system_actor
from tests import factories

from .helpers import (
    auditions_season,
    finish_knockout,
    group_stage_season,
    messages_of,
    phase_url,
    qualified_entries,
    season_at,
)

pytestmark = pytest.mark.django_db


def confirm(client, season, action, data=None):
    return client.post(phase_url(season, action), {**(data or {}), "_confirm": "1"})


def assert_refused(response, rule: str):
    assert response.status_code == 200
    assert any(m.startswith(f"{rule}:") for m in messages_of(response)), messages_of(response)
    assert f"Refused by {rule}" in response.content.decode()


# --- close registration ------------------------------------------------------------------------

def test_close_registration_preview_saves_nothing_then_confirm_moves_to_auditions(org, organizer):
    season = factories.SeasonFactory()
    for i in range(3):
        services.entry_apply(season=season, team=factories.catalogue_team(i), actor=system_actor())
    events = AuditEvent.objects.count()

    preview = org.get(phase_url(season, "close-registration"))
    assert preview.status_code == 200
    assert "3 teams have applied" in preview.content.decode()
    season.refresh_from_db()
    assert season.phase == Season.Phase.REGISTRATION
    assert AuditEvent.objects.count() == events  # the dry run left no trace

    response = confirm(org, season, "close-registration")
    assert response.status_code == 302
    season.refresh_from_db()
    assert season.phase == Season.Phase.AUDITIONS
    event = AuditEvent.objects.filter(action="season_phase", season=season).first()
    assert event.actor == organizer and event.to_state == Season.Phase.AUDITIONS


def test_r1_close_registration_refused_without_applications(org):
    season = factories.SeasonFactory()
    assert "R1: No team has applied yet." in org.get(phase_url(season, "close-registration")).content.decode()
    assert_refused(confirm(org, season, "close-registration"), "R1")
    season.refresh_from_db()
    assert season.phase == Season.Phase.REGISTRATION


# --- close auditions ---------------------------------------------------------------------------

def test_close_auditions_lists_the_16_and_moves_to_the_draw(org):
    season = auditions_season(applicants=17, passed=17, qualify=16)
    page = org.get(phase_url(season, "close-auditions")).content.decode()
    assert "16 teams enter the main event" in page
    assert "Not in the main event" in page  # the 17th, passed but not qualified
    assert confirm(org, season, "close-auditions").status_code == 302
    season.refresh_from_db()
    assert season.phase == Season.Phase.DRAW


def test_r1_close_auditions_refused_with_15_qualified(org):
    season = auditions_season(applicants=16, passed=16, qualify=15)
    assert_refused(confirm(org, season, "close-auditions"), "R1")
    season.refresh_from_db()
    assert season.phase == Season.Phase.AUDITIONS


# --- seed the pots -----------------------------------------------------------------------------

def test_seed_pots_from_the_organizers_seeds(org):
    season = factories.season_at("qualified")
    entries = sorted(qualified_entries(season), key=lambda e: e.team.name_en, reverse=True)
    data = {f"seed_{e.pk}": i for i, e in enumerate(entries, start=1)}
    data.update(source="manual", reason="Seeded by the league's ranking committee")
    preview = org.post(phase_url(season, "seed-pots"), {**data, "_preview": "1"})
    assert "Pot 4" in preview.content.decode()
    assert Entry.objects.filter(season=season, pot__isnull=False).count() == 0

    assert confirm(org, season, "seed-pots", data).status_code == 302
    seeded = {e.pk: (e.seed, e.pot) for e in qualified_entries(season)}
    assert seeded[entries[0].pk] == (1, 1)
    assert seeded[entries[15].pk] == (16, 4)


def test_seed_pots_form_refuses_a_seed_given_twice(org):
    season = factories.season_at("qualified")
    entries = qualified_entries(season)
    data = {f"seed_{e.pk}": min(i, 15) for i, e in enumerate(entries, start=1)}
    response = confirm(org, season, "seed-pots", data)
    assert response.status_code == 200
    assert "given more than once: 15" in response.content.decode()
    assert not Entry.objects.filter(season=season, pot__isnull=False).exists()


def test_r10_seed_pots_refused_after_the_draw(org):
    season = factories.season_at("drawn")
    entries = qualified_entries(season)
    data = {f"seed_{e.pk}": i for i, e in enumerate(entries, start=1)}
    data.update(source="manual", reason="Seeded by the league's ranking committee")
    assert_refused(confirm(org, season, "seed-pots", data), "R10")


# --- run the draw ------------------------------------------------------------------------------

def seeded_season() -> Season:
    season = factories.season_at("qualified")
    services.pots_seed(season=season, order=[e.pk for e in qualified_entries(season)], actor=system_actor())
    return season


def test_r10_draw_preview_shows_the_seed_and_the_confirmation_stores_that_draw(org):
    season = seeded_season()
    preview = org.post(phase_url(season, "run-draw"), {"seed": "424242", "_preview": "1"})
    page = preview.content.decode()
    assert "424242" in page and "Group D" in page
    groups_previewed = preview.context["preview"]["groups"]
    season.refresh_from_db()
    assert season.draw_seed is None and not season.groups.exists()

    response = confirm(org, season, "run-draw", {"seed": "424242"})
    assert response.status_code == 302 and response.url.endswith("/draw/")
    season.refresh_from_db()
    assert season.draw_seed == 424242
    stored = {g.name: sorted(str(e.team) for e in g.entries.all()) for g in season.groups.all()}
    assert stored == {name: sorted(t["team"] for t in teams) for name, teams in groups_previewed}

    check = org.get(response.url)
    assert check.context["check"]["same"] is True
    assert "Re-running the draw with this seed gives exactly these groups" in check.content.decode()


def test_r10_the_same_seed_previews_the_same_draw(org):
    season = seeded_season()
    first = org.post(phase_url(season, "run-draw"), {"seed": "7", "_preview": "1"}).context["preview"]
    again = org.post(phase_url(season, "run-draw"), {"seed": "7", "_preview": "1"}).context["preview"]
    other = org.post(phase_url(season, "run-draw"), {"seed": "8", "_preview": "1"}).context["preview"]
    assert first == again
    assert first["seed"] == 7 and other["seed"] == 8


def test_r10_draw_refused_before_the_pots_are_seeded(org):
    season = factories.season_at("qualified")
    assert_refused(confirm(org, season, "run-draw", {"seed": "1"}), "R10")
    season.refresh_from_db()
    assert season.draw_seed is None


def test_r10_draw_refused_when_it_has_run(org):
    season = factories.season_at("drawn")
    response = confirm(org, season, "run-draw", {"seed": "1"})
    assert_refused(response, "R10")
    assert "already run" in response.content.decode()


def test_draw_seed_must_be_a_number(org):
    season = seeded_season()
    response = confirm(org, season, "run-draw", {"seed": "abc"})
    assert response.status_code == 200 and "Enter a whole number" in response.content.decode()


# --- generate the schedule ---------------------------------------------------------------------

def test_r11_schedule_preview_shows_days_rings_and_rest_then_confirm_creates_24_matches(org):
    season = factories.season_at("drawn")
    page = org.get(phase_url(season, "generate-schedule")).content.decode()
    assert "24 matches" in page and "Match day 3" in page and "Ring 2" in page
    assert "Shortest rest of any team" in page
    assert "Fri 6 Mar 14:00" in page  # the first fight at 14:00 in the season's time zone, not UTC
    assert not season.matches.exists()

    response = confirm(org, season, "generate-schedule")
    assert response.status_code == 302
    assert season.matches.filter(stage=Match.Stage.GROUP).count() == 24
    season.refresh_from_db()
    assert season.phase == Season.Phase.GROUP_STAGE


def test_r10_schedule_refused_before_the_draw(org):
    season = factories.season_at("qualified")
    assert_refused(confirm(org, season, "generate-schedule"), "R10")
    assert not season.matches.exists()


# --- assign referees ---------------------------------------------------------------------------

def test_r7_assign_referees_gives_every_open_match_a_referee(org, people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    page = org.get(phase_url(season, "assign-referees")).content.decode()
    assert "24 matches get a referee" in page
    assert not season.matches.filter(referees__isnull=False).exists()
    assert confirm(org, season, "assign-referees").status_code == 302
    assert not season.matches.filter(referees__isnull=True).exists()


def test_r7_assign_referees_refused_without_referees(client, db):
    organizer = factories.UserFactory(username="solo-organizer", role="organizer")
    client.force_login(organizer)
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    assert_refused(confirm(client, season, "assign-referees"), "R7")


def test_assign_referees_says_when_there_is_nothing_to_do(org, people):
    season = season_at(org, "group_stage")  # the factory has assigned every match
    response = org.get(phase_url(season, "assign-referees"))
    assert "already has its referees" in response.content.decode()
    assert 'name="_confirm"' not in response.content.decode()


# --- record lots -------------------------------------------------------------------------------

def test_r12_lots_for_a_group_level_on_everything(org, organizer):
    season = group_stage_season(tie_group="A")
    page = org.get(f"/admin/league/season/{season.pk}/phase/record-lots/")
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [g["table"].group.name for g in groups] == ["A"]
    tied = groups[0]["form"].tied
    assert len(tied) == 4
    data = {"lots-group": "A", "lots-A-group": "A"}
    data.update({f"lots-A-lot_{e.pk}": 4 - i for i, e in enumerate(tied)})
    response = org.post(f"/admin/league/season/{season.pk}/phase/record-lots/", data)
    assert response.status_code == 302
    lots = dict(Entry.objects.filter(pk__in=[e.pk for e in tied]).values_list("pk", "lot"))
    assert lots[tied[0].pk] == 4 and lots[tied[3].pk] == 1
    assert AuditEvent.objects.filter(action="lots_drawn", actor=organizer).exists()


def test_r12_lots_refused_while_group_matches_remain(org):
    season = season_at(org, "group_stage")
    page = org.get(f"/admin/league/season/{season.pk}/phase/record-lots/").content.decode()
    assert "Refused by R12" in page


def test_r12_lots_refused_before_the_group_stage(org):
    season = factories.season_at("qualified")
    page = org.get(f"/admin/league/season/{season.pk}/phase/record-lots/").content.decode()
    assert "Refused by R12" in page


# --- start the knockout ------------------------------------------------------------------------

def test_r13_knockout_preview_shows_the_crossings_and_the_seed(org):
    season = group_stage_season()
    response = org.post(phase_url(season, "start-knockout"), {"seed": "99", "_preview": "1"})
    page = response.content.decode()
    assert "99" in page and "QF1" in page and "Winner of group" in page and "Runner-up of group" in page
    assert not season.matches.exclude(stage=Match.Stage.GROUP).exists()
    rows = response.context["preview"]["rows"]
    assert [r["red"] for r in rows if r["slot"] == "F"] == ["Winner of SF1"]
    assert confirm(org, season, "start-knockout", {"seed": "99"}).status_code == 302
    season.refresh_from_db()
    assert season.phase == Season.Phase.KNOCKOUT and season.knockout_seed == 99
    qf = {m.slot: (m.red_name, m.blue_name) for m in season.matches.filter(stage="quarterfinal")}
    assert {r["slot"]: (r["red"], r["blue"]) for r in rows if r["slot"].startswith("QF")} == qf
    check = org.get(f"/admin/league/season/{season.pk}/draw/").context["check"]
    assert check["knockout_seed"] == 99 and check["knockout_same"] is True


def test_r12_knockout_refused_while_group_matches_remain(org):
    season = season_at(org, "group_stage")
    assert_refused(confirm(org, season, "start-knockout", {"seed": "1"}), "R12")
    season.refresh_from_db()
    assert season.phase == Season.Phase.GROUP_STAGE


def test_r12_knockout_refused_while_lots_are_needed(org):
    season = group_stage_season(tie_group="B")
    response = confirm(org, season, "start-knockout", {"seed": "1"})
    assert_refused(response, "R12")
    assert "record the lots first" in response.content.decode()


# --- finish the season -------------------------------------------------------------------------

def test_r15_finish_assigns_places_and_shows_the_rewards_page(org):
    season = season_at(org, "knockout")
    finish_knockout(season)
    preview = org.get(phase_url(season, "finish-season"))
    assert len(preview.context["preview"]["placings"]) == 8
    assert not Placing.objects.filter(season=season).exists()
    response = confirm(org, season, "finish-season")
    assert response.status_code == 302 and response.url.endswith("/rewards/")
    page = org.get(response.url).content.decode()
    assert "8 teams rewarded" in page
    assert "Pure-gold championship belt" in page and "CNY 10,000,000" in page


def test_r15_finish_refused_while_the_knockout_is_on(org):
    season = season_at(org, "knockout")
    response = confirm(org, season, "finish-season")
    assert_refused(response, "R15")
    assert "SF1" in response.content.decode()
    season.refresh_from_db()
    assert season.phase == Season.Phase.KNOCKOUT


def test_r16_finish_refused_without_every_reward(org):
    season = season_at(org, "knockout")
    finish_knockout(season)
    season.rewards.filter(place=5).delete()
    assert_refused(confirm(org, season, "finish-season"), "R16")


def test_unknown_phase_action_is_404(org):
    season = factories.SeasonFactory()
    assert org.get(phase_url(season, "skip-to-the-end")).status_code == 404
