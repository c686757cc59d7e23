"""The JSON feed: every response validates against the OpenAPI document, carries an ETag and
answers 304 to it; the document itself lists exactly the feed's URLs."""
from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, get_resolver, reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from league import openapi, services
from league.models import Entry, Placing
from league.services.common import system_actor
from tests import factories

pytestmark = pytest.mark.django_db

DOC = openapi.document()
REGISTRY = Registry().with_resource(
    "urn:feed", Resource.from_contents(DOC, default_specification=DRAFT202012))


def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"urn:feed#/components/schemas/{schema_name}"},
                                registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_of(path: str) -> str:
    ref = DOC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def feed_urls(season, slot: str, team_slug: str) -> dict[str, str]:
    """OpenAPI path -> a concrete URL."""
    return {
        "/api/v1/": reverse("api:index"),
        "/api/v1/seasons/": reverse("api:seasons"),
        "/api/v1/seasons/{slug}/": reverse("api:season", args=[season.slug]),
        "/api/v1/seasons/{slug}/groups/": reverse("api:groups", args=[season.slug]),
        "/api/v1/seasons/{slug}/bracket/": reverse("api:bracket", args=[season.slug]),
        "/api/v1/seasons/{slug}/matches/": reverse("api:matches", args=[season.slug]),
        "/api/v1/seasons/{slug}/matches/{slot}/": reverse("api:match", args=[season.slug, slot]),
        "/api/v1/seasons/{slug}/teams/": reverse("api:season_teams", args=[season.slug]),
        "/api/v1/teams/": reverse("api:teams"),
        "/api/v1/teams/{slug}/": reverse("api:team", args=[team_slug]),
        "/api/v1/openapi.json": reverse("api:openapi"),
    }


def check_feed(client, season, slot: str, team_slug: str) -> dict[str, dict]:
    bodies = {}
    for path, url in feed_urls(season, slot, team_slug).items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json"
        assert response["ETag"].startswith('W/"')
        body = json.loads(response.content)
        errors = sorted(validator(schema_of(path)).iter_errors(body), key=lambda e: e.path)
        assert not errors, (url, [f"{list(e.path)}: {e.message}" for e in errors[:5]])
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304, url
        bodies[path] = body
    return bodies


def test_the_openapi_document_is_well_formed():
    assert DOC["openapi"].startswith("3.1")
    for name, schema in DOC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        assert name
    for path, item in DOC["paths"].items():
        responses = item["get"]["responses"]
        assert "ETag" in responses["200"]["headers"], path
        assert "304" in responses, path
        validator(schema_of(path))  # the reference resolves


def test_openapi_paths_are_exactly_the_feed_urls():
    api = get_resolver().url_patterns
    prefix = next(p for p in api if getattr(p, "namespace", None) == "api")
    routes = {"/api/v1/" + str(p.pattern).replace("<slug:slug>", "{slug}").replace("<slot:slot>", "{slot}")
              for p in prefix.url_patterns if isinstance(p, URLPattern)}
    assert routes == set(DOC["paths"])


@pytest.mark.parametrize("state", ["registration", "group_stage"])
def test_feed_validates_early_in_a_season(client, state):
    season = factories.season_at(state)
    slot = "A1"
    if not season.matches.exists():
        team = factories.catalogue_team(0)
        factories.EntryFactory(season=season, team=team, status=Entry.Status.QUALIFIED)
        bodies = {}
        for path, url in feed_urls(season, slot, team.slug).items():
            if "{slot}" in path:
                assert client.get(url).status_code == 404
                continue
            response = client.get(url)
            body = json.loads(response.content)
            assert not list(validator(schema_of(path)).iter_errors(body)), url
            bodies[path] = body
        assert bodies["/api/v1/seasons/{slug}/bracket/"]["drawn"] is False
        return
    bodies = check_feed(client, season, slot,
                        season.entries.filter(status=Entry.Status.QUALIFIED).first().team.slug)
    groups = bodies["/api/v1/seasons/{slug}/groups/"]["groups"]
    assert [g["name"] for g in groups] == ["A", "B", "C", "D"]
    assert all(len(g["standings"]) == 4 for g in groups)


