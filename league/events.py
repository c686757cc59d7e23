"""Domain events: what happened in the league, said once by the service that did it.

A service calls :func:`emit` inside its transaction, after the state change. Each sink writes
what it has to send (webhook deliveries, e-mails) in that same transaction, an outbox, and has
it sent by a Celery task once the transaction commits: a rolled-back change sends nothing, a
committed one cannot lose what it owes, and a failure to send never undoes or blocks it.

Sinks: league.jobs.webhooks (broadcasters and media, docs/webhooks.md) and league.jobs.notify
(e-mail to the teams' managers, docs/jobs.md).

Live pages are not a sink: they follow every bump of the season's public version
(``services.common.bump`` -> league.push), a finer and wider trigger than these events (a roster
or a setting changes the pages too), and keep it unchanged.
"""
from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# Match events (webhooks; match.called also tells the teams their match is next).
MATCH_CALLED = "match.called"
MATCH_STARTED = "match.started"
ROUND_RECORDED = "match.round_recorded"
MATCH_FINISHED = "match.finished"
MATCH_CORRECTED = "match.corrected"
# Season events (webhooks; schedule.changed also e-mails the teams whose matches moved).
BRACKET_CHANGED = "bracket.changed"
SCHEDULE_CHANGED = "schedule.changed"
# Team events (e-mail only).
ENTRY_APPLIED = "entry.applied"
ENTRY_AUDITIONED = "entry.auditioned"
ENTRY_QUALIFIED = "entry.qualified"
PROTEST_RULED = "protest.ruled"


def _sinks():
    from .jobs import notify, webhooks

    return (webhooks.on_event, notify.on_event)


def emit(kind: str, *, season, match=None, data: dict[str, Any] | None = None, actor) -> None:
    """Tell every sink that ``kind`` happened in ``season`` (to ``match``), with ``data``
    (JSON-able: ids, slugs, words). Call it inside the service's transaction, after the change,
    with the service's ``actor``: the sinks write their outbox rows as that actor.

    A sink that fails (a bug, a clash) is rolled back to its savepoint and logged: what it owed is
    lost, the change is not."""
    for sink in _sinks():
        try:
            with transaction.atomic():
                sink(kind, season=season, match=match, data=dict(data or {}), actor=actor)
        except Exception:
            logger.exception("events: %s could not record %s", sink.__module__, kind)
