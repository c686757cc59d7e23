"""Broadcast views: one overlay URL per ring, a big-screen audience display per ring, and a
venue view of every ring. Each follows the ring's current match by itself (it re-reads the
ring on every change of the season, pushed by league.push), so a broadcaster points a source
at a ring once for the whole event.

These pages, and only these, may be framed: by the origins in settings.BROADCAST_FRAME_ANCESTORS
(CSP ``frame-ancestors``); with none configured they stay unframable like every other page.
Their bodies are conditional and cached per season version like the other public pages.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..models import Season
from ..selectors import broadcast as read
from .public import _render, _season, _season_stamp, conditional, etag_for


def framable(response: HttpResponse) -> HttpResponse:
    """Let the configured broadcast origins frame this response (none configured: nobody)."""
    origins = list(getattr(settings, "BROADCAST_FRAME_ANCESTORS", []))
    if origins:
        response._csp_replace = {"frame-ancestors": origins}
        response.xframe_options_exempt = True
    return response


def _ring(season: Season, slug: str) -> str:
    name = read.ring_name(season, slug)
    if name is None:
        raise Http404("No such ring")
    return name


def _ring_view(kind: str, template: str):
    """A ring's page and its live fragment (``template#live``), conditional and cached."""

    def context(season: Season, ring: str) -> dict:
        board = read.ring_board(season=season, ring=ring)
        overlay = board.current
        return {"season": season, "board": board, "o": overlay,
                "m": overlay.match if overlay else None}

    def page(request: HttpRequest, slug: str, ring: str) -> HttpResponse:
        stamp = _season_stamp(slug)
        season = _season(stamp)
        name = _ring(season, ring)

        def build() -> str:
            return _render(request, template, {
                **context(season, name),
                "live_url": reverse(f"public:{kind}_live", args=[slug, ring]),
                "stream_url": reverse("public:ring_stream", args=[slug, ring]),
                "live_etag": etag_for(stamp, f"{kind}-live.{ring}")})

        return framable(conditional(request, stamp=stamp, kind=f"{kind}.{ring}", build=build,
                                    page=True))

    def live(request: HttpRequest, slug: str, ring: str) -> HttpResponse:
        stamp = _season_stamp(slug)
        season = _season(stamp)
        name = _ring(season, ring)

        def build() -> str:
            return _render(request, f"{template}#live", context(season, name))

        return framable(conditional(request, stamp=stamp, kind=f"{kind}-live.{ring}", build=build,
                                    page=False, poll=True))

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return require_safe(page), require_safe(live)


ring_overlay, ring_overlay_live = _ring_view("ring_overlay", "broadcast/ring_overlay.html")
ring_audience, ring_audience_live = _ring_view("ring_audience", "broadcast/audience.html")


def _venue_view() -> tuple[Callable, Callable]:
    template = "broadcast/venue.html"

    def page(request: HttpRequest, slug: str) -> HttpResponse:
        stamp = _season_stamp(slug)

        def build() -> str:
            season = _season(stamp)
            return _render(request, template, {
                "season": season, "boards": read.venue_boards(season=season),
                "live_url": reverse("public:venue_live", args=[slug]),
                "stream_url": reverse("public:season_stream", args=[slug]),
                "live_etag": etag_for(stamp, "venue-live")})

        return framable(conditional(request, stamp=stamp, kind="venue", build=build, page=True))

    def live(request: HttpRequest, slug: str) -> HttpResponse:
        stamp = _season_stamp(slug)

        def build() -> str:
            season = _season(stamp)
            return _render(request, f"{template}#live",
                           {"season": season, "boards": read.venue_boards(season=season)})

        return framable(conditional(request, stamp=stamp, kind="venue-live", build=build,
                                    page=False, poll=True))

    page.__name__, live.__name__ = "venue", "venue_live"
    return require_safe(page), require_safe(live)


venue, venue_live = _venue_view()
