"""Warnings before mistakes in the phase previews (R1, R2, R3, R4, R5, R11) and the seeding from a
stated source (R10)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from league import services
from league.admin.phase import ring_spacing_warnings, season_warnings
from league.errors import RuleViolation
from league.models import AuditEvent, Entry, Placing, Robot, Season
from league.services import seeding
from league.services.common import system_actor
from tests import factories
from tests.admin_site.helpers import group_stage_season

pytestmark = pytest.mark.django_db


def phase_url(season, action):
    return reverse("admin:league_season_phase", args=[season.pk, action])


def test_r1_thin_registration_is_warned_before_confirming(org):
    season = factories.SeasonFactory()
    for i in range(3):
        factories.apply_team(season, factories.catalogue_team(i), i)
    page = org().get(phase_url(season, "close-registration")).content.decode()
    assert "Only 3 applicants for 16 places. (R1)" in page.replace('<span class="league-rule">', "").replace(
        "</span>", "")
    assert 'name="_confirm"' in page  # allowed, only warned
    season.refresh_from_db()
    assert season.phase == Season.Phase.REGISTRATION


def test_r3_r2_a_team_without_both_robots_and_a_roster_at_its_limit_are_warned():
    season = factories.SeasonFactory()
    full = factories.apply_team(season, factories.catalogue_team(0), 0)
    for i in range(6):
        services.member_add(entry=full, name=f"Extra member {i}", role="technical_staff",
                            actor=system_actor())
    bare = services.entry_apply(season=season, team=factories.catalogue_team(1), actor=system_actor())
    texts = [(w["rule"], w["text"]) for w in season_warnings(season, phase_before=season.phase)]
    assert ("R3", f"{bare.team} has not registered both robots (primary and backup).") in texts
    assert ("R2", f"{full.team} has 10 members: its roster is at the limit of 3-10.") in texts
    assert not any(t == ("R3", f"{full.team} has not registered both robots (primary and backup).")
                   for t in texts)


def test_r11_matches_on_one_ring_closer_than_a_slot_are_warned():
    season = group_stage_season(played=False)
    assert ring_spacing_warnings(season) == []  # the generated schedule keeps a slot apart
    first, second = season.matches.filter(ring=season.ring_list[0]).order_by("scheduled_at")[:2]
    second.scheduled_at = first.scheduled_at + dt.timedelta(minutes=10)
    second.save(update_fields=["scheduled_at"])  # moved by hand in the database
    texts = [w["text"] for w in ring_spacing_warnings(season)]
    assert texts == [f"{season.ring_list[0]}: {first.slot} and {second.slot} start 10 min apart; "
                     f"a fight's slot is 40 min."]


def test_r4_r5_no_robot_left_is_warned_in_the_knockout_preview(org):
    season = group_stage_season(played=False)
    entry = season.entries.filter(status=Entry.Status.QUALIFIED).first()
    entry.robots.update(status=Robot.Status.FAILED)  # both failed (the services' path is in test_blockers)
    page = org().get(phase_url(season, "assign-referees")).content.decode()
    assert f"{entry.team} has no robot left: both its robots failed. It can only forfeit." in page


# --- seeding from a source ------------------------------------------------------------------------

def qualified(season):
    return list(season.entries.filter(status=Entry.Status.QUALIFIED).select_related("team"))


def test_r10_seeds_from_the_audition_score(organizer):
    season = factories.season_at("qualified")
    entries = qualified(season)
    for score, entry in enumerate(entries, start=50):
        seeding.audition_score_record(entry=entry, score=score, actor=organizer)
    order = [t.entry.pk for t in seeding.seeding_order(season, qualified(season), "audition")]
    assert order == [e.pk for e in reversed(entries)]
    services.pots_seed(season=season, order=order, source="audition", actor=organizer)
    season.refresh_from_db()
    assert season.seeding_source == "audition"
    event = AuditEvent.objects.filter(action="pots_seeded").latest("id")
    assert event.data["source"] == "audition" and event.data["moved"] == []


def test_r10_a_drawn_order_is_reproducible_from_its_stored_seed(organizer):
    season = factories.season_at("qualified")
    one = [t.entry.pk for t in seeding.seeding_order(season, qualified(season), "drawn", seed=7)]
    shuffled = list(reversed(qualified(season)))
    two = [t.entry.pk for t in seeding.seeding_order(season, shuffled, "drawn", seed=7)]
    assert one == two
    assert one != [t.entry.pk for t in seeding.seeding_order(season, qualified(season), "drawn", seed=8)]
    services.pots_seed(season=season, order=one, source="drawn", source_seed=7, actor=organizer)
    season.refresh_from_db()
    assert (season.seeding_source, season.seeding_seed) == ("drawn", 7)


def test_r10_a_change_by_hand_needs_a_reason_and_is_audited(organizer):
    season = factories.season_at("qualified")
    order = [t.entry.pk for t in seeding.seeding_order(season, qualified(season), "drawn", seed=3)]
    order[0], order[1] = order[1], order[0]
    with pytest.raises(RuleViolation) as refused:
        services.pots_seed(season=season, order=order, source="drawn", source_seed=3, actor=organizer)
    assert refused.value.rule == "R10" and "2 teams are not where the source puts them" in refused.value.text
    assert not season.entries.filter(seed__isnull=False).exists()
    services.pots_seed(season=season, order=order, source="drawn", source_seed=3,
                       reason="Host team seeded first", actor=organizer)
    event = AuditEvent.objects.filter(action="pots_seeded").latest("id")
    assert event.reason == "Host team seeded first"
    assert [m["seed"] for m in event.data["moved"]] == [1, 2]


def test_r10_seeds_from_the_previous_seasons_place(organizer):
    before = factories.season_at("finished", starts_on=dt.date(2025, 3, 1))
    season = factories.season_at("qualified", starts_on=dt.date(2026, 3, 1), seed=5)
    places = dict(Placing.objects.filter(season=before).values_list("entry__team_id", "place"))
    ordered = seeding.seeding_order(season, qualified(season), "previous")
    placed = [t for t in ordered if t.entry.team_id in places]
    assert len(placed) >= 2  # the catalogue's teams come back: the previous places apply
    # The placed teams come first, by their place; each says which place in which season.
    assert ordered[:len(placed)] == placed
    assert [places[t.entry.team_id] for t in placed] == sorted(places[t.entry.team_id] for t in placed)
    assert all(t.basis == f"place {places[t.entry.team_id]} in {before}" for t in placed)
    assert all(t.basis == "no place in the previous season" for t in ordered[len(placed):])


def test_r10_the_seed_pots_page_fills_the_seeds_from_the_chosen_source(org):
    season = factories.season_at("qualified")
    client = org()
    page = client.post(phase_url(season, "seed-pots"), {"source": "drawn", "source_seed": "11",
                                                        "_source": "1"}).content.decode()
    assert "drawn with seed 11" in page
    expected = [t.entry for t in seeding.seeding_order(season, qualified(season), "drawn", seed=11)]
    assert f'name="seed_{expected[0].pk}" value="1"' in page
