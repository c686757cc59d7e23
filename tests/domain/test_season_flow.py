"""R10-R13, R15, R16 through the services, and a whole season from 20 applications to rewards."""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from league import services
from league.models import Entry, Match, Placing, Reward, Season
from league.rules.draw import DrawTeam, draw_groups
from league.selectors import group_standings, season_standings
from league.services.common import system_actor
from tests import factories
from tests.domain.helpers import refused

pytestmark = pytest.mark.django_db


# --- R10: pots and the draw ---------------------------------------------------------------------------

def test_r10_draw_puts_one_team_of_each_pot_in_each_group_and_stores_its_seed():
    season = factories.season_at("drawn", seed=99)
    assert season.draw_seed == 99
    for group in season.groups.all():
        assert sorted(group.entries.values_list("pot", flat=True)) == [1, 2, 3, 4]


def test_r10_stored_seed_reproduces_the_draw():
    season = factories.season_at("drawn", seed=4242)
    entries = list(season.entries.filter(status="qualified").select_related("team"))
    again = draw_groups([DrawTeam(e.pk, e.pot, e.team.country, e.team.organization) for e in entries],
                        season.draw_seed)
    stored = {g.name: sorted(g.entries.values_list("pk", flat=True)) for g in season.groups.all()}
    assert {name: sorted(keys) for name, keys in again.groups.items()} == stored


def test_r10_same_organization_kept_apart():
    season = factories.season_at("drawn", seed=5)
    engineai = season.entries.filter(team__organization="EngineAI Robotics", status="qualified")
    groups = [e.group_id for e in engineai]
    assert len(groups) == len(set(groups))


def test_r10_draw_refused_before_pots_and_run_only_once():
    season = factories.season_at("qualified")
    with refused("R10"):
        services.draw_run(season=season, actor=system_actor())
    services.pots_seed(season=season, order=list(
        season.entries.filter(status="qualified").values_list("pk", flat=True)), actor=system_actor())
    services.draw_run(season=season, seed=1, actor=system_actor())
    with refused("R10"):
        services.draw_run(season=season, seed=2, actor=system_actor())
    with refused("R10"):
        services.pots_seed(season=season, actor=system_actor())


def test_r10_seeding_must_list_every_qualified_team_once():
    season = factories.season_at("qualified")
    pks = list(season.entries.filter(status="qualified").values_list("pk", flat=True))
    with refused("R10"):
        services.pots_seed(season=season, order=pks[:15], actor=system_actor())
    with refused("R10"):
        services.pots_seed(season=season, order=pks[:15] + pks[:1], actor=system_actor())
    seeded = services.pots_seed(season=season, order=pks, actor=system_actor())
    assert Counter(e.pot for e in seeded) == {1: 4, 2: 4, 3: 4, 4: 4}


# --- R11: the group schedule -----------------------------------------------------------------------------

def test_r11_round_robin_six_matches_three_days_rest_respected(people):
    season = factories.season_at("drawn", min_rest_minutes=20 * 60)
    services.group_schedule_generate(season=season, actor=system_actor())
    season.refresh_from_db()
    assert season.phase == Season.Phase.GROUP_STAGE
    for group in season.groups.all():
        matches = list(group.matches.all())
        assert len(matches) == 6
        assert sorted({m.day for m in matches}) == [1, 2, 3]
        pairs = {frozenset((m.red_id, m.blue_id)) for m in matches}
        assert len(pairs) == 6
    fights: dict[int, list] = {}
    for m in season.matches.all():
        for pk in (m.red_id, m.blue_id):
            fights.setdefault(pk, []).append(m.scheduled_at)
    slot = dt.timedelta(minutes=season.slot_minutes)
    for times in fights.values():
        times.sort()
        days = [t.astimezone(season.tz).date() for t in times]
        assert len(days) == len(set(days))
        for a, b in zip(times, times[1:], strict=False):
            assert b - (a + slot) >= dt.timedelta(minutes=season.min_rest_minutes)


def test_r11_schedule_that_breaks_rest_is_refused():
    from league.services.season import check_group_schedule

    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    matches = list(season.matches.order_by("scheduled_at"))
    first = matches[0]
    later = next(m for m in matches if m.day == 2 and first.red_id in (m.red_id, m.blue_id))
    later.scheduled_at = first.scheduled_at + dt.timedelta(hours=1)
    with refused("R11"):
        check_group_schedule(season, matches)


def test_r11_schedule_needs_the_draw_first():
    season = factories.season_at("qualified")
    with refused("R10"):
        services.group_schedule_generate(season=season, actor=system_actor())


# --- R12: standings ---------------------------------------------------------------------------------------

def test_r12_standings_points_and_tie_rule_shown():
    season = factories.season_at("group_done")
    for table in season_standings(season=season):
        points = [row.points for row in table.rows]
        assert points == sorted(points, reverse=True)
        assert sum(row.won for row in table.rows) == 6
        for upper, lower in zip(table.rows, table.rows[1:], strict=False):
            if upper.points == lower.points and not upper.lots_needed:
                assert upper.separated_by in {"head_to_head", "round_difference", "ko_wins",
                                              "point_difference", "discipline", "lots"}


