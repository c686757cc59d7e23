"""Public pages at the cost of one version lookup, for thousands of polling fans.

``PublicFastPath`` sits right after SecurityMiddleware. For an anonymous GET of a public page or
live fragment it computes the URL's ETag from ``Season.version`` (one indexed query) and:
- answers 304 when the client already holds that version (the poll's usual case);
- else serves the whole response cached for that ETag (body and headers, CSP included);
- else lets the full stack render it and caches the response for the next fan.
Sessions, auth, CSRF, messages and templates never run on the first two paths. Logged-in
visitors (a session cookie) and URLs with a query string always take the full stack.
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from .views import public

CACHE_SECONDS = public.CACHE_SECONDS


class PublicFastPath:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = public.REQUEST_STAMPS.set({})
        try:
            return self._answer(request)
        finally:
            public.REQUEST_STAMPS.reset(token)

    def _answer(self, request: HttpRequest) -> HttpResponse:
        if (request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING")
                or settings.SESSION_COOKIE_NAME in request.COOKIES):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.namespace != "public" or match.url_name not in public.FAST_VIEWS:
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        with translation.override(language):
            found = public.fast_etag(match.url_name, match.kwargs)
        if found is None:
            return self.get_response(request)
        etag, stop = found
        if not stop:
            answer = public.not_modified(request, etag)
            if answer is not None:
                return answer
        key = public.FAST_CACHE_PREFIX + etag
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = hit
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if (response.status_code in (200, 286) and not response.cookies and not response.streaming
                and response.get("ETag") == etag):
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("content-length",)]
            cache.set(key, (response.status_code, headers, response.content), CACHE_SECONDS)
        return response
