"""R11: group schedule (one fight a day, minimum rest) and its checker."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules.roundrobin import round_robin
from league.rules.schedule import PlannedMatch, plan_group_schedule, schedule_violations

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
