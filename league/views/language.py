"""The language switch: a plain GET link, so pages carry no per-visitor token and can be cached.

A GET that changes state must not be driven by another site: a cross-site navigation (a link or
a redirect from elsewhere, ``Sec-Fetch-Site: cross-site``; for browsers without fetch metadata,
an Origin or Referer naming another host) goes on to ``next`` without changing the language.
A link on our own pages, a bookmark or a typed address changes it. The cookie is SameSite=Lax
(settings.LANGUAGE_COOKIE_SAMESITE).
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_safe

OUR_SITE = {"same-origin", "same-site", "none"}  # "none": typed, bookmarked, opened by the user


def from_our_site(request: HttpRequest) -> bool:
    """Did this navigation start on our site (or with the user, not another site)?"""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in OUR_SITE
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return not source  # nothing said: a typed address; "null" Origin: a sandboxed page
    return url_has_allowed_host_and_scheme(source, allowed_hosts={request.get_host()})


@require_safe
def switch_language(request: HttpRequest) -> HttpResponseRedirect:
    """Set the language cookie and go back to ``next`` (a local URL only)."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.GET.get("language", "")
    if (language in dict(settings.LANGUAGES) and check_for_language(language)
            and from_our_site(request)):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
