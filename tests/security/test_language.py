"""Finding 8 (the /lang/ part) of issue 11: another site cannot switch a visitor's language with
a top-level navigation; a link on our own pages still does; the cookie is SameSite=Lax."""
from __future__ import annotations

import pytest
from django.conf import settings

URL = "/lang/?language=zh-hans&next=/teams/x/"


def cookie(response):
    return response.cookies.get(settings.LANGUAGE_COOKIE_NAME)


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "cross-site"},
    {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_REFERER": "http://testserver/"},  # metadata wins
    {"HTTP_REFERER": "https://evil.example/page"},
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
], ids=["fetch-metadata", "metadata-over-referer", "referer", "origin", "sandboxed"])
def test_a_cross_site_navigation_does_not_change_the_language(client, headers):
    response = client.get(URL, **headers)
    assert response.status_code == 302 and response["Location"] == "/teams/x/"
    assert cookie(response) is None


@pytest.mark.parametrize("headers", [
    {"HTTP_SEC_FETCH_SITE": "same-origin"},
    {"HTTP_SEC_FETCH_SITE": "same-site"},
    {"HTTP_SEC_FETCH_SITE": "none"},
    {"HTTP_REFERER": "http://testserver/seasons/s/"},
    {},
], ids=["same-origin", "same-site", "typed", "referer", "no-header"])
def test_a_link_on_our_pages_changes_the_language_with_a_lax_cookie(client, headers):
    response = client.get(URL, **headers)
    assert response.status_code == 302 and response["Location"] == "/teams/x/"
    set_cookie = cookie(response)
    assert set_cookie.value == "zh-hans"
    assert set_cookie["samesite"] == "Lax"


def test_django_set_language_cookie_is_lax_too(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert cookie(response)["samesite"] == "Lax"
