"""Group-stage schedule (R11): match days, time slots, rings and rest between fights."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from league.rules.bracket import FINAL, QF_SLOTS, SF_SLOTS, THIRD
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
    once_a_day: bool = True,
) -> list[str]:
    """Return one readable "R11: ..." message per breach of R11; empty when the schedule is fine.

    ``fights`` holds (team, start, end) for every fight of every team, with aware datetimes.
    A team may fight at most once per local calendar day (in ``tz``, by start time; checked
    only with ``once_a_day``), and the rest between consecutive fights (next start minus
    previous end) must be >= ``min_rest``.
    """
    by_team: dict[T, list[tuple[datetime, datetime]]] = defaultdict(list)
    for team, start, end in fights:
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("Fight times must be timezone-aware.")
        by_team[team].append((start, end))
    messages: list[str] = []
    for team in sorted(by_team):
        times = sorted(by_team[team])
        per_day = Counter(start.astimezone(tz).date() for start, _ in times) if once_a_day else {}
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


# --- Match length, the knockout days and estimated starts (R13, ring queue) ---------------------

# Walking on, the referee's check of robots and seals, breaks between rounds and stoppages.
CHANGEOVER_MINUTES = 10


def typical_match_minutes(*, best_of: int, round_minutes: int, slot_minutes: int) -> int:
    """How long a match is expected to hold its ring: every round at full net time plus the
    changeover, never more than the slot the schedule gives it (a schedule whose slots are
    shorter than its fights is the organizer's choice, and estimates follow the slot)."""
    if best_of < 1 or round_minutes < 1 or slot_minutes < 1:
        raise ValueError("Rounds, their length and the slot must be positive.")
    return min(best_of * round_minutes + CHANGEOVER_MINUTES, slot_minutes)


@dataclass(frozen=True)
class KnockoutSlot:
    slot: str
    day: int  # 0-based knockout day: quarterfinals 0, semifinals 1, third place and final 2
    ring: str
    starts_at: datetime  # aware


def plan_knockout_schedule(
    *,
    day_starts: Sequence[datetime],
    rings: Sequence[str],
    slot_minutes: int,
    third_place_match: bool,
) -> list[KnockoutSlot]:
    """Times and rings of QF1-QF4, SF1, SF2, 3P and F.

    ``day_starts`` holds the first fight of each of the three knockout days (aware). The
    quarterfinals and semifinals fill slots side by side on the rings, like the group stage.
    On the last day the third-place match comes first and the final after it on the same ring,
    one slot later (R13: the third-place match, then the final), so the final starts after the
    third-place match's estimated end (a match is expected to fit its slot).
    """
    if len(day_starts) != 3:
        raise ValueError("The knockout is played on three days.")
    if not rings:
        raise ValueError("The schedule needs at least one ring.")
    if slot_minutes <= 0:
        raise ValueError("A time slot must last at least one minute.")
    slot = timedelta(minutes=slot_minutes)

    def side_by_side(names: Sequence[str], day: int) -> list[KnockoutSlot]:
        return [KnockoutSlot(name, day, rings[index % len(rings)],
                             day_starts[day] + slot * (index // len(rings)))
                for index, name in enumerate(names)]

    plan = side_by_side(QF_SLOTS, 0) + side_by_side(SF_SLOTS, 1)
    if third_place_match:
        plan.append(KnockoutSlot(THIRD, 2, rings[0], day_starts[2]))
        plan.append(KnockoutSlot(FINAL, 2, rings[0], day_starts[2] + slot))
    else:
        plan.append(KnockoutSlot(FINAL, 2, rings[0], day_starts[2]))
    return plan


def third_place_before_final(*, third_start: datetime, final_start: datetime,
                             match_minutes: int) -> bool:
    """R13: the final starts no earlier than the third-place match's estimated end."""
    return final_start >= third_start + timedelta(minutes=match_minutes)


@dataclass(frozen=True)
class RingMatch:
    """What an estimate needs of one match (plain data, no database)."""

    key: Hashable
    ring: str
    planned: datetime  # scheduled time plus the delays announced for it
    started: datetime | None = None  # the real start, once live
    finished: datetime | None = None  # the real end, once over
    done: bool = False
    after: tuple[Hashable, ...] = ()  # matches that must end first (feeders; 3P before F)


def estimate_starts(matches: Iterable[RingMatch], *, match_minutes: int) -> dict[Hashable, datetime]:
    """Estimated start of every match, following the real pace of each ring.

    Matches are taken in planned order. A started match's estimate is its real start. A match
    not started yet starts at its planned time, or when the match before it on its ring ends,
    or when the matches it waits for (``after``) end, whichever is latest. A match ends at its
    real end once over, else at its (real or estimated) start plus ``match_minutes``. Estimates
    never run ahead of the plan: an early ring does not pull fights forward.
    """
    length = timedelta(minutes=match_minutes)
    starts: dict[Hashable, datetime] = {}
    ends: dict[Hashable, datetime] = {}
    ring_free: dict[str, datetime] = {}
    for m in sorted(matches, key=lambda m: (m.planned, str(m.key))):
        if m.started is not None:
            start = m.started
        else:
            start = max([m.planned, ring_free.get(m.ring, m.planned),
                         *(ends[k] for k in m.after if k in ends)])
        if m.finished is not None:
            end = m.finished
        elif m.done:  # over without a recorded end (a forfeit before the start)
            end = start
        else:
            end = start + length
        starts[m.key], ends[m.key] = start, end
        ring_free[m.ring] = max(ring_free.get(m.ring, end), end)
    return starts
