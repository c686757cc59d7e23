"""Ring queue, delays and moves (services/rings.py): R7, R11, R13, R14, bad input."""
from __future__ import annotations

import datetime as dt

import pytest

from league import services
from league.errors import NotAllowed, RuleViolation
from league.models import AuditEvent, Match
from league.selectors.rings import estimated_starts, match_minutes, ring_queue
from league.services.rings import match_call, match_move, ring_call_next, ring_delay
from tests import factories
from tests.domain.helpers import refused


def ring_matches(season, ring="Ring 1"):
    return list(season.matches.filter(ring=ring).order_by("scheduled_at", "slot"))


def version(season):
    season.refresh_from_db()
    return season.version


# --- Calling the next match -------------------------------------------------------------------

def test_call_next_makes_the_on_deck_match_now_and_moves_the_queue(group_season, head_referee):
    first, second, third = ring_matches(group_season)[:3]
    queue = ring_queue(group_season, "Ring 1")
    assert (queue.now, queue.on_deck, queue.next[0]) == (None, first, second)
    before = version(group_season)
    called = ring_call_next(season=group_season, ring="Ring 1", actor=head_referee)
    assert called == first and called.called_at is not None
    queue = ring_queue(group_season, "Ring 1")
    assert (queue.now, queue.on_deck, queue.next[0]) == (first, second, third)
    assert version(group_season) == before + 1
    assert AuditEvent.objects.filter(action="match_called", object_id=first.pk,
                                     actor=head_referee).exists()


def test_r7_next_match_is_not_called_while_the_ring_is_busy(group_season, organizer):
    ring_call_next(season=group_season, ring="Ring 1", actor=organizer)
    with refused("R7"):
        ring_call_next(season=group_season, ring="Ring 1", actor=organizer)
    second = ring_matches(group_season)[1]
    with refused("R7"):
        match_call(match=second, actor=organizer)


def test_r7_call_again_once_the_match_now_is_over(group_season, organizer):
    first, second = ring_matches(group_season)[:2]
    ring_call_next(season=group_season, ring="Ring 1", actor=organizer)
    factories.play_match(first, winner="red")
    assert ring_call_next(season=group_season, ring="Ring 1", actor=organizer) == second


def test_r7_only_an_organizer_or_head_referee_calls(group_season, referee):
    with pytest.raises(NotAllowed):
        ring_call_next(season=group_season, ring="Ring 1", actor=referee)
    assert not group_season.matches.filter(called_at__isnull=False).exists()


def test_unknown_ring_is_refused(group_season, organizer):
    with refused("R7"):
        ring_call_next(season=group_season, ring="Ring 9", actor=organizer)


def test_r13_final_is_not_called_before_the_third_place_match_is_over(knockout_season, organizer):
    for slot in ("SF1", "SF2"):
        factories.play_match(knockout_season.matches.get(slot=slot), winner="red")
    final = knockout_season.matches.get(slot="F")
    with refused("R13"):
        match_call(match=final, actor=organizer)
    factories.play_match(knockout_season.matches.get(slot="3P"), winner="blue")
    assert match_call(match=final, actor=organizer).called_at is not None


def test_r14_a_match_whose_teams_are_unknown_is_not_called(knockout_season, organizer):
    with refused("R14"):
        match_call(match=knockout_season.matches.get(slot="F"), actor=organizer)


# --- Delays -----------------------------------------------------------------------------------

def test_delay_moves_the_ring_from_a_match_on_and_the_estimates_with_it(group_season, organizer):
    matches = ring_matches(group_season)
    first_day = [m for m in matches if m.day == 1]
    before = estimated_starts(group_season)
    version_before = version(group_season)
    delayed = ring_delay(season=group_season, ring="Ring 1", minutes=20, from_match=first_day[1],
                         actor=organizer, reason="Ring mat repaired")
    assert [m.slot for m in delayed] == [m.slot for m in first_day[1:]]  # that day only
    after = estimated_starts(group_season)
    assert after[first_day[0].pk] == before[first_day[0].pk]
    for m in first_day[1:]:
        assert after[m.pk] == before[m.pk] + dt.timedelta(minutes=20)
    for m in [*group_season.matches.filter(ring="Ring 2"), *matches[len(first_day):]]:
        assert after[m.pk] == before[m.pk]
    # the published time stays; the delay is shown beside it
    assert Match.objects.get(pk=first_day[1].pk).scheduled_at == first_day[1].scheduled_at
    assert version(group_season) == version_before + 1
    event = AuditEvent.objects.get(action="ring_delayed")
    assert event.reason == "Ring mat repaired" and event.data["minutes"] == 20


