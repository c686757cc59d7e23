"""Reads of the broadcast views: the current match of a ring, a ring's board, the venue.

A ring's current match is its queue's (league/selectors/rings.py, so the overlay follows
``ring_call_next``): the match now fighting (called, checked in or live). Between two fights of
a day the ring's last result stays up (the broadcast shows the final score) until the next match
is called or checked in: then the overlay switches by itself. Before the day's first fight it is
the match on deck; on an idle ring the last result, so a ring overlay is never blank during a
season. What comes next: the match on deck and the ones after it.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from ..models import Match, Season
from . import public as read
from . import rings


def ring_slug(name: str) -> str:
    return slugify(name) or name


def ring_stamp(*, slug: str, ring: str) -> read.Stamp | None:
    """A ring page's version: its season's (every match service bumps it), keyed by the ring,
    or None for an unknown season or ring. 1 query."""
    row = read._one(f"SELECT id, version, phase, rings FROM {read._SEASON} WHERE slug = %s", [slug])
    if row is None:
        return None
    pk, version, phase, rings = row
    if not any(ring_slug(name.strip()) == ring for name in rings.split(",") if name.strip()):
        return None
    return read.Stamp(key=f"ring:{pk}:{ring}", version=str(version),
                      finished=phase == Season.Phase.FINISHED, pk=pk)


def ring_name(season: Season, slug: str) -> str | None:
    """The season's ring whose URL slug is ``slug`` ("ring-1" for "Ring 1"), or None."""
    for name in season.ring_list:
        if ring_slug(name) == slug:
            return name
    return None


@dataclass
class RingBoard:
    ring: str
    slug: str
    current: read.Overlay | None
    upcoming: list[Match]


def _ring_matches(season: Season) -> tuple[dict[str, list[Match]], dict[str, rings.RingQueue]]:
    """Every ring's matches (schedule order) and its queue, from one query."""
    by_ring: dict[str, list[Match]] = {name: [] for name in season.ring_list}
    matches = read._with_labels(rings.with_estimates(
        list(Match.objects.filter(season=season).select_related("red__team", "blue__team", "group")
             .order_by("scheduled_at", "slot")), season=season))
    for m in matches:
        if m.ring in by_ring:
            by_ring[m.ring].append(m)
    queues = {q.ring: q for q in rings.queues_from(matches, season=season, upcoming=rings.UPCOMING)}
    return by_ring, queues


def _last_result(matches: list[Match]) -> Match | None:
    done = [m for m in matches if m.is_done]
    done.sort(key=lambda m: (m.finished_at is None, m.finished_at, m.scheduled_at, m.slot))
    return done[-1] if done else None


def _same_day(season: Season, done: Match | None, coming: Match) -> bool:
    """Whether ``done`` ended on the (venue) day ``coming`` is expected to start."""
    ended = done and (done.finished_at or done.planned_at)
    starts = getattr(coming, "estimated_at", None) or coming.planned_at
    if ended is None or starts is None:
        return False
    return ended.astimezone(season.tz).date() == starts.astimezone(season.tz).date()


def _board(season: Season, ring: str, matches: list[Match], queue: rings.RingQueue | None, *,
           upcoming: int) -> RingBoard:
    queue = queue or rings.RingQueue(ring=ring)
    waiting = [m for m in [queue.on_deck, *queue.next] if m is not None]
    if queue.now is not None:
        current, rest = queue.now, waiting
    else:
        last = _last_result(matches)
        if queue.on_deck is not None and not _same_day(season, last, queue.on_deck):
            current, rest = queue.on_deck, waiting[1:]
        else:  # the day's last result stays up until the next match is called
            current, rest = last, waiting
    overlay = read.overlay_for(slug=season.slug, slot=current.slot) if current else None
    return RingBoard(ring=ring, slug=ring_slug(ring), current=overlay, upcoming=rest[:upcoming])


def ring_board(*, season: Season, ring: str, upcoming: int = 2) -> RingBoard:
    """A ring now: its current match as the overlay shows it, and the next ``upcoming``.
    4 queries (the ring's matches, then the current match's overlay: 2, labels: 1)."""
    by_ring, queues = _ring_matches(season)
    return _board(season, ring, by_ring[ring], queues.get(ring), upcoming=upcoming)


def venue_boards(*, season: Season) -> list[RingBoard]:
    """Every ring of the season, in the season's order. 2 + 2 queries per ring."""
    by_ring, queues = _ring_matches(season)
    return [_board(season, ring, matches, queues.get(ring), upcoming=1)
            for ring, matches in by_ring.items()]
