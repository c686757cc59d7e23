"""Every public page, live fragment and feed endpoint reads a fixed number of queries, the same
with one season as with twenty seasons of history (the house rule for public reads).

Three counts per URL: cold (nothing cached: the stamp, the season and the selector's reads),
warm (the rendered body is cached for this version: the stamp only) and the 304 of an
unchanged poll (the stamp only, nothing rendered).
"""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from league import services
from league.models import Entry, Match, Season
from league.services.common import system_actor
from tests import factories
from tests.public.conftest import finish, knockout_with_replacement
from tests.public.history import build_history

# (url name, kind of arguments, queries with a cold cache)
PAGES = [
    ("public:home", "none", 3),
    ("public:season", "season", 6),
    ("public:season_live", "season", 6),
    ("public:groups", "season", 7),
    ("public:groups_live", "season", 7),
    ("public:bracket", "season", 5),
    ("public:bracket_live", "season", 5),
    ("public:schedule", "season", 3),
    ("public:schedule_live", "season", 3),
    ("public:schedule_day", "day", 3),
    ("public:schedule_day_live", "day", 3),
    # + the estimated start of a match not over (selectors/rings), + its protests (R18)
    ("public:match", "match", 10),
    ("public:match_live", "match", 10),
    ("public:overlay", "match", 3),
    ("public:overlay_live", "match", 3),
    ("public:team", "team", 7),
    ("api:index", "none", 1),
    ("api:seasons", "none", 3),
    ("api:season", "season", 6),
    ("api:groups", "season", 7),
    ("api:bracket", "season", 5),
    ("api:matches", "season", 4),
    ("api:match", "match", 9),  # + its protests (R18)
    ("api:season_teams", "season", 5),
    ("api:teams", "none", 2),
    ("api:team", "team", 7),
]


def _league(state: str, seasons: int):
    """One season, ``state``: "finished" (with a replacement) or "live" (knockout, SF2 running);
    with ``seasons`` > 1, the league also has that many minus one finished seasons of history."""
    season = knockout_with_replacement()
    if state == "finished":
        finish(season)
        slot = "SF1"
    else:
        slot = "SF2"
        sf2 = season.matches.get(slot=slot)
        services.match_check_in(match=sf2, red_robot=services.active_robot(sf2.red),
                                blue_robot=services.active_robot(sf2.blue), red_seal="L1",
                                blue_seal="L2", actor=system_actor())
        services.match_start(match=sf2, actor=system_actor())
        assert season.matches.filter(status=Match.Status.LIVE).count() == 1
    if seasons > 1:
        source = season if state == "finished" else finish(knockout_with_replacement(slug="old"))
        build_history(source, seasons - (1 if state == "finished" else 2) + 1)
    assert Season.objects.count() == seasons
    season.refresh_from_db()
    return season, slot


def _args(kind: str, season, team_slug: str, slot: str):
    return {"none": [], "season": [season.slug], "day": [season.slug, 1],
            "match": [season.slug, slot],
            "team": [team_slug]}[kind]


@pytest.mark.parametrize("seasons", [1, 20])
@pytest.mark.parametrize("state", ["finished", "live"])
def test_every_public_read_has_a_fixed_number_of_queries(state, seasons, client, db,
                                                          django_assert_num_queries):
    season, slot = _league(state, seasons)
    team_slug = season.matches.get(slot=slot).red.team.slug  # entered every season
    assert Entry.objects.filter(team__slug=team_slug).count() == seasons
    for name, kind, cold in PAGES:
        url = reverse(name, args=_args(kind, season, team_slug, slot))
        # A finished season's live fragments answer 286 (stop polling), with their content.
        ok, unchanged = (286, 286) if state == "finished" and name.endswith("_live") else (200, 304)
        cache.clear()
        with django_assert_num_queries(cold, info=url):
            response = client.get(url)
        assert response.status_code == ok, url
        with django_assert_num_queries(1, info=f"{url} (cached)"):
            assert client.get(url).status_code == ok
        with django_assert_num_queries(1, info=f"{url} (If-None-Match)"):
            assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == unchanged


def test_openapi_and_healthz_read_nothing(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert client.get(reverse("api:openapi")).status_code == 200
        assert client.get(reverse("public:healthz")).status_code == 200


def test_team_page_spans_every_season_of_history(client, db):
    finished = finish(knockout_with_replacement())
    build_history(finished, 5)
    team = factories.catalogue_team(0)
    entered = team.entries.count()
    assert entered == 5
    html = client.get(reverse("public:team", args=[team.slug])).content.decode()
    assert html.count('class="panel team-season"') == entered