@pytest.mark.parametrize("minutes", [0, -5, 12 * 60 + 1, 10 * 365 * 24 * 60, 2.5, "15", True])
def test_absurd_delays_are_refused_and_nothing_saved(group_season, organizer, minutes):
    version_before = version(group_season)
    with pytest.raises(RuleViolation):
        ring_delay(season=group_season, ring="Ring 1", minutes=minutes, actor=organizer)
    assert not group_season.matches.exclude(delay_minutes=0).exists()
    assert version(group_season) == version_before


def test_delays_add_up_to_a_day_at_most(group_season, organizer):
    last = ring_matches(group_season)[-1]
    ring_delay(season=group_season, ring="Ring 1", minutes=12 * 60, from_match=last, actor=organizer)
    ring_delay(season=group_season, ring="Ring 1", minutes=12 * 60, from_match=last, actor=organizer)
    with pytest.raises(RuleViolation, match="more than a day"):
        ring_delay(season=group_season, ring="Ring 1", minutes=1, from_match=last, actor=organizer)


def test_r11_delay_that_puts_a_team_twice_on_one_day_is_refused(group_season, organizer):
    # A ring-wide delay keeps the order of the ring; R11 breaks when a team also fights on the
    # other ring: move M's red team's day-2 match to Ring 2, then delay Ring 1 into day 2.
    last_of_day_one = [m for m in ring_matches(group_season) if m.day == 1][-1]
    team = last_of_day_one.red_id
    day_two = group_season.matches.get(day=2, red_id__in=[team], ring="Ring 1") \
        if group_season.matches.filter(day=2, red_id=team).exists() \
        else group_season.matches.get(day=2, blue_id=team)
    ring_two_end = max(m.scheduled_at for m in ring_matches(group_season, "Ring 2") if m.day == 2)
    match_move(match=day_two, to=ring_two_end + dt.timedelta(minutes=40), ring="Ring 2",
               actor=organizer)
    with pytest.raises(RuleViolation, match=r"^\['R11: .* fights 2 times"):
        ring_delay(season=group_season, ring="Ring 1", minutes=10 * 60,
                   from_match=last_of_day_one, actor=organizer)
    assert not group_season.matches.exclude(delay_minutes=0).exists()


def test_r7_a_called_match_is_not_delayed_from(group_season, organizer):
    first = ring_matches(group_season)[0]
    match_call(match=first, actor=organizer)
    with refused("R7"):
        ring_delay(season=group_season, ring="Ring 1", minutes=10, from_match=first, actor=organizer)
    # without a starting match, the delay starts after the match now fighting
    delayed = ring_delay(season=group_season, ring="Ring 1", minutes=10, actor=organizer)
    assert first not in delayed and delayed


def test_only_an_organizer_delays(group_season, head_referee):
    with pytest.raises(NotAllowed):
        ring_delay(season=group_season, ring="Ring 1", minutes=10, actor=head_referee)


# --- Moves ------------------------------------------------------------------------------------

def test_move_to_a_free_time_on_another_ring(group_season, organizer):
    last = ring_matches(group_season)[-1]
    to = last.scheduled_at + dt.timedelta(hours=3)
    moved = match_move(match=last, to=to, ring="Ring 2", actor=organizer, reason="TV slot")
    moved.refresh_from_db()
    assert (moved.scheduled_at, moved.ring, moved.delay_minutes) == (to, "Ring 2", 0)
    assert AuditEvent.objects.filter(action="match_moved", object_id=last.pk).exists()


def test_move_into_the_past_is_refused(group_season, organizer):
    match = ring_matches(group_season)[0]
    with pytest.raises(RuleViolation, match="past"):
        match_move(match=match, to=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), actor=organizer)
    with pytest.raises(RuleViolation, match="year"):
        match_move(match=match, to=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), actor=organizer)
    with pytest.raises(RuleViolation, match="time zone"):
        match_move(match=match, to=dt.datetime(2030, 1, 1), actor=organizer)


