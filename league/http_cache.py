"""Public HTTP caching in one place: ETags, rendered bodies, Cache-Control, and the fast path.

A public view declares how it is cached and then only renders::

    @public_cached(stamp=season_stamp, kind="bracket")
    def bracket(request, stamp, *, slug): -> str   # the body; called only when needed

``stamp`` is called with the URL's keyword arguments and returns a ``Stamp`` (one cheap query on
``Season.version``, which the services bump whenever something the public sees changes) or None
(404). ``kind`` names the ETag; ``poll=True`` marks a live fragment (286, stop polling, once the
season is finished); ``i18n=False`` a body that is the same in every language (the JSON feed).

What the declaration buys, with no list kept by hand:
- every response carries a weak ETag of (kind, stamp, language); an unchanged poll or reload
  answers 304 before anything is read or rendered;
- a changed one is rendered once per version and language and kept in the cache framework;
- anonymous responses are edge-cacheable (``Cache-Control: public, max-age, s-maxage,
  stale-while-revalidate``: seconds while a season runs, minutes once it is finished, see
  ``settings.PUBLIC_CACHE_LIVE`` / ``PUBLIC_CACHE_FINISHED``) and say what they vary on;
  responses to a visitor with a session, or holding a visitor's CSRF token, are private;
- ``PublicFastPath`` (middleware, right after SecurityMiddleware) reads the declaration from the
  resolved view and answers anonymous GETs of declared views before sessions, auth, CSRF and
  templates run: a 304, or the whole response cached for the current ETag.
Responses of views that declare nothing get ``Cache-Control: private`` unless they set their own.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe
from django_htmx.http import HttpResponseStopPolling

from .selectors import public as read
from .selectors.public import Stamp

HTML = "text/html; charset=utf-8"
# Rendered bodies are keyed on the version, so a new version never serves an old one; the
# timeout only bounds memory and the life of anything changed outside the services.
CACHE_SECONDS = 15 * 60
# Bump when templates change in a way that must not mix with pages cached before a deploy.
RENDER_VERSION = "1"
# A template that needs a CSRF token gets this; it is swapped for the visitor's own token on the
# way out, and the response becomes private.
CSRF_PLACEHOLDER = "csrf0token0placeholder0league0public"
BODY_PREFIX, RESPONSE_PREFIX = "pub:", "pubresp:"

LIVE_DEFAULT = {"max_age": 1, "s_maxage": 1, "stale_while_revalidate": 1}
FINISHED_DEFAULT = {"max_age": 60, "s_maxage": 300, "stale_while_revalidate": 3600}


# Whether this request is served by a server that holds event streams (ASGI; league.push): set
# by PublicFastPath for every request. A page says so in its ETag and cache key, because it
# renders its stream only then (under WSGI a stream URL answers 204 and the page polls).
PUSH_SERVED: ContextVar[bool] = ContextVar("league_push_served", default=False)


def push_served(request: HttpRequest) -> bool:
    return isinstance(request, ASGIRequest)


# --- Stamps -----------------------------------------------------------------------------------

_STAMPS: dict[tuple, tuple[float, Stamp | None]] = {}
# Stamps already read during this request (set by PublicFastPath), so the fast path and the view
# share one query.
REQUEST_STAMPS: ContextVar[dict | None] = ContextVar("league_request_stamps", default=None)


def stamp_of(key: tuple, reader: Callable[[], Stamp | None]) -> Stamp | None:
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


def _stamp_of(key: tuple, reader: Callable[[], Stamp | None]) -> Stamp | None:
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


# The stamps public URLs are declared with (called with the URL's keyword arguments).
def league_stamp() -> Stamp:
    return stamp_of(("league",), read.archive_stamp)


def season_stamp(*, slug: str) -> Stamp | None:
    return stamp_of(("season", slug), lambda: read.season_stamp(slug=slug))


def match_stamp(*, slug: str, slot: str) -> Stamp | None:
    return stamp_of(("match", slug, slot), lambda: read.match_stamp(slug=slug, slot=slot))


def team_stamp(*, slug: str) -> Stamp | None:
    return stamp_of(("team", slug), lambda: read.team_stamp(slug=slug))


# --- The declaration --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicCache:
    """How a public view is cached; ``view.public_cache`` on every decorated view."""

    stamp: Callable[..., Stamp | None]
    kind: str
    poll: bool = False
    i18n: bool = True
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()  # on every answer, 304 included (e.g. CORS)
    # A body in one fixed language whatever the request's (the feed's ?lang=): the ETag names it.
    language: str = ""

    @property
    def page(self) -> bool:
        """A whole HTML page (not a fragment, not JSON): it renders its own URL (the language
        switch's "next"), so only the plain URL is cached; it may hold a CSRF token."""
        return not self.poll and self.content_type.startswith("text/html")

    def etag(self, stamp: Stamp) -> str:
        return etag_for(stamp, self.kind, i18n=self.i18n, language=self.language)


def public_cached(*, stamp: Callable[..., Stamp | None], kind: str, poll: bool = False,
                  i18n: bool = True, content_type: str = HTML, headers: dict | None = None,
                  missing: Callable[[HttpRequest], HttpResponse] | None = None,
                  language: str = ""):
    """Declare a public, read-only view cached by ``stamp``; the view is then
    ``render(request, stamp, **url_kwargs) -> str`` and is called only when the body of this
    version is not cached yet. An unknown object (stamp None) raises Http404, or answers
    ``missing(request)``. GET and HEAD only (405 otherwise). ``headers`` go on every answer
    of the view, 304s and cached copies included."""
    declaration = PublicCache(stamp=stamp, kind=kind, poll=poll, i18n=i18n,
                              content_type=content_type, headers=tuple((headers or {}).items()),
                              language=language)

    def wrap(render: Callable[..., str]) -> Callable[..., HttpResponse]:
        @wraps(render)
        def view(request: HttpRequest, **kwargs) -> HttpResponse:
            found = declaration.stamp(**kwargs)
            if found is None:
                if missing is not None:
                    return missing(request)
                raise Http404("Not found")
            return respond(request, declaration, found, lambda: render(request, found, **kwargs))

        view.public_cache = declaration
        return require_safe(view)

    return wrap


def uncached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Declare a public view that is never cached, by anyone: an event stream, or a read that
    carries the server's time now (a match clock). The fast path leaves it alone; its answers
    say ``no-store`` unless the view set its own Cache-Control."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response

    answer.never_cached = True
    return answer


def private(view: Callable[..., HttpResponse] | None = None, *, store: bool = True):
    """Declare a page for one signed-in visitor (the teams' site): ``Cache-Control: private,
    no-cache`` (a browser revalidates it, no shared cache keeps it), unless the view set its
    own. ``@private(store=False)`` declares a private file (an upload, evidence): ``private,
    no-store``, kept by nobody. The fast path leaves both alone (not a public declaration)."""
    if view is None:
        return lambda inner: private(inner, store=store)
    directive = {"no_cache": True} if store else {"no_store": True}

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, **directive)
        return response

    answer.private_page = True
    return answer


