"""Reads of the rings on the day of the fights: estimated starts and each ring's queue.

Estimates follow the real pace (see league.rules.schedule.estimate_starts and docs/rules.md):
a late ring moves its later matches, the final waits for the third-place match (R13) and every
knockout match for the matches that feed it (R14). They depend only on what the database holds
(scheduled times, announced delays, real starts and ends), never on the clock of the server,
so a page rendered for one public version stays right until the next bump.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import Match, Season
from ..rules import bracket as bracket_rules
from ..rules.schedule import RingMatch, estimate_starts, typical_match_minutes

__all__ = ["RingQueue", "estimated_starts", "estimates_for", "focus_match", "match_minutes",
           "queues_from", "ring_queue", "ring_queues", "with_estimates"]

UPCOMING = 3  # matches listed after the one on deck


def match_minutes(season: Season) -> int:
    """How long a match of this season is expected to hold its ring (docs/rules.md)."""
    return typical_match_minutes(best_of=season.best_of, round_minutes=season.round_minutes,
                                 slot_minutes=season.slot_minutes)


def estimates_for(matches: Iterable[Match], *, season: Season) -> dict[int, dt.datetime]:
    """Estimated start of every scheduled match among ``matches`` (all of one season, already
    loaded: no query). Matches without a time are left out."""
    matches = [m for m in matches if m.scheduled_at is not None]
    after: dict[int, list[int]] = {}
    by_slot = {}
    for m in matches:
        by_slot[m.slot] = m.pk
        for target in (m.winner_to_id, m.loser_to_id):
            if target:
                after.setdefault(target, []).append(m.pk)
    final, third = by_slot.get(bracket_rules.FINAL), by_slot.get(bracket_rules.THIRD)
    if final and third:
        after.setdefault(final, []).append(third)
    return estimate_starts(
        [RingMatch(key=m.pk, ring=m.ring, planned=m.planned_at, started=m.started_at,
                   finished=m.finished_at, done=m.is_done, after=tuple(after.get(m.pk, ())))
         for m in matches],
        match_minutes=match_minutes(season))


_ESTIMATE_FIELDS = ("id", "season_id", "slot", "ring", "scheduled_at", "delay_minutes", "status",
                    "started_at", "finished_at", "winner_to_id", "loser_to_id")


def estimated_starts(season: Season) -> dict[int, dt.datetime]:
    """match id -> estimated start, for every scheduled match of the season. 1 query."""
    return estimates_for(Match.objects.filter(season=season).only(*_ESTIMATE_FIELDS),
                         season=season)


def estimated_starts_of(seasons: Iterable[Season]) -> dict[int, dt.datetime]:
    """match id -> estimated start, for every scheduled match of these seasons. 1 query."""
    seasons = {s.pk: s for s in seasons}
    by_season: dict[int, list[Match]] = {pk: [] for pk in seasons}
    for m in Match.objects.filter(season_id__in=list(seasons)).only(*_ESTIMATE_FIELDS):
        by_season[m.season_id].append(m)
    found: dict[int, dt.datetime] = {}
    for pk, matches in by_season.items():
        found |= estimates_for(matches, season=seasons[pk])
    return found


@dataclass
class RingQueue:
    """One ring: the match now fighting (called, checked in or live), the one on deck and the
    ones after it. Every match carries ``estimated_at`` (and ``planned_at``, its scheduled time
    plus announced delays)."""

    ring: str
    now: Match | None = None
    on_deck: Match | None = None
    next: list[Match] = field(default_factory=list)

    @property
    def is_idle(self) -> bool:
        return self.now is None and self.on_deck is None


def _is_now(m: Match) -> bool:
    return m.called_at is not None or m.status in (Match.Status.CHECKED_IN, Match.Status.LIVE)


def _queue(ring: str, matches: list[Match], upcoming: int) -> RingQueue:
    waiting = [m for m in matches if not m.is_done]
    now = next((m for m in waiting if _is_now(m)), None)
    rest = [m for m in waiting if m is not now]
    return RingQueue(ring=ring, now=now, on_deck=rest[0] if rest else None,
                     next=rest[1:1 + upcoming])


def with_estimates(matches: list[Match], *, season: Season) -> list[Match]:
    """Give every match ``estimated_at`` (None without a scheduled time). No query."""
    estimates = estimates_for(matches, season=season)
    for m in matches:
        m.estimated_at = estimates.get(m.pk)
    return matches


def _ring_matches(season: Season) -> list[Match]:
    return with_estimates(list(Match.objects.filter(season=season)
                               .select_related("red__team", "blue__team", "group")), season=season)


def queues_from(matches: list[Match], *, season: Season, upcoming: int = UPCOMING
                ) -> list[RingQueue]:
    """The ring queues of a season from its matches, loaded and given ``estimated_at``."""
    matches = sorted((m for m in matches if m.scheduled_at is not None),
                     key=lambda m: (m.planned_at, m.slot))
    names = list(season.ring_list)
    names += sorted({m.ring for m in matches if m.ring and m.ring not in names})
    return [_queue(name, [m for m in matches if m.ring == name], upcoming) for name in names]


def ring_queues(season: Season, *, upcoming: int = UPCOMING) -> list[RingQueue]:
    """Every ring of the season (its rings in order, then any other ring a match is on). 1 query."""
    return queues_from(_ring_matches(season), season=season, upcoming=upcoming)


def ring_queue(season: Season, ring: str, *, upcoming: int = UPCOMING) -> RingQueue:
    """One ring's queue: ``{now, on_deck, next: [...]}``. 1 query."""
    found = [q for q in queues_from(_ring_matches(season), season=season, upcoming=upcoming)
             if q.ring == ring]
    return found[0] if found else RingQueue(ring=ring)


def focus_match(matches: list[Match]) -> Match | None:
    """The live or next fight: the first match called or under way, else the first not over
    (in planned order); None when every match is over."""
    waiting = sorted((m for m in matches if not m.is_done and m.scheduled_at is not None),
                     key=lambda m: (m.planned_at, m.slot))
    return next((m for m in waiting if _is_now(m)), waiting[0] if waiting else None)