def test_feed_validates_with_a_live_match_and_a_replacement(client, knockout):
    sf1 = knockout.matches.get(slot="SF1")
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="X1", blue_seal="X2",
                            actor=system_actor())
    services.match_start(match=sf1, actor=system_actor())
    services.round_record(match=sf1, number=1, data=services.RoundInput(
        winner="red", method="points", red_points=12, blue_points=4), actor=system_actor())
    bodies = check_feed(client, knockout, "SF1", sf1.red.team.slug)
    match = bodies["/api/v1/seasons/{slug}/matches/{slot}/"]
    assert match["status"] == "live" and match["red"]["rounds_won"] == 1
    assert match["red"]["replacement"]["new_robot"]["role"] == "backup"  # R4
    assert match["red"]["robot"]["role"] == "backup"  # R5: fights with the backup
    assert match["red"]["team"]["name_zh"] == sf1.red.team.name_zh
    bracket = bodies["/api/v1/seasons/{slug}/bracket/"]
    final = next(s for s in bracket["slots"] if s["slot"] == "F")
    assert final["red"] == {"team": None, "waiting_for": "Winner of SF1", "rounds_won": 0}
    assert next(s for s in bracket["slots"] if s["slot"] == "SF1")["winner_to"] == {
        "slot": "F", "corner": "red"}


def test_feed_validates_for_a_finished_season(client, finished):
    champion = Placing.objects.get(season=finished, place=1).entry.team
    bodies = check_feed(client, finished, "F", champion.slug)
    assert bodies["/api/v1/seasons/{slug}/bracket/"]["champion"]["slug"] == champion.slug
    season = bodies["/api/v1/seasons/{slug}/"]
    assert [p["place"] for p in season["placings"]] == [1, 2, 3, 4, 5, 5, 5, 5]  # R15
    assert season["placings"][0]["reward"] == {"description": "Pure-gold championship belt",
                                               "value": "10000000.00", "currency": "CNY"}
    matches = bodies["/api/v1/seasons/{slug}/matches/"]["matches"]
    assert len(matches) == 24 + 8
    assert all(m["rounds"] for m in matches if m["status"] == "finished")
    team = bodies["/api/v1/teams/{slug}/"]
    assert team["seasons"][0]["place"] == 1


def test_r12_feed_standings_name_the_separating_rule(client, knockout):
    groups = client.get(reverse("api:groups", args=[knockout.slug])).json()["groups"]
    rows = [row for g in groups for row in g["standings"]]
    assert all(row["separated_by"] is None for g in groups for row in g["standings"][-1:])
    assert {row["separated_by"] for row in rows} - {None} <= set(openapi.CRITERIA)
    assert any(row["separated_by"] not in (None, "points") for row in rows)


def test_feed_etag_changes_when_a_service_changes_the_season(client, knockout):
    url = reverse("api:bracket", args=[knockout.slug])
    first = client.get(url)
    factories.play_match(knockout.matches.get(slot="SF2"), winner="red")
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert second.json()["slots"] != first.json()["slots"]


def test_feed_etag_does_not_depend_on_the_language(client, knockout):
    url = reverse("api:season", args=[knockout.slug])
    english = client.get(url)
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert english["ETag"] == chinese["ETag"] and english.content == chinese.content


def test_feed_errors_are_json_404(client, db):
    for url in (reverse("api:season", args=["nope"]), reverse("api:team", args=["nope"]),
                reverse("api:match", args=["nope", "F"])):
        response = client.get(url)
        assert response.status_code == 404
        assert not list(validator("Error").iter_errors(response.json()))


def test_feed_is_read_only_and_open_to_other_sites(client, knockout):
    url = reverse("api:seasons")
    assert client.post(url).status_code == 405
    assert client.get(url)["Access-Control-Allow-Origin"] == "*"