def test_r7_move_into_a_clash_on_the_same_ring_is_refused(group_season, organizer):
    first, second = ring_matches(group_season)[:2]
    with refused("R7"):
        match_move(match=second, to=first.scheduled_at, actor=organizer)
    with refused("R7"):
        match_move(match=second, to=first.scheduled_at + dt.timedelta(minutes=5), actor=organizer)
    assert Match.objects.get(pk=second.pk).scheduled_at == second.scheduled_at


def test_r11_move_that_breaks_the_minimum_rest_is_refused(group_season, organizer):
    day_two = [m for m in ring_matches(group_season) if m.day == 2]
    target = day_two[0]
    # onto day 1, late in the evening: the same teams fought that afternoon
    evening = target.scheduled_at - dt.timedelta(hours=20)
    with refused("R11"):
        match_move(match=target, to=evening, actor=organizer)


def test_r11_move_onto_a_day_the_team_already_fights_is_refused(group_season, organizer):
    season = group_season
    season.min_rest_minutes = 0
    season.save(update_fields=["min_rest_minutes"])
    day_two = [m for m in ring_matches(season) if m.day == 2]
    first_day_last = [m for m in ring_matches(season) if m.day == 1][-1]
    with pytest.raises(RuleViolation, match=r"R11: .* fights 2 times"):
        match_move(match=day_two[0], to=first_day_last.scheduled_at + dt.timedelta(hours=2),
                   actor=organizer)


def test_r13_move_of_the_final_to_the_third_place_time_is_refused(knockout_season, organizer):
    third = knockout_season.matches.get(slot="3P")
    final = knockout_season.matches.get(slot="F")
    with refused("R13"):
        match_move(match=final, to=third.scheduled_at, ring="Ring 2", actor=organizer)
    with refused("R13"):
        match_move(match=third, to=final.scheduled_at, ring="Ring 2", actor=organizer)
    assert Match.objects.get(pk=final.pk).scheduled_at == final.scheduled_at


def test_r13_delay_of_the_third_place_ring_must_not_pass_the_final(knockout_season, organizer):
    final = knockout_season.matches.get(slot="F")
    match_move(match=final, to=final.scheduled_at + dt.timedelta(hours=1), ring="Ring 2",
               actor=organizer)
    # 3P on Ring 1 at 14:00, F on Ring 2 at 15:40: 3P may slip 75 min (ends 15:40), not 76
    length = match_minutes(knockout_season)
    slack = int((Match.objects.get(pk=final.pk).scheduled_at
                 - knockout_season.matches.get(slot="3P").scheduled_at).total_seconds() // 60) - length
    third = knockout_season.matches.get(slot="3P")
    with refused("R13"):
        ring_delay(season=knockout_season, ring="Ring 1", minutes=slack + 1, from_match=third,
                   actor=organizer)
    ring_delay(season=knockout_season, ring="Ring 1", minutes=slack, from_match=third,
               actor=organizer)


def test_r13_delay_moving_the_third_place_and_final_together_keeps_their_order(knockout_season,
                                                                               organizer):
    third = knockout_season.matches.get(slot="3P")
    delayed = ring_delay(season=knockout_season, ring="Ring 1", minutes=30, from_match=third,
                         actor=organizer)
    assert {m.slot for m in delayed} == {"3P", "F"}
    est = estimated_starts(knockout_season)
    final = knockout_season.matches.get(slot="F")
    assert est[final.pk] >= est[third.pk] + dt.timedelta(minutes=match_minutes(knockout_season))


def test_r14_a_semifinal_delayed_past_the_matches_it_feeds_is_refused(knockout_season, organizer):
    sf2 = knockout_season.matches.get(slot="SF2")  # Ring 2; 3P and F the next day on Ring 1
    ring_delay(season=knockout_season, ring="Ring 2", minutes=12 * 60, from_match=sf2,
               actor=organizer)
    with refused("R14"):
        ring_delay(season=knockout_season, ring="Ring 2", minutes=12 * 60, from_match=sf2,
                   actor=organizer)
    assert Match.objects.get(pk=sf2.pk).delay_minutes == 12 * 60


def test_r7_a_finished_match_is_not_moved(knockout_season, organizer):
    qf1 = knockout_season.matches.get(slot="QF1")
    with refused("R7"):
        match_move(match=qf1, to=qf1.scheduled_at + dt.timedelta(days=40), actor=organizer)


def test_services_are_exported():
    assert services.ring_delay is ring_delay and services.match_move is match_move
    assert services.ring_call_next is ring_call_next and services.match_call is match_call