def declaration_of(view: Callable) -> PublicCache | None:
    return getattr(view, "public_cache", None)


# --- ETags and responses ----------------------------------------------------------------------

def etag_for(stamp: Stamp, kind: str, *, i18n: bool = True, language: str = "") -> str:
    """A weak ETag: same version, same meaning. Pages are translated, so their ETag names the
    language; the JSON feed does not follow the request's (i18n=False): its default document
    says "any", one asked for with ?lang= names that ``language``."""
    lang = language or (translation.get_language() if i18n else "any")
    served = ".sse" if i18n and PUSH_SERVED.get() else ""
    return f'W/"{kind}.{stamp.key}.{stamp.version}.{lang}.{RENDER_VERSION}{served}"'


def _matches(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    if header == etag or header.strip() == "*":  # the poll's usual case: one tag, sent back as is
        return True
    mine = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == mine for tag in parse_etags(header))


def signed_in(request: HttpRequest) -> bool:
    """A visitor with a session (staff, referees, anyone logged in). Read from the cookie, not
    the session, so an anonymous request costs no session or user query."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def cache_control(stamp: Stamp, *, private: bool) -> dict:
    if private:
        return {"private": True, "no_cache": True}
    if stamp.finished:
        return {"public": True, **getattr(settings, "PUBLIC_CACHE_FINISHED", FINISHED_DEFAULT)}
    return {"public": True, **getattr(settings, "PUBLIC_CACHE_LIVE", LIVE_DEFAULT)}


def _finish(response: HttpResponse, declaration: PublicCache, stamp: Stamp, etag: str, *,
            private: bool) -> HttpResponse:
    response["ETag"] = etag
    for name, value in declaration.headers:
        response[name] = value
    patch_cache_control(response, **cache_control(stamp, private=private))
    if declaration.i18n:  # the language comes from Accept-Language or the language cookie
        response["Vary"] = "Accept-Language, Cookie"
    return response


def respond(request: HttpRequest, declaration: PublicCache, stamp: Stamp,
            build: Callable[[], str]) -> HttpResponse:
    """Answer 304 if the client holds this version; else the body of this version, rendered at
    most once per version and language (cache), with the visitor's CSRF token if it has one."""
    etag = declaration.etag(stamp)
    stop = declaration.poll and stamp.finished
    private = signed_in(request)
    if not stop and _matches(request, etag):
        return _finish(HttpResponseNotModified(), declaration, stamp, etag, private=private)
    cacheable = not (declaration.page and request.META.get("QUERY_STRING"))
    key = BODY_PREFIX + etag
    body = cache.get(key) if cacheable else None
    if body is None:
        body = build()
        if cacheable:
            cache.set(key, body, CACHE_SECONDS)
    personal = declaration.page and CSRF_PLACEHOLDER in body
    if personal:  # a page with a form that posts: this visitor's own token
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response_class = HttpResponseStopPolling if stop else HttpResponse
    response = response_class(body, content_type=declaration.content_type)
    return _finish(response, declaration, stamp, etag, private=private or personal)


