"""R11: group schedule (one fight a day, minimum rest) and its checker."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules.roundrobin import round_robin
from league.rules.schedule import (
    CHANGEOVER_MINUTES,
    PlannedMatch,
    RingMatch,
    estimate_starts,
    plan_group_schedule,
    plan_knockout_schedule,
    schedule_violations,
    third_place_before_final,
    typical_match_minutes,
)

SHENZHEN = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
ZONES = [SHENZHEN, LONDON, ZoneInfo("America/New_York"), ZoneInfo("Asia/Hong_Kong")]
fast = settings(max_examples=80, deadline=None)


def default_plan(**overrides):
    options = dict(
        groups={name: [f"{name}{i}" for i in range(1, 5)] for name in "ABCD"},
        first_day=date(2026, 5, 1),
        day_start=time(10, 0),
        tz=SHENZHEN,
        rings=["Ring 1", "Ring 2"],
        slot_minutes=30,
        min_rest=timedelta(hours=12),
    )
    options.update(overrides)
    return plan_group_schedule(**options), options


def fights_of(plan, slot_minutes):
    slot = timedelta(minutes=slot_minutes)
    return [
        (team, match.starts_at, match.starts_at + slot)
        for match in plan
        for team in (match.red, match.blue)
    ]


@st.composite
def plan_options(draw):
    group_count = draw(st.integers(1, 4))
    groups = {
        name: [f"{name}{i}" for i in range(draw(st.integers(2, 5)))]
        for name in "ABCD"[:group_count]
    }
    return dict(
        groups=groups,
        # around the spring and autumn DST changes of Europe and North America
        first_day=draw(st.sampled_from([date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23)]))
        + timedelta(days=draw(st.integers(0, 4))),
        day_start=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30]))),
        tz=draw(st.sampled_from(ZONES)),
        rings=[f"Ring {i}" for i in range(1, draw(st.integers(1, 3)) + 1)],
        slot_minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 240])),
        min_rest=timedelta(minutes=draw(st.integers(0, 80 * 60))),
    )


@fast
@given(plan_options())
def test_r11_planned_schedule_has_no_violation(options):
    plan = plan_group_schedule(**options)
    assert (
        schedule_violations(
            fights_of(plan, options["slot_minutes"]), tz=options["tz"], min_rest=options["min_rest"]
        )
        == []
    )


@fast
@given(plan_options())
def test_r11_each_group_plays_its_round_robin_by_match_day(options):
    plan = plan_group_schedule(**options)
    for name, teams in options["groups"].items():
        days = round_robin(teams)
        planned = defaultdict(list)
        for match in plan:
            if match.group == name:
                planned[match.day].append((match.red, match.blue))
        assert dict(planned) == dict(enumerate(days))
        assert len(sum(days, [])) == len(list(combinations(teams, 2)))


@fast
@given(plan_options())
def test_r11_slots_and_rings_follow_group_interleaving(options):
    plan = plan_group_schedule(**options)
    rings, tz = options["rings"], options["tz"]
    slot = timedelta(minutes=options["slot_minutes"])
    assert all(match.starts_at.tzinfo is UTC for match in plan)
    by_day = defaultdict(list)
    for match in plan:
        by_day[match.day].append(match)
    assert sorted(by_day) == list(range(len(by_day)))
    previous_date = None
    for day in sorted(by_day):
        matches = by_day[day]
        # group by group: first match of every group, then the second of every group, ...
        expected_groups = []
        counts = {name: sum(m.group == name for m in matches) for name in sorted(options["groups"])}
        for index in range(max(counts.values())):
            expected_groups += [name for name in sorted(counts) if index < counts[name]]
        assert [m.group for m in matches] == expected_groups
        # every group's match day d is on one calendar day, slots from day_start local time
        local_day = matches[0].starts_at.astimezone(tz).date()
        begins = datetime.combine(local_day, options["day_start"], tzinfo=tz).astimezone(UTC)
        for index, match in enumerate(matches):
            assert match.ring == rings[index % len(rings)]
            assert match.starts_at == begins + (index // len(rings)) * slot
        if previous_date is not None:
            assert local_day > previous_date
        else:
            assert local_day == options["first_day"]
        previous_date = local_day
    # a ring holds one match at a time
    assert len({(m.ring, m.starts_at) for m in plan}) == len(plan)


@fast
@given(plan_options())
def test_r11_each_match_day_is_as_early_as_rest_allows(options):
    plan = plan_group_schedule(**options)
    tz, slot_minutes = options["tz"], options["slot_minutes"]
    day_count = max(m.day for m in plan) + 1
    for day in range(1, day_count):
        todays = [m for m in plan if m.day == day]
        local_day = todays[0].starts_at.astimezone(tz).date()
        previous_day = next(m for m in plan if m.day == day - 1).starts_at.astimezone(tz).date()
        earlier = local_day - timedelta(days=1)
        if earlier == previous_day:
            continue  # already the next calendar day
        begins = datetime.combine(earlier, options["day_start"], tzinfo=tz).astimezone(UTC)
        moved = [
            PlannedMatch(
                m.group, m.day, m.red, m.blue, m.ring, begins + (m.starts_at - todays[0].starts_at)
            )
            for m in todays
        ]
        before = [m for m in plan if m.day < day]
        assert schedule_violations(
            fights_of(before + moved, slot_minutes), tz=tz, min_rest=options["min_rest"]
        ), f"match day {day} could have been a day earlier"


def test_r11_league_groups_fill_three_days_in_parallel_rings():
    plan, options = default_plan()
    assert len(plan) == 24
    assert {m.day for m in plan} == {0, 1, 2}
    # one slot per two matches: the 8 matches of a day take 4 slots of 30 min from 10:00
    day_one = [m.starts_at.astimezone(SHENZHEN).time() for m in plan if m.day == 0]
    assert sorted(set(day_one)) == [time(10), time(10, 30), time(11), time(11, 30)]


def test_r11_rest_longer_than_a_night_pushes_the_next_match_day():
    options = dict(
        groups={"A": ["A1", "A2", "A3", "A4"]},
        first_day=date(2026, 5, 1),
        day_start=time(10, 0),
        tz=SHENZHEN,
        rings=["Ring 1"],
        slot_minutes=60,
    )
    # second fight of day 0 ends at 12:00; 10:00 the next day leaves 22 h rest
    short = plan_group_schedule(**options, min_rest=timedelta(hours=22))
    long = plan_group_schedule(**options, min_rest=timedelta(hours=22, minutes=1))
    dates = [sorted({m.starts_at.astimezone(SHENZHEN).date() for m in p}) for p in (short, long)]
    assert dates[0] == [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)]
    assert dates[1] == [date(2026, 5, 1), date(2026, 5, 3), date(2026, 5, 5)]


def test_r11_slots_are_real_time_across_a_dst_change():
    plan = plan_group_schedule(
        {"A": ["A1", "A2", "A3", "A4"], "B": ["B1", "B2", "B3", "B4"]},
        first_day=date(2026, 3, 29),  # London clocks go 01:00 -> 02:00
        day_start=time(0, 30),
        tz=LONDON,
        rings=["Ring 1"],
        slot_minutes=60,
        min_rest=timedelta(hours=1),
    )
    day_zero = [m for m in plan if m.day == 0]
    starts = [m.starts_at for m in day_zero]
    assert all(b - a == timedelta(hours=1) for a, b in zip(starts, starts[1:], strict=False))
    assert [m.starts_at.astimezone(LONDON).strftime("%H:%M") for m in day_zero] == [
        "00:30",
        "02:30",
        "03:30",
        "04:30",
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"rings": []}, "at least one ring"),
        ({"rings": ["R", "R"]}, "Ring names"),
        ({"slot_minutes": 0}, "at least one minute"),
        ({"slot_minutes": -30}, "at least one minute"),
        ({"groups": {"A": ["X", "Y"], "B": ["X", "Z"]}}, "more than one group"),
    ],
)
def test_r11_bad_schedule_settings_are_refused(override, message):
    with pytest.raises(ValueError, match=message):
        default_plan(**override)


def at(day, hour, minute=0, tz=SHENZHEN):
    return datetime(2026, 5, day, hour, minute, tzinfo=tz)


def test_r11_two_fights_on_one_local_day_are_reported():
    # 07:00 and 20:00 in Shenzhen are on different UTC dates but the same local day
    fights = [("A1", at(1, 7), at(1, 7, 30)), ("A1", at(1, 20), at(1, 20, 30))]
    messages = schedule_violations(fights, tz=SHENZHEN, min_rest=timedelta(hours=1))
    assert len(messages) == 1
    assert messages[0].startswith("R11: ")
    assert "A1" in messages[0] and "2026-05-01" in messages[0]
    assert schedule_violations(fights, tz=ZoneInfo("UTC"), min_rest=timedelta(hours=1)) == []


def test_r11_short_rest_is_reported():
    fights = [
        ("A1", at(1, 20), at(1, 21)),
        ("A1", at(2, 9), at(2, 10)),
        ("B1", at(1, 9), at(1, 10)),
    ]
    # A1 rests 21:00 -> 09:00 = 12 h
    messages = schedule_violations(fights, tz=SHENZHEN, min_rest=timedelta(hours=12, minutes=1))
    assert len(messages) == 1
    assert messages[0].startswith("R11: A1 rests only 12 h ")
    assert schedule_violations(fights, tz=SHENZHEN, min_rest=timedelta(hours=12)) == []


def test_r11_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule_violations(
            [("A1", datetime(2026, 5, 1, 9), datetime(2026, 5, 1, 10))],
            tz=SHENZHEN,
            min_rest=timedelta(0),
        )


@fast
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A1", "A2", "B1"]),
            st.datetimes(
                min_value=datetime(2026, 3, 1),
                max_value=datetime(2026, 3, 10),
                timezones=st.just(UTC),
            ),
            st.integers(1, 300),
        ),
        max_size=8,
    ),
    st.sampled_from(ZONES),
    st.integers(0, 48 * 60),
)
def test_r11_violations_reported_exactly_when_a_rule_is_broken(raw, tz, rest_minutes):
    min_rest = timedelta(minutes=rest_minutes)
    fights = [(team, start, start + timedelta(minutes=length)) for team, start, length in raw]
    messages = schedule_violations(fights, tz=tz, min_rest=min_rest)
    assert all(message.startswith("R11: ") for message in messages)
    by_team = defaultdict(list)
    for team, start, end in fights:
        by_team[team].append((start, end))
    broken = 0
    for times in by_team.values():
        times.sort()
        local_days = [start.astimezone(tz).date() for start, _ in times]
        broken += len(local_days) - len(set(local_days))
        broken += sum(b[0] - a[1] < min_rest for a, b in zip(times, times[1:], strict=False))
    assert bool(messages) == bool(broken)


# --- Knockout days (R13) and estimated starts ------------------------------------------------------



def knockout_plan(rings=("Ring 1", "Ring 2"), slot_minutes=40, third_place_match=True):
    days = [datetime(2026, 5, d, 14, tzinfo=SHENZHEN) for d in (5, 6, 7)]
    return {p.slot: p for p in plan_knockout_schedule(
        day_starts=days, rings=list(rings), slot_minutes=slot_minutes,
        third_place_match=third_place_match)}


@pytest.mark.parametrize("rings", [("Ring 1",), ("Ring 1", "Ring 2"), ("A", "B", "C")])
@pytest.mark.parametrize("slot_minutes", [5, 25, 40, 90])
def test_r13_default_knockout_plays_third_place_before_the_final(rings, slot_minutes):
    plan = knockout_plan(rings, slot_minutes)
    third, final = plan["3P"], plan["F"]
    minutes = typical_match_minutes(best_of=3, round_minutes=5, slot_minutes=slot_minutes)
    assert final.starts_at > third.starts_at
    assert third_place_before_final(third_start=third.starts_at, final_start=final.starts_at,
                                    match_minutes=minutes)
    assert third.day == final.day == 2
    assert len({(p.ring, p.starts_at) for p in plan.values()}) == len(plan)


def test_r13_demo_rings_put_the_final_one_slot_after_third_place_on_the_main_ring():
    plan = knockout_plan()
    assert (plan["3P"].ring, plan["F"].ring) == ("Ring 1", "Ring 1")
    assert plan["F"].starts_at - plan["3P"].starts_at == timedelta(minutes=40)
    assert [plan[s].ring for s in ("QF1", "QF2", "QF3", "QF4")] == ["Ring 1", "Ring 2"] * 2


def test_r13_without_third_place_match_the_final_opens_the_last_day():
    plan = knockout_plan(third_place_match=False)
    assert "3P" not in plan
    assert plan["F"].starts_at == datetime(2026, 5, 7, 14, tzinfo=SHENZHEN)


def test_r13_final_at_the_same_time_as_third_place_is_out_of_order():
    start = datetime(2026, 5, 7, 14, tzinfo=SHENZHEN)
    assert not third_place_before_final(third_start=start, final_start=start, match_minutes=25)
    assert not third_place_before_final(third_start=start, final_start=start + timedelta(minutes=24),
                                        match_minutes=25)
    assert third_place_before_final(third_start=start, final_start=start + timedelta(minutes=25),
                                    match_minutes=25)


def test_knockout_plan_refuses_bad_settings():
    with pytest.raises(ValueError, match="three days"):
        plan_knockout_schedule(day_starts=[], rings=["R"], slot_minutes=40, third_place_match=True)
    with pytest.raises(ValueError, match="one ring"):
        knockout_plan(rings=())


def test_typical_match_is_every_round_plus_changeover_within_the_slot():
    assert typical_match_minutes(best_of=3, round_minutes=5, slot_minutes=40) == 15 + CHANGEOVER_MINUTES
    assert typical_match_minutes(best_of=5, round_minutes=10, slot_minutes=40) == 40
    with pytest.raises(ValueError):
        typical_match_minutes(best_of=3, round_minutes=0, slot_minutes=40)


T0 = datetime(2026, 5, 1, 10, tzinfo=UTC)


def minutes(n):
    return T0 + timedelta(minutes=n)


def test_estimates_follow_the_plan_when_rings_run_on_time():
    plan = [RingMatch(k, "R1", minutes(40 * k)) for k in range(4)]
    assert estimate_starts(plan, match_minutes=25) == {k: minutes(40 * k) for k in range(4)}


def test_a_late_ring_moves_its_later_matches_only():
    plan = [
        RingMatch("a", "R1", minutes(0), started=minutes(30)),  # started 30 min late
        RingMatch("b", "R1", minutes(40)),
        RingMatch("c", "R1", minutes(80)),
        RingMatch("x", "R2", minutes(40)),
    ]
    est = estimate_starts(plan, match_minutes=25)
    assert est == {"a": minutes(30), "b": minutes(55), "c": minutes(80), "x": minutes(40)}


def test_finished_matches_free_the_ring_at_their_real_end():
    plan = [RingMatch("a", "R1", minutes(0), started=minutes(0), finished=minutes(70), done=True),
            RingMatch("b", "R1", minutes(40))]
    assert estimate_starts(plan, match_minutes=25)["b"] == minutes(70)
    early = [RingMatch("a", "R1", minutes(0), started=minutes(0), finished=minutes(10), done=True),
             RingMatch("b", "R1", minutes(40))]
    assert estimate_starts(early, match_minutes=25)["b"] == minutes(40)  # never ahead of the plan


def test_r13_final_on_another_ring_waits_for_the_third_place_match():
    plan = [RingMatch("3P", "R1", minutes(0), started=minutes(20)),
            RingMatch("F", "R2", minutes(40), after=("3P",))]
    assert estimate_starts(plan, match_minutes=25)["F"] == minutes(45)


@fast
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 600), st.integers(0, 90)),
                min_size=1, max_size=25),
       st.integers(1, 60))
def test_estimates_never_precede_the_plan_nor_overlap_on_a_ring(rows, length):
    plan = [RingMatch(i, f"R{ring}", minutes(at), started=minutes(at + late) if late % 3 == 0 else None)
            for i, (ring, at, late) in enumerate(rows)]
    est = estimate_starts(plan, match_minutes=length)
    for m in plan:
        assert est[m.key] >= m.planned
    for ring in {m.ring for m in plan}:
        waiting = sorted(est[m.key] for m in plan if m.ring == ring and m.started is None)
        assert all(b - a >= timedelta(minutes=length) for a, b in pairwise(waiting))
