"""Findings 2 (user names) and 5 (private data in public) of issue 11.

Public pages and the feed show only failure reports the referee panel decided, only entries a
team made public by qualifying for the main event (docs/rules.md, "What is public"), and
referees by display name, never by the user name they sign in with."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .conftest import APPLICANT_MEMBER, APPLICANT_ROBOT, PENDING_TEXT, REJECTED_TEXT

pytestmark = pytest.mark.django_db


def get(client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, args, response.status_code)
    return response.content.decode()


def feed(client, name: str, *args) -> dict:
    return json.loads(get(client, name, *args))


# --- failure reports: decided only -----------------------------------------------------------------

def test_r4_match_page_hides_a_pending_failure_report(client, world):
    html = get(client, "public:match", world["season"].slug, "SF1")
    assert PENDING_TEXT not in html
    assert REJECTED_TEXT in html  # decided by the panel: public, with its decision


def test_r4_match_live_fragment_hides_a_pending_failure_report(client, world):
    assert PENDING_TEXT not in get(client, "public:match_live", world["season"].slug, "SF1")


def test_r4_match_feed_hides_a_pending_failure_report(client, world):
    data = feed(client, "api:match", world["season"].slug, "SF1")
    assert {f["status"] for f in data["failures"]} <= {"approved", "rejected"}
    assert PENDING_TEXT not in json.dumps(data, ensure_ascii=False)
    assert REJECTED_TEXT in json.dumps(data, ensure_ascii=False)


def test_r4_team_page_and_feed_hide_a_pending_failure_report(client, world):
    sf1 = world["season"].matches.get(slot="SF1")
    for team in (sf1.red.team, sf1.blue.team):
        html = get(client, "public:team", team.slug)
        assert PENDING_TEXT not in html and "under review" not in html
        assert PENDING_TEXT not in get(client, "api:team", team.slug)


# --- entries: qualified only -------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["only-applied", "turned-down"])
def test_r2_team_page_of_an_applicant_that_never_qualified_is_not_found(client, world, slug):
    assert client.get(reverse("public:team", args=[slug])).status_code == 404


@pytest.mark.parametrize("slug", ["only-applied", "turned-down"])
def test_r2_team_feed_of_an_applicant_that_never_qualified_is_not_found(client, world, slug):
    assert client.get(reverse("api:team", args=[slug])).status_code == 404


def test_r2_teams_feed_lists_only_teams_that_qualified(client, world):
    slugs = {t["slug"] for t in feed(client, "api:teams")["teams"]}
    assert world["sf1_red_team"] in slugs
    assert not slugs & {"only-applied", "turned-down"}
    counts = {t["slug"]: t["seasons"] for t in feed(client, "api:teams")["teams"]}
    assert counts[world["sf1_red_team"]] == 1  # its application to the next season is not counted


def test_r2_season_teams_feed_lists_only_qualified_entries(client, world):
    data = feed(client, "api:season_teams", world["auditions"].slug)
    assert data["teams"] == []
    text = json.dumps(data, ensure_ascii=False)
    assert APPLICANT_MEMBER not in text and APPLICANT_ROBOT not in text
    main = feed(client, "api:season_teams", world["season"].slug)["teams"]
    assert len(main) == 16 and {t["status"] for t in main} == {"qualified"}


def test_r2_team_page_and_feed_hide_an_application_to_a_later_season(client, world):
    html = get(client, "public:team", world["sf1_red_team"])
    assert world["auditions"].name not in html and world["season"].name in html
    seasons = [s["season"] for s in feed(client, "api:team", world["sf1_red_team"])["seasons"]]
    assert seasons == [world["season"].slug]


def test_r2_season_pages_of_a_season_in_auditions_name_no_applicant(client, world):
    slug = world["auditions"].slug
    for name in ("public:season", "public:groups", "public:bracket", "public:schedule"):
        html = get(client, name, slug)
        assert APPLICANT_MEMBER not in html and APPLICANT_ROBOT not in html
    for name in ("api:season", "api:groups", "api:bracket", "api:matches"):
        text = get(client, name, slug)
        assert APPLICANT_MEMBER not in text and APPLICANT_ROBOT not in text


# --- referees: display names -------------------------------------------------------------------------

def test_r7_match_page_and_feed_name_referees_by_display_name(client, world):
    sf1 = world["season"].matches.get(slot="SF1")
    html = get(client, "public:match", world["season"].slug, "SF1")
    data = feed(client, "api:match", world["season"].slug, "SF1")
    named = get_user_model().objects.get(pk=world["referee"])
    assert "Mei Chan" in html and "Mei Chan" in data["referees"]
    for referee in sf1.referees.all():
        assert f">{referee.get_username()}<" not in html
        assert referee.get_username() not in data["referees"]
    assert len(data["referees"]) == sf1.referees.count() == 2
    unnamed = [name for name in data["referees"] if name != named.get_full_name()]
    assert all(name.startswith("Referee ") for name in unnamed)
