"""Live pages: ETags from the season's version, 304 before any rendering, polling that stops when
the season is finished, the rendered-page cache and the visitor's own CSRF token."""
from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from league import http_cache, services
from league.models import Season
from league.services.common import bump, system_actor
from league.views import public as views
from tests import factories

pytestmark = pytest.mark.django_db


def _poll(client, url, etag=None):
    headers = {"HTTP_HX_REQUEST": "true"}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(url, **headers)


def test_unchanged_poll_answers_304_without_reading_or_rendering(client, knockout,
                                                                  django_assert_num_queries):
    url = reverse("public:bracket_live", args=[knockout.slug])
    first = _poll(client, url)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    with mock.patch.object(views, "render_to_string") as render, django_assert_num_queries(1):
        again = _poll(client, url, first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    render.assert_not_called()


def test_a_service_bump_changes_the_etag_and_the_content(client, knockout):
    url = reverse("public:bracket_live", args=[knockout.slug])
    before = _poll(client, url)
    sf1 = knockout.matches.get(slot="SF1")
    factories.play_match(sf1, winner="blue")
    sf1.refresh_from_db()
    after = _poll(client, url, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    final = re.search(r'<div class="bm[^"]*bm-final.*?</ul>', after.content.decode(), re.S).group(0)
    assert sf1.winner.team.name_en in final  # R14: the winner moved on to the final
    assert sf1.winner.team.name_en not in re.search(
        r'<div class="bm[^"]*bm-final.*?</ul>', before.content.decode(), re.S).group(0)


def test_pages_answer_304_to_their_own_etag_and_200_to_another(client, knockout):
    for name in ("public:season", "public:groups", "public:bracket", "public:schedule"):
        url = reverse(name, args=[knockout.slug])
        page = client.get(url)
        assert page.status_code == 200
        assert client.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"x", {page["ETag"]}').status_code == 304


def test_etag_names_the_language(client, knockout):
    url = reverse("public:bracket", args=[knockout.slug])
    english = client.get(url)
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert english["ETag"] != chinese["ETag"]
    assert '<html lang="zh-hant">' in chinese.content.decode()
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant",
                      HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200
    assert "Accept-Language" in english["Vary"] and "Cookie" in english["Vary"]


def test_running_season_pages_poll_every_5_seconds_with_the_fragment_etag(client, knockout):
    for name in ("public:season", "public:groups", "public:bracket", "public:schedule"):
        html = client.get(reverse(name, args=[knockout.slug])).content.decode()
        live_url = reverse(f"{name}_live", args=[knockout.slug])
        assert f'hx-get="{live_url}"' in html
        # every 5 s while the page's event stream (league.push) is not open
        assert re.search(r'hx-trigger="every 5s[",]', html)
        etag = re.search(r'data-live-etag="([^"]+)"', html).group(1).replace("&quot;", '"')
        assert _poll(client, live_url, etag).status_code == 304


def test_finished_season_stops_polling(client, finished):
    """A finished season's pages do not poll, and a poll still running gets 286 (htmx: stop
    polling) with the final content, even with a current ETag."""
    bracket = client.get(reverse("public:bracket", args=[finished.slug])).content.decode()
    assert "hx-trigger" not in bracket
    url = reverse("public:bracket_live", args=[finished.slug])
    response = _poll(client, url)
    assert response.status_code == 286
    assert "Champion" in response.content.decode()
    assert _poll(client, url, response["ETag"]).status_code == 286


def test_the_last_step_of_a_season_stops_an_open_page_polling(client, knockout):
    url = reverse("public:season_live", args=[knockout.slug])
    running = _poll(client, url)
    assert running.status_code == 200
    from tests.public.conftest import finish

    finish(knockout)
    assert Season.objects.get(pk=knockout.pk).is_finished
    assert _poll(client, url, running["ETag"]).status_code == 286


def test_rendered_once_per_version(client, knockout):
    url = reverse("public:groups", args=[knockout.slug])
    with mock.patch.object(views, "render_to_string", wraps=views.render_to_string) as render:
        client.get(url)
        Client().get(url)
        client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert render.call_count == 2  # English once for both visitors, then Chinese
        bump(knockout)  # what every service does when the public view changes
        client.get(url)
        assert render.call_count == 3


def test_a_query_string_is_neither_cached_nor_served_from_cache(client, knockout):
    url = reverse("public:schedule", args=[knockout.slug])
    with mock.patch.object(views, "render_to_string", wraps=views.render_to_string) as render:
        odd = client.get(url + "?utm=x").content.decode()
        plain = client.get(url).content.decode()
        assert render.call_count == 2
    assert 'value="/seasons/' in plain and "utm=x" not in plain
    assert "utm=x" in odd


def test_public_pages_carry_no_per_visitor_token_so_every_fan_shares_one_page(knockout):
    """Public pages post nothing: no CSRF token, no cookie; two fans get the same bytes."""
    url = reverse("public:bracket", args=[knockout.slug])
    pages = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        html = response.content.decode()
        assert views.CSRF_PLACEHOLDER not in html and "csrfmiddlewaretoken" not in html
        assert not response.cookies
        pages.append(response.content)
        switched = visitor.get(reverse("switch_language"), {"language": "zh-hant", "next": url})
        assert switched.status_code == 302 and switched["Location"] == url
        assert '<html lang="zh-hant">' in visitor.get(url).content.decode()
    assert pages[0] == pages[1]


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.get(reverse("switch_language"),
                          {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "django_language" not in response.cookies


def test_overlay_and_match_fragments_follow_the_match(client, knockout):
    sf1 = knockout.matches.get(slot="SF1")
    live = reverse("public:match_live", args=[knockout.slug, "SF1"])
    overlay = reverse("public:overlay_live", args=[knockout.slug, "SF1"])
    before = {u: _poll(client, u) for u in (live, overlay)}
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="R-9", blue_seal="B-9",
                            actor=system_actor())
    services.match_start(match=sf1, actor=system_actor())
    services.round_record(match=sf1, number=1, data=services.RoundInput(
        winner="blue", method="ko", red_points=5, blue_points=20, red_knockdowns=2), actor=system_actor())
    for url, old in before.items():
        new = _poll(client, url, old["ETag"])
        assert new.status_code == 200
        html = new.content.decode()
        assert "Live" in html or "Round 2" in html
    assert "KD 2" in _poll(client, overlay).content.decode()
    assert "R-9" in _poll(client, live).content.decode()


def test_unknown_season_match_or_team_is_404(client, db):
    assert client.get(reverse("public:bracket", args=["nope"])).status_code == 404
    assert client.get(reverse("public:bracket_live", args=["nope"])).status_code == 404
    season = factories.season_at("registration")
    assert client.get(reverse("public:match", args=[season.slug, "QF9"])).status_code == 404
    assert client.get(reverse("public:team", args=["nobody"])).status_code == 404


def test_public_pages_are_read_only(client, knockout):
    assert client.post(reverse("public:bracket", args=[knockout.slug])).status_code == 405
    assert client.post(reverse("public:home")).status_code == 405


def test_stamp_max_age_lets_a_burst_of_polls_skip_the_query(client, knockout, settings,
                                                            django_assert_num_queries, monkeypatch):
    """Off by default; with PUBLIC_STAMP_MAX_AGE a process reuses a stamp that many seconds."""
    url = reverse("public:bracket_live", args=[knockout.slug])
    etag = _poll(client, url)["ETag"]
    settings.PUBLIC_STAMP_MAX_AGE = 1
    clock = [1000.0]
    monkeypatch.setattr(http_cache.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(1):
        assert _poll(client, url, etag).status_code == 304
    with django_assert_num_queries(0):
        assert _poll(client, url, etag).status_code == 304
    bump(knockout)
    with django_assert_num_queries(0):
        assert _poll(client, url, etag).status_code == 304  # not seen yet: at most 1 s old
    clock[0] += 1.01
    with django_assert_num_queries(5):  # the stamp, then the new version's render (cold)
        fresh = _poll(client, url, etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
