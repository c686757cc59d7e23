"""Instant updates: every public change is pushed to open pages as a Server-Sent Event.

The services call ``league.services.common.bump(season)`` on every change the public sees; bump
registers :func:`publish_on_commit`, so an event leaves only after the transaction committed
(a rolled-back change pushes nothing, and a page that refreshes on the event reads the new
version). The event goes through django-eventstream (see docs/push.md): with REDIS_URL set,
through Redis pub/sub to every server process; without it, to the listeners of this process
(``make run``).

One channel per season (``season-<id>``): the public version that pages are cached by is per
season, so every live fragment of the season is stale after any change of it. The event
(``change``) carries what changed as far as the caller knows it: the season id and, where given,
the match id and ring, so a client that shows one match or one ring can ignore the rest.
"""
from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

EVENT = "change"


def channel_for(season_id: int) -> str:
    return f"season-{season_id}"


def publish(season_id: int, *, match_id: int | None = None, ring: str = "") -> None:
    """Send one ``change`` event to every stream of the season, now. Never raises: a lost push
    costs one poll interval (pages still poll while their stream is down), not a failed write."""
    from django_eventstream import send_event

    data = {"season": season_id, "match": match_id, "ring": ring or None}
    try:
        send_event(channel_for(season_id), EVENT, data)
    except Exception:  # Redis down: the pages' poll fallback still brings the change
        logger.warning("push: could not publish %s", data, exc_info=True)


def publish_on_commit(season_id: int, *, match_id: int | None = None, ring: str = "") -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(publish, season_id, match_id=match_id, ring=ring), robust=True)