# --- The fast path ----------------------------------------------------------------------------

class PublicFastPath:
    """For an anonymous GET of a declared public view (no session cookie, no query string):
    check the Host like CommonMiddleware would, compute the URL's ETag from its stamp and
    - answer 304 when the client already holds that version (the poll's usual case);
    - else serve the whole response cached for that ETag (body and headers, CSP included);
    - else let the full stack render it and cache the response for the next fan.
    Sessions, auth, CSRF, messages and templates never run on the first two paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = REQUEST_STAMPS.set({})
        served = PUSH_SERVED.set(push_served(request))
        try:
            response = self._answer(request)
        finally:
            PUSH_SERVED.reset(served)
            REQUEST_STAMPS.reset(token)
        if not response.has_header("Cache-Control"):  # only declared views are shared
            patch_cache_control(response, private=True)
        return response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        if (request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING")
                or signed_in(request)):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        declaration = declaration_of(match.func)
        if declaration is None:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a Host outside ALLOWED_HOSTS, as in the stack
        language = translation.get_language_from_request(request)
        with translation.override(language):
            stamp = declaration.stamp(**match.kwargs)
            if stamp is None:  # the view answers its own 404
                return self.get_response(request)
            etag = declaration.etag(stamp)
            if not (declaration.poll and stamp.finished) and _matches(request, etag):
                return _finish(HttpResponseNotModified(), declaration, stamp, etag, private=False)
        key = RESPONSE_PREFIX + etag
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = hit
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if (response.status_code in (200, 286) and not response.cookies and not response.streaming
                and response.get("ETag") == etag
                and "public" in response.get("Cache-Control", "")):
            headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
            cache.set(key, (response.status_code, headers, response.content), CACHE_SECONDS)
        return response
