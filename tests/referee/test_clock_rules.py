"""The match clock folded from its events (R17): property tests of league.rules.clock."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules import clock as rules
from league.rules.clock import Event, fold

ROUND_MS = 300_000
KINDS = [rules.START, rules.PAUSE, rules.RESUME, rules.COUNTDOWN, rules.END]
COUNTDOWNS = [rules.TIMEOUT, rules.RESET, rules.REPAIR, rules.RECOVERY]


@st.composite
def event_lists(draw, max_size=25):
    """Events in seq order with non-decreasing times, of every kind, sensible or not."""
    n = draw(st.integers(0, max_size))
    at = draw(st.integers(0, 10_000))
    events = []
    for seq in range(1, n + 1):
        at += draw(st.integers(0, 60_000))
        kind = draw(st.sampled_from(KINDS))
        events.append(Event(
            seq=seq, kind=kind, at_ms=at,
            countdown=draw(st.sampled_from(COUNTDOWNS)) if kind == rules.COUNTDOWN else "",
            corner=draw(st.sampled_from(["red", "blue"])) if kind == rules.COUNTDOWN else "",
            length_ms=draw(st.sampled_from([10_000, 60_000, 300_000])) if kind == rules.COUNTDOWN else 0,
            ref=draw(st.integers(1, max(1, seq - 1))) if kind == rules.END else None))
    return events


def last_at(events):
    return events[-1].at_ms if events else 0


@settings(max_examples=300, deadline=None)
@given(events=event_lists(), later=st.integers(0, 10**6))
def test_r17_remaining_time_stays_within_the_round(events, later):
    state = fold(events, round_ms=ROUND_MS, now_ms=last_at(events) + later)
    assert 0 <= state.remaining_ms <= ROUND_MS
    assert all(0 <= c.remaining_ms <= c.length_ms for c in state.countdowns)


@settings(max_examples=300, deadline=None)
@given(events=event_lists(), a=st.integers(0, 10**6), b=st.integers(0, 10**6))
def test_r17_time_never_runs_backwards(events, a, b):
    t0 = last_at(events)
    early, late = sorted((a, b))
    first = fold(events, round_ms=ROUND_MS, now_ms=t0 + early)
    second = fold(events, round_ms=ROUND_MS, now_ms=t0 + late)
    assert second.remaining_ms <= first.remaining_ms
    # without new events, the clock moves only while running, at wall-clock speed at most
    assert first.remaining_ms - second.remaining_ms <= late - early
    if not first.running:
        assert first.remaining_ms == second.remaining_ms


@settings(max_examples=300, deadline=None)
@given(events=event_lists(), later=st.integers(0, 10**6))
def test_r17_net_time_is_never_more_than_wall_time(events, later):
    now = last_at(events) + later
    state = fold(events, round_ms=ROUND_MS, now_ms=now)
    start = next((e.at_ms for e in events if e.kind == rules.START), None)
    if start is None:
        assert not state.started and state.remaining_ms == ROUND_MS
    else:
        assert ROUND_MS - state.remaining_ms <= now - start


@settings(max_examples=300, deadline=None)
@given(events=event_lists(), later=st.integers(0, 10**6))
def test_r17_a_stopping_countdown_stops_the_round_clock(events, later):
    state = fold(events, round_ms=ROUND_MS, now_ms=last_at(events) + later)
    if any(c.kind in rules.STOPS_CLOCK for c in state.countdowns):
        assert not state.running


@settings(max_examples=300, deadline=None)
@given(events=event_lists(), later=st.integers(0, 10**6))
def test_r17_an_expired_count_only_proposes_a_technical_knockout_of_its_corner(events, later):
    state = fold(events, round_ms=ROUND_MS, now_ms=last_at(events) + later)
    expired = [c for c in state.countdowns if c.expired and c.kind in rules.TKO_ON_EXPIRY]
    if expired:
        p = state.proposal
        assert p is not None and p.method == "tko" and p.countdown == expired[0].id
        assert p.corner == expired[0].corner and p.winner != p.corner
    elif state.time_up:
        assert state.proposal is not None and state.proposal.method == "points"
    else:
        assert state.proposal is None


@settings(max_examples=200, deadline=None)
@given(events=event_lists(), later=st.integers(0, 10**6))
def test_r17_the_fold_is_the_same_on_every_device(events, later):
    """Order of arrival does not matter: events are folded in seq order."""
    now = last_at(events) + later
    assert fold(list(reversed(events)), round_ms=ROUND_MS, now_ms=now) == fold(
        events, round_ms=ROUND_MS, now_ms=now)


def test_r17_pause_and_resume_count_net_time():
    events = [Event(1, rules.START, 0), Event(2, rules.PAUSE, 60_000),
              Event(3, rules.RESUME, 100_000)]
    state = fold(events, round_ms=ROUND_MS, now_ms=130_000)
    assert state.running and state.remaining_ms == ROUND_MS - 90_000


def test_r17_a_timeout_stops_the_clock_and_its_end_does_not_restart_it():
    events = [Event(1, rules.START, 0),
              Event(2, rules.COUNTDOWN, 10_000, countdown=rules.TIMEOUT, corner="red",
                    length_ms=60_000),
              Event(3, rules.END, 40_000, ref=2)]
    state = fold(events, round_ms=ROUND_MS, now_ms=100_000)
    assert not state.running and state.remaining_ms == ROUND_MS - 10_000
    assert state.countdowns == () and state.proposal is None


def test_r17_the_ten_second_count_runs_with_the_clock_and_proposes_a_tko():
    events = [Event(1, rules.START, 0),
              Event(2, rules.COUNTDOWN, 5_000, countdown=rules.RECOVERY, corner="blue",
                    length_ms=10_000)]
    counting = fold(events, round_ms=ROUND_MS, now_ms=14_000)
    assert counting.running and counting.proposal is None
    assert counting.countdowns[0].remaining_ms == 1_000
    over = fold(events, round_ms=ROUND_MS, now_ms=15_000)
    assert over.proposal.as_dict() == {"reason": "recovery", "method": "tko", "corner": "blue",
                                       "winner": "red", "countdown": 2}
    stood_up = fold([*events, Event(3, rules.END, 15_500, ref=2)], round_ms=ROUND_MS,
                    now_ms=16_000)
    assert stood_up.proposal is None


def test_r17_the_round_running_out_proposes_points():
    state = fold([Event(1, rules.START, 0)], round_ms=ROUND_MS, now_ms=ROUND_MS + 5)
    assert state.remaining_ms == 0 and state.proposal.method == "points"
    assert state.as_dict()["running"] is False
