"""Event streams (Server-Sent Events) of the public pages, overlays and referee cards.

Each URL names what its page shows (a season, a match, a ring); an unknown one answers 404
before any stream opens. Every stream listens on its season's channel (league.push).
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django_eventstream.views import events

from ..http_cache import uncached
from ..metrics import counted_stream
from ..models import Match, Season
from ..selectors.broadcast import ring_name
from . import channel_for, listener

RETRY_MS = 1000


# What a stream URL names -> its season's id, kept by the process once found: a season's slug,
# its matches' slots and its rings do not move to another season, so a thousand fans opening
# (or reopening, after a server went away) the same stream cost one query, not a thousand
# database connections at once. Unknown names are asked again each time (they answer 404).
_SEASON_IDS: dict[tuple, int] = {}


def _known(key: tuple, find: Callable[[], int | None], missing: str) -> int:
    season_id = _SEASON_IDS.get(key)
    if season_id is None:
        season_id = find()
        if season_id is None:
            raise Http404(missing)
        if len(_SEASON_IDS) > 10_000:  # bounded: the names come from URLs
            _SEASON_IDS.clear()
        _SEASON_IDS[key] = season_id
    return season_id


def _season_id(slug: str) -> int:
    return _known(("season", slug),
                  lambda: Season.objects.filter(slug=slug).values_list("pk", flat=True).first(),
                  "No such season")


def _stream(request: HttpRequest, season_id: int) -> HttpResponse:
    if not isinstance(request, ASGIRequest):
        # A WSGI server (a thread per request) cannot hold thousands of streams, and would
        # buffer this one forever: 204 tells the browser's EventSource not to reconnect, and
        # the page keeps polling.
        return HttpResponse(status=204)
    if not listener.available():
        # Redis is away: this process would get no events. 204, so the page keeps polling and
        # htmx's SSE extension tries again later (league/push/listener.py).
        return HttpResponse(status=204)
    # A stream lives for minutes and needs no database: give back a connection the request may
    # hold, or every open stream would keep one until it ends (5,000 fans: 5,000 connections).
    connection.close()
    response = events(request, channels=[channel_for(season_id)])
    if response.streaming:  # counted in league_push_streams_open while it is open
        response.streaming_content = counted_stream(response.streaming_content)
    # A stream is nobody's page: no frame limits needed, and never cached (@uncached).
    if response.streaming and response.is_async:
        response.streaming_content = _with_retry(response.streaming_content)
    return response


async def _with_retry(chunks):
    """Tell the browser to reconnect RETRY_MS after the stream drops (a server stopped or was
    killed) instead of its default of about 3 s; HAProxy sends it to a live server. End the
    stream after an error event (django-eventstream sends it and goes on waiting): the listener
    ends streams that way while Redis is away (league/push/listener.py)."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    async with contextlib.aclosing(chunks):
        async for chunk in chunks:
            yield chunk
            if b"event: stream-error" in chunk:
                return


@uncached
@require_safe
def season_stream(request: HttpRequest, slug: str) -> HttpResponse:
    return _stream(request, _season_id(slug))


@uncached
@require_safe
def match_stream(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
    return _stream(request, _known(
        ("match", slug, slot),
        lambda: Match.objects.filter(season__slug=slug, slot=slot)
        .values_list("season_id", flat=True).first(), "No such match"))


@uncached
@require_safe
def ring_stream(request: HttpRequest, slug: str, ring: str) -> HttpResponse:
    def find() -> int | None:
        season = Season.objects.filter(slug=slug).only("pk", "rings").first()
        return season.pk if season is not None and ring_name(season, ring) is not None else None

    return _stream(request, _known(("ring", slug, ring), find, "No such ring"))
