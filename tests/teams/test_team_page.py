"""The team's private page during the season: schedule in the season's time zone (the viewer's
added by static JS), matches and results, failure reports and the replacement, place and
reward; a private, revocable iCalendar link. Private caching, fixed query count."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league.models import Entry, TeamManager
from league.services import teamsite
from tests import factories
from tests.public.conftest import knockout_with_replacement

from .conftest import team_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_team(db):
    """The champion of a finished season, with a manager."""
    season = factories.season_at("finished")
    entry = Entry.objects.select_related("team").get(season=season, placing__place=1)
    user = team_account("champ@team.example")
    TeamManager.objects.create(user=user, team=entry.team)
    return entry, user


def test_team_page_shows_schedule_results_place_and_reward(client, finished_team):
    entry, user = finished_team
    client.force_login(user)
    page = client.get(reverse("teamsite:team", args=[entry.team.slug]))
    assert page.status_code == 200
    text = page.text
    assert "data-viewer-time" in text and entry.season.time_zone in text
    assert "public.js" in text and "<script>" not in text  # no inline script (CSP)
    assert entry.placing.reward_description in text
    assert ">Won<" in text
    assert page["Cache-Control"] == "private, no-cache" or (
        "private" in page["Cache-Control"] and "public" not in page["Cache-Control"])


def test_team_page_shows_failure_reports_and_the_replacement(client):
    season = knockout_with_replacement(slug="ts-ko", name="TS KO")
    entry = Entry.objects.select_related("team").get(season=season, replacement__isnull=False)
    user = team_account("rep@team.example")
    TeamManager.objects.create(user=user, team=entry.team)
    client.force_login(user)
    text = client.get(reverse("teamsite:team", args=[entry.team.slug])).text
    assert "Approved" in text and "The backup robot fights" in text


def test_team_page_reads_in_a_fixed_number_of_queries(client, finished_team, django_assert_num_queries):
    entry, user = finished_team
    client.force_login(user)
    url = reverse("teamsite:team", args=[entry.team.slug])
    client.get(url)
    with django_assert_num_queries(14):
        client.get(url)
    # a second season does not add queries
    factories.apply_team(factories.season_at("registration", applicants=0, slug="next"), entry.team, 3)
    with django_assert_num_queries(14):
        client.get(url)


def test_another_teams_page_is_not_found(client, finished_team, applied):
    _entry, user = finished_team
    client.force_login(user)
    assert client.get(reverse("teamsite:team", args=[applied.team.slug])).status_code == 404
    assert client.get(reverse("teamsite:proof", args=[applied.pk])).status_code == 404
    response = client.post(reverse("teamsite:withdraw", args=[applied.team.slug, applied.pk]),
                           {"reason": "x"})
    assert response.status_code == 404
    applied.refresh_from_db()
    assert applied.status == "applied"


def test_proof_is_served_to_the_managers_and_organizers_only(client, applied, ana, organizer):
    url = reverse("teamsite:proof", args=[applied.pk])
    assert client.get(url).status_code == 302  # anonymous: to the sign-in
    client.force_login(ana)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    client.force_login(organizer)
    assert client.get(url).status_code == 200
    client.force_login(team_account("eve@evil.example"))
    assert client.get(url).status_code == 404


def test_calendar_link_is_secret_revocable_and_renewable(client, finished_team):
    entry, user = finished_team
    feed = teamsite.calendar_feed_renew(team=entry.team, actor=user)
    url = reverse("teamsite:calendar", args=[feed.token])
    response = client.get(url)  # no session: the token is the key
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == entry.season.matches.filter(
        red__team=entry.team).count() + entry.season.matches.filter(blue__team=entry.team).count()
    assert "public" not in response["Cache-Control"]
    renewed = teamsite.calendar_feed_renew(team=entry.team, actor=user)
    assert client.get(url).status_code == 404
    teamsite.calendar_feed_revoke(team=entry.team, actor=user)
    assert client.get(reverse("teamsite:calendar", args=[renewed.token])).status_code == 404


def test_the_audition_result_and_reason_are_shown(client, db):
    season = factories.season_at("registration", applicants=0, slug="aud")
    entry = factories.apply_team(season, factories.TeamFactory(), 1)
    user = team_account("aud@team.example")
    TeamManager.objects.create(user=user, team=entry.team)
    from league import services
    from league.services.common import system_actor

    services.season_registration_close(season=season, actor=system_actor())
    services.entry_audition(entry=entry, passed=False, reason="Fell twice in the balance test",
                            actor=system_actor())
    client.force_login(user)
    text = client.get(reverse("teamsite:team", args=[entry.team.slug])).text
    assert "Audition rejected" in text and "Fell twice in the balance test" in text
