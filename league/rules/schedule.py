"""Group-stage schedule (R11): match days, time slots, rings and rest between fights."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from league.rules.roundrobin import round_robin

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class PlannedMatch(Generic[T]):
    group: str
    day: int  # 0-based match day
    red: T
    blue: T
    ring: str
    starts_at: datetime  # aware, UTC


def plan_group_schedule(
    groups: Mapping[str, Sequence[T]],
    *,
    first_day: date,
    day_start: time,
    tz: ZoneInfo,
    rings: Sequence[str],
    slot_minutes: int,
    min_rest: timedelta,
) -> list[PlannedMatch[T]]:
    """Plan every group's single round robin.

    Match day ``d`` of every group falls on one calendar day. On that day the matches are taken
    group by group (first match of A, of B, ..., then the second of A, ...) and placed in
    consecutive slots of ``slot_minutes`` from ``day_start`` local time, ``len(rings)`` matches
    side by side per slot. Slots are real elapsed time, so a day that crosses a DST change still
    has full-length slots. Match day 0 is on ``first_day``; each later match day is the smallest
    whole number of calendar days (>= 1) after the previous one at which every team has rested
    at least ``min_rest`` (next start minus previous end, end = start + slot) and nobody fights
    twice on one local calendar day. Returned in schedule order, ``starts_at`` in UTC.
    """
    if not rings:
        raise ValueError("The schedule needs at least one ring.")
    if len(set(rings)) != len(rings):
        raise ValueError("Ring names must be different from each other.")
    if slot_minutes <= 0:
        raise ValueError("A time slot must last at least one minute.")
    names = sorted(groups)
    seen: set[T] = set()
    for name in names:
        for team in groups[name]:
            if team in seen:
                raise ValueError(f"Team {team!r} is in more than one group.")
            seen.add(team)
    days_by_group = {name: round_robin(groups[name]) for name in names}
    day_count = max((len(days) for days in days_by_group.values()), default=0)
    slot = timedelta(minutes=slot_minutes)

    planned: list[PlannedMatch[T]] = []
    last_fight: dict[T, datetime] = {}  # team -> start (UTC) of its latest planned fight
    day_date = first_day
    for day in range(day_count):
        queues = [
            (name, days_by_group[name][day]) for name in names if day < len(days_by_group[name])
        ]
        order = [
            (name, pairs[index])
            for index in range(max(len(pairs) for _, pairs in queues))
            for name, pairs in queues
            if index < len(pairs)
        ]
        if day > 0:
            day_date += timedelta(days=1)
        while True:
            day_begins = datetime.combine(day_date, day_start, tzinfo=tz).astimezone(UTC)
            todays = [
                PlannedMatch(
                    group=name,
                    day=day,
                    red=red,
                    blue=blue,
                    ring=rings[index % len(rings)],
                    starts_at=day_begins + (index // len(rings)) * slot,
                )
                for index, (name, (red, blue)) in enumerate(order)
            ]
            if _rested(todays, last_fight, slot=slot, tz=tz, min_rest=min_rest):
                break
            day_date += timedelta(days=1)
        for match in todays:
            last_fight[match.red] = match.starts_at
            last_fight[match.blue] = match.starts_at
        planned.extend(todays)
    return planned


def _rested(
    todays: Iterable[PlannedMatch[T]],
    last_fight: Mapping[T, datetime],
    *,
    slot: timedelta,
    tz: ZoneInfo,
    min_rest: timedelta,
) -> bool:
    for match in todays:
        for team in (match.red, match.blue):
            previous = last_fight.get(team)
            if previous is None:
                continue
            if match.starts_at - (previous + slot) < min_rest:
                return False
            if match.starts_at.astimezone(tz).date() == previous.astimezone(tz).date():
                return False
    return True


def schedule_violations(
    fights: Iterable[tuple[T, datetime, datetime]],
    *,
    tz: ZoneInfo,
    min_rest: timedelta,
) -> list[str]:
    """Return one readable "R11: ..." message per breach of R11; empty when the schedule is fine.

    ``fights`` holds (team, start, end) for every fight of every team, with aware datetimes.
    A team may fight at most once per local calendar day (in ``tz``, by start time), and the
    rest between consecutive fights (next start minus previous end) must be >= ``min_rest``.
    """
    by_team: dict[T, list[tuple[datetime, datetime]]] = defaultdict(list)
    for team, start, end in fights:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("Fight times must be timezone-aware.")
        by_team[team].append((start, end))
    messages: list[str] = []
    for team in sorted(by_team):
        times = sorted(by_team[team])
        per_day = Counter(start.astimezone(tz).date() for start, _ in times)
        for day, count in sorted(per_day.items()):
            if count > 1:
                messages.append(
                    f"R11: {team} fights {count} times on {day.isoformat()}; "
                    "a team fights at most once a day."
                )
        for (_, previous_end), (next_start, _) in pairwise(times):
            rest = next_start - previous_end
            if rest < min_rest:
                messages.append(
                    f"R11: {team} rests only {_duration(rest)} between the fight ending "
                    f"{_local(previous_end, tz)} and the fight starting "
                    f"{_local(next_start, tz)}; the minimum rest is {_duration(min_rest)}."
                )
    return messages


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def _duration(span: timedelta) -> str:
    if span < timedelta(0):
        return f"-{_duration(-span)} (the fights overlap)"
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"
