"""Event streams (Server-Sent Events) of the public pages, overlays and referee cards.

Each URL names what its page shows (a season, a match, a ring); an unknown one answers 404
before any stream opens. Every stream listens on its season's channel (league.push).
"""
from __future__ import annotations

from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django_eventstream.views import events

from ..http_cache import uncached
from ..metrics import counted_stream
from ..models import Match, Season
from ..selectors.broadcast import ring_name
from . import channel_for, listener

RETRY_MS = 1000


def _season_id(slug: str) -> int:
    season_id = Season.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if season_id is None:
        raise Http404("No such season")
    return season_id


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
    response = events(request, channels=[channel_for(season_id)])
    if response.streaming:  # counted in league_push_streams_open while it is open
        response.streaming_content = counted_stream(response.streaming_content)
    # A stream is nobody's page: no frame limits needed, but never cached by a proxy.
    response["Cache-Control"] = "no-cache, no-store"
    if response.streaming and response.is_async:
        response.streaming_content = _with_retry(response.streaming_content)
    return response


async def _with_retry(chunks):
    """Tell the browser to reconnect RETRY_MS after the stream drops (a server stopped or was
    killed) instead of its default of about 3 s; HAProxy sends it to a live server."""
    yield f"retry: {RETRY_MS}\n\n".encode()
    async for chunk in chunks:
        yield chunk


@uncached
@require_safe
def season_stream(request: HttpRequest, slug: str) -> HttpResponse:
    return _stream(request, _season_id(slug))


@uncached
@require_safe
def match_stream(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
    season_id = (Match.objects.filter(season__slug=slug, slot=slot)
                 .values_list("season_id", flat=True).first())
    if season_id is None:
        raise Http404("No such match")
    return _stream(request, season_id)


@uncached
@require_safe
def ring_stream(request: HttpRequest, slug: str, ring: str) -> HttpResponse:
    season = Season.objects.filter(slug=slug).only("pk", "rings").first()
    if season is None or ring_name(season, ring) is None:
        raise Http404("No such ring")
    return _stream(request, season.pk)
