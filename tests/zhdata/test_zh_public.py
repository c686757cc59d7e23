"""The viewer's language on the public pages and in the feed (issue 10, part 6): zh-hant pages
and ?lang=zh-hant show 繁體 names, venue and rings; zh-hans 简体; English otherwise. The same
number of queries in every language."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from league import services
from league.models import Entry, Team
from league.services.common import system_actor

pytestmark = pytest.mark.django_db


def _get(client, url, language=None, **extra):
    if language:
        extra["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response


def _queries(client, url, language=None) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        _get(client, url, language)
    return len(queries)


def _drawn_team(season) -> Team:
    """A drawn team whose 繁體 name differs from its 简体 one."""
    return next(e.team for e in Entry.objects.filter(season=season, group__isnull=False)
                .select_related("team") if e.team.name_zh_hant != e.team.name_zh)


# --- pages --------------------------------------------------------------------------------------

def test_groups_page_in_zh_hant_names_teams_in_traditional(client, season):
    team = _drawn_team(season)
    url = reverse("public:groups", args=[season.slug])
    hant = _get(client, url, "zh-hant").content.decode()
    assert f'<span class="tn-zh" lang="zh-Hant">{team.name_zh_hant}</span>' in hant
    assert team.name_en in hant and f">{team.name_zh}<" not in hant
    hans = _get(client, url, "zh-hans").content.decode()
    assert f'<span class="tn-zh" lang="zh">{team.name_zh}</span>' in hans
    assert team.name_zh_hant not in hans


def test_an_edited_traditional_name_shows_not_the_proposal(client, season):
    team = _drawn_team(season)
    proposal = team.name_zh_hant
    services.team_update(team=team, name_zh_hant="鵬城測試隊", actor=system_actor())
    for url in (reverse("public:team", args=[team.slug]), reverse("public:groups", args=[season.slug])):
        html = _get(client, url, "zh-hant").content.decode()
        assert "鵬城測試隊" in html and proposal not in html


def test_season_page_venue_and_city_in_the_page_language(client, season):
    url = reverse("public:season", args=[season.slug])
    assert "深圳灣體育中心" in _get(client, url, "zh-hant").content.decode()
    assert "深圳湾体育中心" in _get(client, url, "zh-hans").content.decode()
    english = _get(client, url, "en").content.decode()
    assert "Shenzhen Bay Sports Center" in english and "深圳湾体育中心" not in english
    assert "純金冠軍腰帶" in _get(client, url, "zh-hant").content.decode()  # the rewards


def test_match_and_schedule_pages_name_the_ring_in_the_page_language(client, season):
    match = season.matches.get(slot="SF1")
    assert match.ring in ("Ring 1", "Ring 2")
    hant_ring = {"Ring 1": "一號擂台", "Ring 2": "二號擂台"}[match.ring]
    html = _get(client, reverse("public:match", args=[season.slug, "SF1"]), "zh-hant").content.decode()
    assert hant_ring in html and match.red.team.name_zh_hant in html
    schedule = _get(client, reverse("public:schedule", args=[season.slug]), "zh-hans").content.decode()
    assert "一号擂台" in schedule


@pytest.mark.parametrize("name", ["public:season", "public:groups", "public:schedule", "public:bracket"])
def test_page_queries_do_not_grow_with_the_language(client, season, name):
    url = reverse(name, args=[season.slug])
    assert _queries(client, url, "zh-hant") == _queries(client, url, "en")


def test_match_page_queries_do_not_grow_with_the_language(client, season):
    url = reverse("public:match", args=[season.slug, "SF1"])
    assert _queries(client, url, "zh-hant") == _queries(client, url, "en")


# --- the feed -----------------------------------------------------------------------------------

def test_feed_lang_picks_names_city_venue_rings_and_rewards(client, season):
    url = reverse("api:season", args=[season.slug])
    plain = _get(client, url).json()
    assert (plain["name"], plain["city"], plain["venue"]) == (
        "Season 1 · Shenzhen", "Shenzhen", "Shenzhen Bay Sports Center")
    hant = _get(client, url + "?lang=zh-hant").json()
    assert (hant["name"], hant["city"], hant["venue"]) == ("第一季 · 深圳", "深圳", "深圳灣體育中心")
    assert hant["rewards"][0]["description"] == "純金冠軍腰帶"
    assert _get(client, url + "?lang=zh-hans").json()["venue"] == "深圳湾体育中心"

    groups = _get(client, reverse("api:groups", args=[season.slug]) + "?lang=zh-hant").json()
    team = groups["groups"][0]["standings"][0]["team"]
    known = Team.objects.get(slug=team["slug"])
    assert team["name"] == known.name_zh_hant
    assert (team["name_en"], team["name_zh"], team["name_zh_hant"]) == (
        known.name_en, known.name_zh, known.name_zh_hant)
    match = _get(client, reverse("api:match", args=[season.slug, "SF1"]) + "?lang=zh-hant").json()
    assert match["ring_name"] in ("一號擂台", "二號擂台") and match["ring"] in ("Ring 1", "Ring 2")


def test_feed_each_language_has_its_own_etag_whatever_accept_language(client, season):
    url = reverse("api:bracket", args=[season.slug])
    etags = {lang: _get(client, url + (f"?lang={lang}" if lang else ""))["ETag"]
             for lang in ("", "en", "zh-hans", "zh-hant")}
    assert etags[""] == etags["en"] and ".any." in etags[""]
    assert ".zh-hant." in etags["zh-hant"] and ".zh-hans." in etags["zh-hans"]
    assert len({etags[""], etags["zh-hans"], etags["zh-hant"]}) == 3
    again = client.get(url + "?lang=zh-hant", HTTP_IF_NONE_MATCH=etags["zh-hant"])
    assert again.status_code == 304
    stale = client.get(url + "?lang=zh-hant", HTTP_IF_NONE_MATCH=etags["zh-hans"])
    assert stale.status_code == 200
    assert "cookie" not in _get(client, url + "?lang=zh-hant").get("Vary", "").lower()
    # Accept-Language is not read: one URL is one document for everyone.
    assert _get(client, url, "zh-hant")["ETag"] == etags[""]
    english_reader = _get(client, url + "?lang=zh-hant", "en")
    assert english_reader["ETag"] == etags["zh-hant"]
    assert english_reader.content == _get(client, url + "?lang=zh-hant", "zh-hans").content


def test_feed_unknown_lang_is_a_json_400(client, season):
    response = client.get(reverse("api:season", args=[season.slug]) + "?lang=fr")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_feed_queries_do_not_grow_with_the_language(client, season):
    for name, args in (("api:groups", [season.slug]), ("api:match", [season.slug, "SF1"]),
                       ("api:season", [season.slug])):
        url = reverse(name, args=args)
        assert _queries(client, url + "?lang=zh-hant") == _queries(client, url + "?lang=en")
