"""Reads of the broadcast views: the current match of a ring, a ring's board, the venue.

``ring_current`` is the fallback rule while the ring queue (league/selectors/rings.py) is not
there: the ring's live match, else its first checked-in one, else its next scheduled one
(scheduled time, then slot), else the last one it finished, so a ring overlay is never blank
during a season.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from ..models import Match, Season
from . import public as read


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


_ORDER = {Match.Status.LIVE: 0, Match.Status.CHECKED_IN: 1, Match.Status.SCHEDULED: 2}


def _pick(matches: list[Match]) -> tuple[Match | None, list[Match]]:
    """(current match, the ones after it) from a ring's matches in schedule order."""
    waiting = sorted((m for m in matches if m.status in _ORDER),
                     key=lambda m: (_ORDER[m.status], m.scheduled_at is None, m.scheduled_at, m.slot))
    if waiting:
        current = waiting[0]
        upcoming = [m for m in waiting[1:] if m.status != Match.Status.LIVE]
        return current, upcoming
    done = [m for m in matches if m.is_done]
    done.sort(key=lambda m: (m.finished_at is None, m.finished_at, m.scheduled_at, m.slot))
    return (done[-1] if done else None), []


@dataclass
class RingBoard:
    ring: str
    slug: str
    current: read.Overlay | None
    upcoming: list[Match]


def _ring_matches(season: Season) -> dict[str, list[Match]]:
    by_ring: dict[str, list[Match]] = {name: [] for name in season.ring_list}
    matches = (Match.objects.filter(season=season, ring__in=list(by_ring))
               .select_related("red__team", "blue__team")
               .order_by("scheduled_at", "slot"))
    for m in read._with_labels(list(matches)):
        by_ring[m.ring].append(m)
    return by_ring


def _board(season: Season, ring: str, matches: list[Match], *, upcoming: int) -> RingBoard:
    current, rest = _pick(matches)
    overlay = read.overlay_for(slug=season.slug, slot=current.slot) if current else None
    return RingBoard(ring=ring, slug=ring_slug(ring), current=overlay, upcoming=rest[:upcoming])


def ring_board(*, season: Season, ring: str, upcoming: int = 2) -> RingBoard:
    """A ring now: its current match as the overlay shows it, and the next ``upcoming``.
    4 queries (the ring's matches, then the current match's overlay: 2, labels: 1)."""
    return _board(season, ring, _ring_matches(season)[ring], upcoming=upcoming)


def venue_boards(*, season: Season) -> list[RingBoard]:
    """Every ring of the season, in the season's order. 2 + 2 queries per ring."""
    return [_board(season, ring, matches, upcoming=1)
            for ring, matches in _ring_matches(season).items()]
