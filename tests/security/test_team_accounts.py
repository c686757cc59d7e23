"""The permission matrix gains the team manager (issue 10): a team account reaches no admin
page, no referee page and no other team's private page or file; a refused post saves nothing."""
from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, reverse

from league.models import AuditEvent, Entry, Robot, TeamManager
from league.services import teamsite
from league.urls import referee as referee_urls
from league.urls import teamsite as teamsite_urls
from tests import factories

pytestmark = pytest.mark.django_db


def team_account(email: str):
    user = get_user_model().objects.create_user(email.split("@")[0], email, "Team-pass-2026!")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def two_teams(db):
    """A group-stage season; one team managed by ``mine``, another by someone else."""
    season = factories.season_at("group_stage")
    first, second = season.entries.filter(status="qualified").select_related("team")[:2]
    mine, theirs = team_account("mine@team.example"), team_account("theirs@team.example")
    TeamManager.objects.create(user=mine, team=first.team)
    TeamManager.objects.create(user=theirs, team=second.team)
    return {"season": season, "mine": mine, "my_entry": first, "their_entry": second}


def admin_urls(season) -> list[str]:
    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    from tests.admin_site.test_permissions import ORGANIZER_PAGES, VIEW_PAGES

    urls += [f"/admin/league/season/{season.pk}/{page}" for page in ORGANIZER_PAGES + VIEW_PAGES]
    urls.append(reverse("admin:league_entry_change", args=[season.entries.first().pk]))
    return urls


def test_a_team_manager_reaches_no_admin_page(client, two_teams):
    client.force_login(two_teams["mine"])
    for url in admin_urls(two_teams["season"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_a_team_manager_reaches_no_referee_page_and_posts_nothing(client, two_teams):
    client.force_login(two_teams["mine"])
    match = two_teams["season"].matches.filter(red=two_teams["my_entry"]).first() or \
        two_teams["season"].matches.first()
    before = AuditEvent.objects.count()
    for pattern in referee_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in ("login", "logout"):
            continue
        kwargs = {"pk": match.pk} if "pk" in pattern.pattern.converters else {}
        url = reverse(f"referee:{pattern.name}", kwargs=kwargs)
        read = pattern.name in ("home", "match", "poll", "failures", "clock")
        response = client.get(url) if read else client.post(url, {})
        assert response.status_code == 403, (pattern.name, response.status_code)
    assert AuditEvent.objects.count() == before


def test_a_team_manager_opens_no_other_teams_private_page_or_file(client, two_teams):
    theirs = two_teams["their_entry"]
    robot = Robot.objects.filter(entry=theirs).first()
    client.force_login(two_teams["mine"])
    slug = theirs.team.slug
    skip = {"home", "apply", "invitation", "calendar", "proof", "robot_photo"}
    args_for = {"team": [slug], "reapply": [slug, two_teams["season"].slug],
                "roster": [slug, theirs.pk], "robot_add": [slug, theirs.pk], "withdraw": [slug, theirs.pk],
                "robot_remove": [slug, robot.pk], "invite": [slug], "manager_remove": [slug, 1],
                "invitation_revoke": [slug, 1], "calendar_renew": [slug], "calendar_revoke": [slug]}
    names = {p.name for p in teamsite_urls.urlpatterns} - skip
    assert names == set(args_for), "a new URL of the teams' site needs a row in this matrix"
    before = AuditEvent.objects.count()
    for name, args in args_for.items():
        url = reverse(f"teamsite:{name}", args=args)
        response = client.get(url) if name == "team" else client.post(url, {"reason": "x", "email": "a@b.c"})
        assert response.status_code == 404, (name, response.status_code)
    assert client.get(reverse("teamsite:proof", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("teamsite:robot_photo", args=[robot.pk])).status_code == 404
    assert AuditEvent.objects.count() == before
    assert Entry.objects.get(pk=theirs.pk).status == "qualified"


def test_a_calendar_token_opens_only_its_own_team(client, two_teams):
    feed = teamsite.calendar_feed_renew(team=two_teams["my_entry"].team, actor=two_teams["mine"])
    assert client.get(reverse("teamsite:calendar", args=[feed.token + "x"])).status_code == 404
    body = client.get(reverse("teamsite:calendar", args=[feed.token])).content.decode()
    assert two_teams["my_entry"].team.name_en in body


def test_referee_and_organizer_accounts_are_not_team_accounts(client, people):
    for who in ("organizer", "head", "ref1"):
        client.force_login(people[who])
        assert client.get(reverse("teamsite:home")).status_code == 403, who
