"""Edge-cacheable public responses (issue 12): anonymous pages, fragments and the feed are
shared-cacheable for a second or two while a season runs (longer once it is finished) and say
what they vary on; signed-in and staff responses are private. The caching is declared on the
view (league/http_cache.py), not listed by hand."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from league import http_cache
from tests import factories

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    out = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        out[name] = value
    return out


def test_live_season_page_fragment_and_feed_are_shared_for_at_most_two_seconds(client, knockout):
    for url in (reverse("public:bracket", args=[knockout.slug]),
                reverse("public:bracket_live", args=[knockout.slug]),
                reverse("api:bracket", args=[knockout.slug])):
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        for response in (first, again):  # a 304 repeats the 200's caching headers
            cc = directives(response)
            assert "public" in cc and "private" not in cc, url
            assert 0 < int(cc["s-maxage"]) <= 2 and int(cc["max-age"]) <= 2, url
            assert int(cc["stale-while-revalidate"]) >= 1, url


def test_finished_season_is_shared_longer(client, finished):
    cc = directives(client.get(reverse("public:bracket", args=[finished.slug])))
    assert "public" in cc and int(cc["s-maxage"]) >= 60 and int(cc["stale-while-revalidate"]) >= 60


def test_pages_vary_on_language_and_cookie_and_the_feed_does_not_vary_on_cookie(client, knockout):
    page = client.get(reverse("public:bracket", args=[knockout.slug]))
    vary = {v.strip().lower() for v in page["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    feed = client.get(reverse("api:bracket", args=[knockout.slug]))
    assert "cookie" not in feed.get("Vary", "").lower()
    assert client.get(reverse("api:bracket", args=[knockout.slug]),
                      HTTP_IF_NONE_MATCH=feed["ETag"]).get("Vary") is None


def test_signed_in_visitors_get_private_responses(client, knockout):
    url = reverse("public:bracket", args=[knockout.slug])
    Client().get(url)  # an anonymous copy is cached: a signed-in visitor must not get its headers
    client.force_login(factories.UserFactory(username="fan-staff"))
    for response in (client.get(url), client.get(reverse("api:bracket", args=[knockout.slug]))):
        cc = directives(response)
        assert "private" in cc and "public" not in cc


def test_staff_pages_and_undeclared_views_are_private(client, referee):
    assert "private" in directives(client.get(reverse("referee:login")))
    client.force_login(referee)
    assert "private" in directives(client.get(reverse("referee:home")))


def test_every_public_live_url_declares_its_caching():
    """No list kept by hand: each public page and fragment, and each feed endpoint, carries its
    declaration, which the fast path reads from the resolved view."""
    resolver = get_resolver()
    names = []
    for top in resolver.url_patterns:
        if isinstance(top, URLResolver) and top.namespace in ("public", "api"):
            for pattern in top.url_patterns:
                assert isinstance(pattern, URLPattern)
                if pattern.name == "healthz":
                    continue
                assert http_cache.declaration_of(pattern.callback) is not None, pattern.name
                names.append(pattern.name)
    assert {"bracket", "bracket_live", "overlay_live", "team", "openapi"} <= set(names)