def test_r12_double_forfeit_is_a_loss_for_both(people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    group = season.groups.get(name="A")
    match = group.matches.order_by("scheduled_at").first()
    services.match_forfeit(match=match, corners=["red", "blue"], reason="Neither robot passed inspection",
                           actor=system_actor())
    table = group_standings(group=group)
    rows = {r.entry.pk: r for r in table.rows}
    assert rows[match.red_id].lost == rows[match.blue_id].lost == 1
    assert rows[match.red_id].points == rows[match.blue_id].points == 0


def test_r12_knockout_waits_for_lots_when_all_else_is_equal(people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    for m in season.matches.all():
        services.match_forfeit(match=m, corners=["red", "blue"], reason="Storm closed the venue",
                               actor=system_actor())
    with refused("R12"):
        services.knockout_start(season=season, actor=system_actor())
    group = season.groups.get(name="A")
    tied = group_standings(group=group).lots_needed
    assert tied and len(tied[0]) == 4
    with refused("R12"):
        services.lots_record(group=group, order=tied[0][:3], actor=people["organizer"])
    for table in season_standings(season=season):
        order = [pk for block in table.lots_needed for pk in block]
        random.Random(1).shuffle(order)
        services.lots_record(group=table.group, order=order, actor=people["organizer"])
    table = group_standings(group=group)
    assert not table.lots_needed
    assert table.rows[0].separated_by == "lots"
    assert services.knockout_start(season=season, seed=3, actor=system_actor())


def test_r12_knockout_needs_every_group_match_finished():
    season = factories.season_at("group_stage")
    with refused("R12"):
        services.knockout_start(season=season, actor=system_actor())


# --- R13: the quarterfinal draw ----------------------------------------------------------------------------

def test_r13_crossings_winner_red_other_group_opposite_halves():
    season = factories.season_at("group_done")
    tables = {t.group.name: t for t in season_standings(season=season)}
    services.knockout_start(season=season, seed=77, actor=system_actor())
    winners = {t.rows[0].entry.pk: name for name, t in tables.items()}
    runners = {t.rows[1].entry.pk: name for name, t in tables.items()}
    half = {}
    for slot in ("QF1", "QF2", "QF3", "QF4"):
        m = season.matches.get(slot=slot)
        assert m.red_id in winners and m.blue_id in runners
        assert winners[m.red_id] != runners[m.blue_id]
        half[m.red_id] = half[m.blue_id] = "top" if slot in ("QF1", "QF2") else "bottom"
    for t in tables.values():
        assert half[t.rows[0].entry.pk] != half[t.rows[1].entry.pk]
    season.refresh_from_db()
    assert season.knockout_seed == 77 and season.phase == Season.Phase.KNOCKOUT


def test_r13_semifinals_pair_qf1_qf2_and_qf3_qf4_with_third_place_match():
    season = factories.season_at("knockout")
    qf = {m.slot: m for m in season.matches.filter(stage="quarterfinal")}
    sf1, sf2 = season.matches.get(slot="SF1"), season.matches.get(slot="SF2")
    assert (sf1.red_id, sf1.blue_id) == (qf["QF1"].winner_id, qf["QF2"].winner_id)
    assert (sf2.red_id, sf2.blue_id) == (qf["QF3"].winner_id, qf["QF4"].winner_id)
    assert season.matches.filter(slot="3P", stage="third_place").exists()


# --- R15 / R16: places and rewards ---------------------------------------------------------------

def test_r15_last_eight_rewarded_champion_gets_the_gold_belt():
    season = factories.season_at("finished")
    placings = list(Placing.objects.filter(season=season))
    assert len(placings) == 8
    assert Counter(p.place for p in placings) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 4}
    champion = next(p for p in placings if p.place == 1)
    assert champion.entry_id == season.matches.get(slot="F").winner_id
    assert "gold" in champion.reward_description.lower()
    assert (champion.reward_value, champion.reward_currency) == (Decimal("10000000"), "CNY")
    group_only = season.entries.filter(status="qualified", placing__isnull=True)
    assert group_only.count() == 8  # knocked out in the group stage: no reward


def test_r15_without_third_place_match_both_semifinal_losers_are_third():
    season = factories.season_at("finished", third_place_match=False)
    assert not season.matches.filter(slot="3P").exists()
    assert Counter(Placing.objects.filter(season=season).values_list("place", flat=True)) == {
        1: 1, 2: 1, 3: 2, 5: 4}


def test_r15_season_finishes_only_when_the_bracket_is_over():
    season = factories.season_at("knockout")
    with refused("R15"):
        services.season_finish(season=season, actor=system_actor())
    assert not Placing.objects.filter(season=season).exists()


def test_r15_one_champion_in_the_database():
    season = factories.season_at("finished")
    other = season.entries.filter(placing__isnull=True, status="qualified").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Placing.objects.create(season=season, entry=other, place=1)


def test_r16_rewards_come_from_the_season_setting_not_typed_in():
    season = factories.season_at("knockout")
    Reward.objects.filter(season=season, place=5).update(description="Robot care kit",
                                                         value=Decimal("88000"), currency="HKD")
    for slot in ("SF1", "SF2", "3P", "F"):
        factories.play_match(season.matches.get(slot=slot), winner="red")
    services.season_finish(season=season, actor=system_actor())
    fifth = Placing.objects.filter(season=season, place=5)
    assert {(p.reward_description, p.reward_value, p.reward_currency) for p in fifth} == {
        ("Robot care kit", Decimal("88000.00"), "HKD")}


def test_r16_finish_refused_while_a_place_has_no_reward():
    season = factories.season_at("knockout")
    for slot in ("SF1", "SF2", "3P", "F"):
        factories.play_match(season.matches.get(slot=slot), winner="blue")
    Reward.objects.filter(season=season, place=4).delete()
    with refused("R16"):
        services.season_finish(season=season, actor=system_actor())


# --- The whole season through the services ---------------------------------------------------------------

def test_whole_season_from_twenty_applications_to_rewards(people):
    """20 apply, 16 qualify, draw, 24 group matches, QF draw, bracket, 8 rewards and the belt."""
    organizer, referee = people["organizer"], people["ref1"]
    season = services.season_create(
        actor=organizer, slug="full", name="Full season", city="Shenzhen", venue="Bay Arena",
        time_zone="Asia/Shanghai", starts_on=dt.date(2026, 3, 6))
    entries = [factories.apply_team(season, factories.catalogue_team(i), i) for i in range(20)]
    services.season_registration_close(season=season, actor=organizer)
    for i, entry in enumerate(entries):
        services.entry_audition(entry=entry, passed=i < 17, reason="" if i < 17 else "Fell twice",
                                actor=organizer)
    for entry in entries[:16]:
        services.entry_qualify(entry=entry, actor=organizer)
    with refused("R1"):
        services.entry_qualify(entry=entries[16], actor=organizer)
    services.season_auditions_close(season=season, actor=organizer)
    services.pots_seed(season=season, order=[e.pk for e in entries[:16]], actor=organizer)
    services.draw_run(season=season, seed=2026, actor=organizer)
    services.group_schedule_generate(season=season, actor=organizer)
    rng = random.Random(3)
    for match in season.matches.order_by("scheduled_at"):
        services.referees_assign(match=match, referees=[referee], actor=organizer)
        factories.play_random(match, rng, actor=referee)
    services.knockout_start(season=season, seed=8, actor=organizer)
    for slot in ("QF1", "QF2", "QF3", "QF4", "SF1", "SF2", "3P", "F"):
        match = season.matches.get(slot=slot)
        services.referees_assign(match=match, referees=[referee], actor=organizer)
        factories.play_random(match, rng, actor=referee)
        services.match_sign_off(match=match, actor=referee)
    placings = services.season_finish(season=season, actor=organizer)
    season.refresh_from_db()
    assert season.phase == Season.Phase.FINISHED
    final = season.matches.get(slot="F")
    third = season.matches.get(slot="3P")
    places = {p.entry_id: p.place for p in placings}
    assert places[final.winner_id] == 1 and places[final.loser_id] == 2
    assert places[third.winner_id] == 3 and places[third.loser_id] == 4
    quarterfinalists = {m.loser_id for m in season.matches.filter(stage="quarterfinal")}
    assert {pk for pk, place in places.items() if place == 5} == quarterfinalists
    belt = Placing.objects.get(season=season, place=1)
    assert belt.reward_description == "Pure-gold championship belt"
    assert belt.reward_value == Decimal("10000000")
    assert Entry.objects.filter(season=season, status="qualified").count() == 16
    assert Match.objects.filter(season=season, status="finished").count() == 24 + 8


def test_a_whole_season_can_be_deleted_teams_stay():
    season = factories.season_at("finished")
    teams = set(season.entries.values_list("team_id", flat=True))
    season.delete()
    assert not Season.objects.filter(pk=season.pk).exists()
    assert not Match.objects.exists()
    from league.models import Team
    assert set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True)) == teams


def test_r8_best_of_five_needs_three_rounds():
    season = factories.season_at("group_stage", best_of=5)
    finished = season.matches.filter(status="finished")
    assert finished.exists()
    for match in finished:
        assert max(match.red_rounds, match.blue_rounds) == 3


def test_r11_schedule_with_duplicate_rings_is_refused_not_a_crash():
    season = factories.season_at("drawn")
    Season.objects.filter(pk=season.pk).update(rings="Ring 1,Ring 1")
    season.refresh_from_db()
    with refused("R11"):
        services.group_schedule_generate(season=season, actor=system_actor())
    assert not season.matches.exists()
