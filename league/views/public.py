"""Public pages: seasons archive, season home, groups, bracket, schedule, match, team and the
broadcast overlay, each with a live fragment that htmx polls.

Every response carries an ETag made from a *stamp*: one cheap query on ``Season.version``,
which the services bump whenever something the public sees changes. An unchanged poll or
reload answers 304 before anything is read or rendered. A changed one is rendered once per
version and language and kept in the cache framework, so thousands of fans refreshing cost
one query each. Public pages post nothing (the language switch is a GET link), so one cached
page serves every fan; league.middleware.PublicFastPath answers them before sessions, auth
and CSRF run. A page that did carry a CSRF token would be cached with a placeholder swapped
for the visitor's own token and marked private.

A live fragment of a finished season answers 286 (htmx: stop polling) with its final content.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseStopPolling

from ..models import Season
from ..selectors import public as read

POLL_SECONDS = 5
# Rendered pages are keyed on the version, so a new version never serves an old page; the
# timeout only bounds memory and the life of anything changed outside the services.
CACHE_SECONDS = 15 * 60
# Bump when templates change in a way that must not mix with pages cached before a deploy.
RENDER_VERSION = "1"
CSRF_PLACEHOLDER = "csrf0token0placeholder0league0public"


def etag_for(stamp: read.Stamp, kind: str, *, i18n: bool = True) -> str:
    """A weak ETag: same version, same meaning (pages differ only by the visitor's CSRF token).
    Pages are translated, so their ETag names the language; the JSON feed is not (i18n=False)."""
    lang = get_language() if i18n else "any"
    return f'W/"{kind}.{stamp.key}.{stamp.version}.{lang}.{RENDER_VERSION}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    if header == etag or header.strip() == "*":  # the poll's usual case: one tag, sent back as is
        return True
    mine = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == mine for tag in parse_etags(header))


def _finish(response: HttpResponse, etag: str, *, page: bool, i18n: bool) -> HttpResponse:
    response["ETag"] = etag
    # Stored, but revalidated on every use: the ETag makes that a 304. A page holding the
    # visitor's CSRF token never goes in a shared cache.
    response["Cache-Control"] = "private, no-cache" if page else "no-cache"
    if i18n:
        response["Vary"] = "Accept-Language, Cookie"
    return response


def conditional(request: HttpRequest, *, stamp: read.Stamp, kind: str, build: Callable[[], str],
                page: bool, poll: bool = False, i18n: bool = True,
                content_type: str = "text/html; charset=utf-8") -> HttpResponse:
    """Answer 304 if the client holds this version; else the body of this version, rendered
    at most once per version and language (cache), with the visitor's CSRF token in pages."""
    etag = etag_for(stamp, kind, i18n=i18n)
    stop = poll and stamp.finished
    if not stop and _matches(request, etag):
        return _finish(HttpResponseNotModified(), etag, page=page, i18n=i18n)
    # A page renders request.get_full_path() (the language switch's "next"): only the plain
    # URL is cached, so odd query strings neither pollute the cache nor read another's path.
    cacheable = not (page and request.META.get("QUERY_STRING"))
    key = f"pub:{etag}"
    body = cache.get(key) if cacheable else None
    if body is None:
        body = build()
        if cacheable:
            cache.set(key, body, CACHE_SECONDS)
    personal = page and CSRF_PLACEHOLDER in body
    if personal:  # a page with a form that posts: this visitor's own token
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response_class = HttpResponseStopPolling if stop else HttpResponse
    return _finish(response_class(body, content_type=content_type), etag, page=personal, i18n=i18n)


def _render(request: HttpRequest, template: str, context: dict) -> str:
    return render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER,
                                       "poll_seconds": POLL_SECONDS}, request)


_STAMPS: dict[tuple, tuple[float, read.Stamp | None]] = {}
# Stamps already read during this request (set by league.middleware.PublicFastPath), so the
# fast path and the view share one query.
REQUEST_STAMPS: ContextVar[dict | None] = ContextVar("league_request_stamps", default=None)


def stamp_of(key: tuple, reader: Callable[[], read.Stamp | None]) -> read.Stamp | None:
    """The stamp from its one query; with settings.PUBLIC_STAMP_MAX_AGE (seconds, default 0:
    off) a process reuses it that long, so a burst of polls costs no query at all and pages
    stay correct to within that many seconds."""
    memo = REQUEST_STAMPS.get()
    if memo is not None and key in memo:
        return memo[key]
    stamp = _stamp_of(key, reader)
    if memo is not None:
        memo[key] = stamp
    return stamp


def _stamp_of(key: tuple, reader: Callable[[], read.Stamp | None]) -> read.Stamp | None:
    max_age = getattr(settings, "PUBLIC_STAMP_MAX_AGE", 0)
    if not max_age:
        return reader()
    now = time.monotonic()
    hit = _STAMPS.get(key)
    if hit is not None and now - hit[0] < max_age:
        return hit[1]
    stamp = reader()
    if len(_STAMPS) > 10_000:  # bounded: slugs come from URLs
        _STAMPS.clear()
    _STAMPS[key] = (now, stamp)
    return stamp


def _season_stamp(slug: str) -> read.Stamp:
    stamp = stamp_of(("season", slug), lambda: read.season_stamp(slug=slug))
    if stamp is None:
        raise Http404("No such season")
    return stamp


def _season(stamp: read.Stamp) -> Season:
    return Season.objects.get(pk=stamp.pk)


