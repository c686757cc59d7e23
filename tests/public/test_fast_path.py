"""league.http_cache.PublicFastPath: unchanged polls and cached pages cost one query and skip
sessions, auth and CSRF; what they return equals what the full stack returns."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from league.services.common import bump
from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_unchanged_poll_is_one_query_and_touches_no_session(client, knockout,
                                                            django_assert_num_queries):
    url = reverse("public:bracket_live", args=[knockout.slug])
    first = client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(1):
        again = client.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert not again.cookies and not hasattr(again.wsgi_request, "session")


def test_cached_page_is_one_query_and_identical_to_the_full_render(client, knockout,
                                                                   django_assert_num_queries):
    url = reverse("public:bracket", args=[knockout.slug])
    full = client.get(url)
    assert full.status_code == 200
    with django_assert_num_queries(1):
        cached = Client().get(url)
    assert cached.content == full.content
    for header in ("ETag", "Content-Security-Policy", "Content-Type", "Vary", "X-Frame-Options"):
        assert cached[header] == full[header]
    assert not hasattr(cached.wsgi_request, "session")


def test_a_new_version_is_rendered_again_not_served_stale(client, knockout):
    url = reverse("public:bracket", args=[knockout.slug])
    before = client.get(url)
    bump(knockout)
    after = Client().get(url)
    assert after["ETag"] != before["ETag"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_each_language_has_its_own_cached_page(client, knockout):
    url = reverse("public:bracket", args=[knockout.slug])
    english = client.get(url)
    chinese = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert english["ETag"] != chinese["ETag"]


def test_signed_in_visitors_and_query_strings_take_the_full_stack(client, knockout, db):
    url = reverse("public:bracket", args=[knockout.slug])
    client.get(url)
    user = factories.UserFactory(username="fan-staff")
    client.force_login(user)
    assert hasattr(client.get(url).wsgi_request, "session")
    assert hasattr(Client().get(url + "?x=1").wsgi_request, "session")


def test_unknown_season_falls_through_to_a_404(client, db):
    assert client.get(reverse("public:bracket", args=["no-such-season"])).status_code == 404


def test_fast_path_refuses_a_host_outside_allowed_hosts(client, knockout, settings):
    """Issue 11 item 7: a cached page is not served for any Host (the stack's check, first)."""
    url = reverse("public:bracket", args=[knockout.slug])
    poll = reverse("public:bracket_live", args=[knockout.slug])
    etag = client.get(poll)["ETag"]
    assert client.get(url).status_code == 200  # cached now
    settings.ALLOWED_HOSTS = ["league.example"]
    assert Client().get(url, HTTP_HOST="evil.example").status_code == 400
    assert Client().get(poll, HTTP_HOST="evil.example", HTTP_IF_NONE_MATCH=etag).status_code == 400
    assert Client().get(url, HTTP_HOST="league.example").status_code == 200
