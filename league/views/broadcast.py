"""Broadcast views: one overlay URL per ring, a big-screen audience display per ring, and a
venue view of every ring. Each follows the ring's current match by itself (it re-reads the
ring on every change of the season, pushed by league.push), so a broadcaster points a source
at a ring once for the whole event.

These pages, and only these, may be framed: by the origins in settings.BROADCAST_FRAME_ANCESTORS
(CSP ``frame-ancestors``); with none configured they stay unframable like every other page.
They are cached like every public page (``@public_cached``, league/http_cache.py): a ring page
by its own stamp (the season's version, keyed by the ring; an unknown ring is a 404).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..http_cache import etag_for, public_cached, season_stamp, stamp_of, uncached
from ..models import Match, Season
from ..selectors import broadcast as read
from ..selectors.clock import clock_state
from ..selectors.public import Stamp
from .public import _render, _season


def ring_stamp(*, slug: str, ring: str) -> Stamp | None:
    return stamp_of(("ring", slug, ring), lambda: read.ring_stamp(slug=slug, ring=ring))


def framable(response: HttpResponse) -> HttpResponse:
    """Let the configured broadcast origins frame this response (none configured: nobody)."""
    origins = list(getattr(settings, "BROADCAST_FRAME_ANCESTORS", []))
    if origins:
        response._csp_replace = {"frame-ancestors": origins}
        response.xframe_options_exempt = True
    return response


def _framed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` with framable responses; keeps its caching declaration (the fast path reads
    it, and caches the response with its CSP header)."""

    @wraps(view)
    def framed(request: HttpRequest, **kwargs) -> HttpResponse:
        return framable(view(request, **kwargs))

    return framed


def _ring_view(kind: str, template: str):
    """A ring's page and its live fragment (``template#live``)."""

    def context(season: Season, ring: str) -> dict:
        board = read.ring_board(season=season, ring=read.ring_name(season, ring))
        overlay = board.current
        return {"season": season, "board": board, "o": overlay,
                "m": overlay.match if overlay else None}

    def page(request: HttpRequest, stamp: Stamp, slug: str, ring: str) -> str:
        return _render(request, template, {
            **context(_season(stamp), ring),
            "live_url": reverse(f"public:{kind}_live", args=[slug, ring]),
            "stream_url": reverse("public:ring_stream", args=[slug, ring]),
            "live_etag": etag_for(stamp, f"{kind}-live")})

    def live(request: HttpRequest, stamp: Stamp, slug: str, ring: str) -> str:
        return _render(request, f"{template}#live", context(_season(stamp), ring))

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return (_framed(public_cached(stamp=ring_stamp, kind=kind)(page)),
            _framed(public_cached(stamp=ring_stamp, kind=f"{kind}-live", poll=True)(live)))


ring_overlay, ring_overlay_live = _ring_view("ring_overlay", "broadcast/ring_overlay.html")
ring_audience, ring_audience_live = _ring_view("ring_audience", "broadcast/audience.html")


@_framed
@public_cached(stamp=season_stamp, kind="venue")
def venue(request: HttpRequest, stamp: Stamp, slug: str) -> str:
    season = _season(stamp)
    return _render(request, "broadcast/venue.html", {
        "season": season, "boards": read.venue_boards(season=season),
        "live_url": reverse("public:venue_live", args=[slug]),
        "stream_url": reverse("public:season_stream", args=[slug]),
        "live_etag": etag_for(stamp, "venue-live")})


@_framed
@public_cached(stamp=season_stamp, kind="venue-live", poll=True)
def venue_live(request: HttpRequest, stamp: Stamp, slug: str) -> str:
    season = _season(stamp)
    return _render(request, "broadcast/venue.html#live",
                   {"season": season, "boards": read.venue_boards(season=season)})


# What a referee's device alone needs: a proposal is for the referee to confirm, never public.
_PRIVATE_CLOCK = ("proposal",)


@uncached
@require_safe
def match_clock(request: HttpRequest, slug: str, slot: str) -> JsonResponse:
    """A match's clock for the overlays, big screens and venue view (R17): the same state the
    referee's devices read (league/selectors/clock.py), without the proposal. Never cached:
    ``as_of`` is the server's time now, from which a screen measures its offset to the server
    (static/league/public.js). 4 queries."""
    match_id = (Match.objects.filter(season__slug=slug, slot=slot)
                .values_list("pk", flat=True).first())
    if match_id is None:
        raise Http404("No such match")
    state = {k: v for k, v in clock_state(match_id=match_id).items() if k not in _PRIVATE_CLOCK}
    return framable(JsonResponse(state))