def _season_view(kind: str, template: str, reader: Callable[[Season], dict], *, nav: str):
    """A season page and its live fragment (``template#live``), both conditional and cached."""

    def page(request: HttpRequest, slug: str) -> HttpResponse:
        stamp = _season_stamp(slug)

        def build() -> str:
            season = _season(stamp)
            return _render(request, template, {"season": season, "nav": nav,
                                               "live_etag": etag_for(stamp, f"{kind}-live"),
                                               **reader(season)})

        return conditional(request, stamp=stamp, kind=kind, build=build, page=True)

    def live(request: HttpRequest, slug: str) -> HttpResponse:
        stamp = _season_stamp(slug)

        def build() -> str:
            season = _season(stamp)
            return _render(request, f"{template}#live", {"season": season, **reader(season)})

        return conditional(request, stamp=stamp, kind=f"{kind}-live", build=build, page=False,
                           poll=True)

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return require_safe(page), require_safe(live)


season_home, season_live = _season_view(
    "season", "public/season.html", lambda s: {"overview": read.season_overview(season=s)},
    nav="season")
groups, groups_live = _season_view(
    "groups", "public/groups.html", lambda s: {"tables": read.season_groups(season=s)}, nav="groups")
bracket, bracket_live = _season_view(
    "bracket", "public/bracket.html", lambda s: {"bracket": read.bracket_for(season=s)}, nav="bracket")
schedule, schedule_live = _season_view(
    "schedule", "public/schedule.html", lambda s: {"days": read.schedule_for(season=s)}, nav="schedule")


def _match_stamp(slug: str, slot: str) -> read.Stamp:
    stamp = stamp_of(("match", slug, slot), lambda: read.match_stamp(slug=slug, slot=slot))
    if stamp is None:
        raise Http404("No such match")
    return stamp


def _match_view(kind: str, template: str, reader: Callable[[str, str], dict], *, nav: str = ""):
    """A match's page and its live fragment (``template#live``), both conditional and cached."""

    def page(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
        stamp = _match_stamp(slug, slot)

        def build() -> str:
            return _render(request, template, {**reader(slug, slot), "nav": nav,
                                               "live_etag": etag_for(stamp, f"{kind}-live")})

        return conditional(request, stamp=stamp, kind=kind, build=build, page=True)

    def live(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
        stamp = _match_stamp(slug, slot)

        def build() -> str:
            return _render(request, f"{template}#live", reader(slug, slot))

        return conditional(request, stamp=stamp, kind=f"{kind}-live", build=build, page=False,
                           poll=True)

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return require_safe(page), require_safe(live)


def _match_context(slug: str, slot: str) -> dict:
    detail = read.match_detail(slug=slug, slot=slot)
    return {"season": detail.season, "detail": detail, "m": detail.match}


def _overlay_context(slug: str, slot: str) -> dict:
    view = read.overlay_for(slug=slug, slot=slot)
    return {"season": view.season, "o": view, "m": view.match}


match, match_live = _match_view("match", "public/match.html", _match_context, nav="schedule")
overlay, overlay_live = _match_view("overlay", "public/overlay.html", _overlay_context)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    stamp = stamp_of(("league",), read.archive_stamp)

    def build() -> str:
        return _render(request, "public/home.html", {"archive": read.season_archive(), "nav": "home"})

    return conditional(request, stamp=stamp, kind="home", build=build, page=True)


@require_safe
def team(request: HttpRequest, slug: str) -> HttpResponse:
    stamp = stamp_of(("team", slug), lambda: read.team_stamp(slug=slug))
    if stamp is None:
        raise Http404("No such team")

    def build() -> str:
        return _render(request, "public/team.html", {"detail": read.team_detail(slug=slug),
                                                      "nav": "team"})

    return conditional(request, stamp=stamp, kind="team", build=build, page=True)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline of the benchmark (and a load balancer's health check)."""
    return HttpResponse("ok", content_type="text/plain")


__all__ = ["bracket", "bracket_live", "conditional", "etag_for", "groups",
           "groups_live", "healthz", "home", "match", "match_live", "overlay", "overlay_live",
           "schedule", "schedule_live", "season_home", "season_live", "team"]


# --- The fast path: answered before sessions, auth, CSRF and templates (league.middleware) ------

# url name -> (stamp of the URL's kwargs, ETag kind, is a poll)
FAST_VIEWS: dict[str, tuple[Callable[[dict], read.Stamp], str, bool]] = {
    **{name: (lambda kw: _season_stamp(kw["slug"]), name, False)
       for name in ("groups", "bracket", "schedule")},
    **{f"{name}_live": (lambda kw: _season_stamp(kw["slug"]), f"{name}-live", True)
       for name in ("groups", "bracket", "schedule")},
    "season": (lambda kw: _season_stamp(kw["slug"]), "season", False),
    "season_live": (lambda kw: _season_stamp(kw["slug"]), "season-live", True),
    "match": (lambda kw: _match_stamp(kw["slug"], kw["slot"]), "match", False),
    "match_live": (lambda kw: _match_stamp(kw["slug"], kw["slot"]), "match-live", True),
    "overlay": (lambda kw: _match_stamp(kw["slug"], kw["slot"]), "overlay", False),
    "overlay_live": (lambda kw: _match_stamp(kw["slug"], kw["slot"]), "overlay-live", True),
    "home": (lambda kw: stamp_of(("league",), read.archive_stamp), "home", False),
}
FAST_CACHE_PREFIX = "pubresp:"


def fast_etag(url_name: str, kwargs: dict) -> tuple[str, bool] | None:
    """The ETag a public URL has now and whether its poll must stop; None if not a fast view."""
    entry = FAST_VIEWS.get(url_name)
    if entry is None:
        return None
    stamp_fn, kind, poll = entry
    try:
        stamp = stamp_fn(kwargs)
    except Http404:
        return None
    return etag_for(stamp, kind), poll and stamp.finished


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    if _matches(request, etag):
        return _finish(HttpResponseNotModified(), etag, page=False, i18n=True)
    return None
