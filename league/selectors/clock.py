"""The match clock as every device reads it (R17): one JSON-able dict, 3 queries.

``clock_state(match_id=...)`` ->
  {"match": 12, "status": "live", "round": 2, "round_ms": 300000,
   "started": true, "running": false, "remaining_ms": 183250, "as_of": 1764441234567,
   "countdowns": [{"id": 7, "kind": "recovery", "corner": "red", "length_ms": 10000,
                   "started_ms": 1764441230000, "remaining_ms": 5433, "expired": false}],
   "proposal": null | {"reason": "recovery"|"reset"|"repair"|"time", "method": "tko"|"points",
                       "corner": "red"|"blue"|"", "winner": "blue"|"red"|"", "countdown": 7|null},
   "seq": 9}

``as_of`` is the server's epoch in ms when the state was folded: a client counts ``remaining_ms``
(while ``running``) and each countdown's ``remaining_ms`` down from it, correcting its own clock
by the offset between ``as_of`` and its receive time (static/league/clock.js does).
"""
from __future__ import annotations

from django.shortcuts import get_object_or_404

from ..models import Match
from ..models.clock import ClockEvent
from ..rules import clock as rules
from ..services.clock import now_ms, to_rule_events


def clock_state(*, match_id: int, at_ms: int | None = None) -> dict:
    """3 queries: the match with its season, its rounds, its current round's clock events."""
    match = get_object_or_404(Match.objects.select_related("season").only(
        "id", "status", "season__round_minutes"), pk=match_id)
    return state_of(match, round_number=match.rounds.count() + 1, at_ms=at_ms)


def state_of(match: Match, *, round_number: int, at_ms: int | None = None) -> dict:
    """The clock of a loaded match (its season loaded too): 1 query."""
    number = round_number
    rows = ClockEvent.objects.filter(match_id=match.pk, round_number=number).order_by("seq")
    state = rules.fold(to_rule_events(rows), round_ms=match.season.round_minutes * 60_000,
                       now_ms=at_ms if at_ms is not None else now_ms())
    live = match.status == Match.Status.LIVE
    data = state.as_dict()
    if not live:  # a finished match shows no running clock and proposes nothing
        data.update(running=False, countdowns=[], proposal=None)
    return {"match": match.pk, "status": match.status, "round": number, **data}
