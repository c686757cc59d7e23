"""Roles: only the organizer runs the season from the admin. A head referee or referee is not
admin staff; one who was made staff by mistake sees only what their group may view and can run
no organizer's action. Anonymous visitors are sent to the login page."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league.admin.phase import ACTIONS
from league.models import AuditEvent, Entry, Season
from tests import factories

from .helpers import auditions_season, phase_url

pytestmark = pytest.mark.django_db

ORGANIZER_PAGES = [f"phase/{slug}/" for slug in ACTIONS] + ["phase/record-lots/", "import/"]
VIEW_PAGES = ["draw/", "rewards/", "export/schedule-csv/", "export/schedule-ics/", "export/results-csv/",
              "export/places-csv/"]


def url(season, page):
    return f"/admin/league/season/{season.pk}/{page}"


@pytest.fixture
def season_with_applications(db):
    season = factories.SeasonFactory()
    for i in range(2):
        factories.apply_team(season, factories.catalogue_team(i), i)
    return season


def statuses(client, season, pages) -> dict[str, int]:
    return {page: client.get(url(season, page)).status_code for page in pages}


def test_organizer_opens_every_page(org, season_with_applications):
    assert set(statuses(org, season_with_applications, ORGANIZER_PAGES + VIEW_PAGES).values()) == {200}


@pytest.mark.parametrize("who", [None, "ref1", "head"])
def test_anonymous_referee_and_head_referee_are_sent_to_the_login(as_role, season_with_applications, who):
    client = as_role(who)
    for page in ORGANIZER_PAGES + VIEW_PAGES:
        response = client.get(url(season_with_applications, page))
        assert response.status_code == 302, page
        assert response.url.startswith(reverse("admin:login")), page


def test_head_referee_made_staff_cannot_open_an_organizers_page(client, staff_head_referee,
                                                                 season_with_applications):
    client.force_login(staff_head_referee)
    assert set(statuses(client, season_with_applications, ORGANIZER_PAGES).values()) == {403}


def test_head_referee_made_staff_may_view_what_the_group_views(client, staff_head_referee,
                                                               season_with_applications):
    client.force_login(staff_head_referee)
    assert set(statuses(client, season_with_applications, VIEW_PAGES).values()) == {200}


def test_head_referee_made_staff_cannot_confirm_a_phase_action(client, staff_head_referee,
                                                               season_with_applications):
    client.force_login(staff_head_referee)
    events = AuditEvent.objects.count()
    for slug in ACTIONS:
        response = client.post(phase_url(season_with_applications, slug), {"_confirm": "1", "seed": "1"})
        assert response.status_code == 403, slug
    lots = client.post(url(season_with_applications, "phase/record-lots/"), {"lots-group": "A"})
    assert lots.status_code == 403
    season_with_applications.refresh_from_db()
    assert season_with_applications.phase == Season.Phase.REGISTRATION
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", [None, "ref1", "head"])
def test_confirming_needs_a_login(as_role, season_with_applications, who):
    response = as_role(who).post(phase_url(season_with_applications, "close-registration"), {"_confirm": "1"})
    assert response.status_code == 302
    season_with_applications.refresh_from_db()
    assert season_with_applications.phase == Season.Phase.REGISTRATION


@pytest.mark.parametrize("action", ["approve_auditions", "reject_auditions", "qualify", "withdraw"])
def test_entry_actions_are_the_organizers(client, staff_head_referee, action):
    season = auditions_season(applicants=3, passed=0, qualify=0)
    entry = season.entries.first()
    client.force_login(staff_head_referee)
    changelist = client.get(reverse("admin:league_entry_changelist"))
    assert changelist.status_code == 200  # the group may view entries...
    assert f'value="{action}"' not in changelist.content.decode()  # ...but gets no action
    response = client.post(reverse("admin:league_entry_changelist"),
                           {"action": action, "_selected_action": [entry.pk], "apply": "1",
                            "reason": "No"})
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPLIED
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("action", ["approve_auditions", "reject_auditions", "qualify", "withdraw"])
@pytest.mark.parametrize("who", [None, "ref1", "head"])
def test_entry_actions_need_a_staff_login(as_role, action, who):
    season = auditions_season(applicants=3, passed=0, qualify=0)
    entry = season.entries.first()
    response = as_role(who).post(reverse("admin:league_entry_changelist"),
                                 {"action": action, "_selected_action": [entry.pk], "apply": "1",
                                  "reason": "No"})
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPLIED


def test_head_referee_made_staff_sees_only_the_models_the_group_views(client, staff_head_referee):
    client.force_login(staff_head_referee)
    index = client.get(reverse("admin:index"))
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert {"Season", "Entry", "Match", "FailureReport", "AuditEvent"} <= models
    assert not models & {"Placing", "User", "Group"}
    assert client.get(reverse("admin:league_season_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_head_referee_made_staff_cannot_decide_a_failure_report_in_the_admin(client, staff_head_referee):
    # The group may change failure reports, but deciding them happens on the referee pages (R4).
    client.force_login(staff_head_referee)
    page = client.get(reverse("admin:league_failurereport_changelist"))
    assert page.status_code == 200
    assert reverse("admin:league_failurereport_add") not in page.content.decode()
    assert client.get(reverse("admin:league_failurereport_add")).status_code == 403


def test_staff_without_the_organizer_group_cannot_run_a_phase_action(client, season_with_applications):
    # Every model permission but not the organizer role: the services would refuse (R7) and the
    # admin refuses first.
    from django.contrib.auth.models import Permission

    user = factories.UserFactory(username="clerk", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="league"))
    client.force_login(user)
    assert client.get(phase_url(season_with_applications, "close-registration")).status_code == 403


# --- /admin/auth/: only a superuser changes groups and permissions (issue 11, finding 1) -----------

def auth_pages(group, superuser) -> dict[str, str]:
    return {
        "groups": reverse("admin:auth_group_changelist"),
        "group add": reverse("admin:auth_group_add"),
        "group change": reverse("admin:auth_group_change", args=[group.pk]),
        "group delete": reverse("admin:auth_group_delete", args=[group.pk]),
        "superuser change": reverse("admin:auth_user_change", args=[superuser.pk]),
        "superuser delete": reverse("admin:auth_user_delete", args=[superuser.pk]),
        "superuser password": reverse("admin:auth_user_password_change", args=[superuser.pk]),
    }


@pytest.mark.parametrize("who, expected", [
    ("organizer", 403), ("staff head", 403), ("boss", 200),
])
def test_r7_only_a_superuser_opens_the_group_and_superuser_pages(client, people, staff_head_referee,
                                                                 who, expected):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    boss = get_user_model().objects.create_superuser("boss", "boss@league.example", "x")
    client.force_login({"organizer": people["organizer"], "staff head": staff_head_referee,
                        "boss": boss}[who])
    pages = auth_pages(Group.objects.get(name="organizer"), boss)
    statuses = {name: client.get(page).status_code for name, page in pages.items()}
    if who == "organizer":  # the organizer views user accounts, read-only for a superuser's
        assert statuses.pop("superuser change") == 200
    assert set(statuses.values()) == {expected}, statuses


@pytest.mark.parametrize("who", [None, "ref1", "head", "organizer"])
def test_r7_nobody_but_a_superuser_posts_to_the_group_admin(as_role, staff_head_referee, who):
    from django.contrib.auth.models import Group, Permission

    role = Group.objects.get(name="organizer")
    before = set(role.permissions.values_list("pk", flat=True))
    every = list(Permission.objects.values_list("pk", flat=True))
    client = as_role(who)
    add = client.post(reverse("admin:auth_group_add"), {"name": "owners", "permissions": every})
    change = client.post(reverse("admin:auth_group_change", args=[role.pk]),
                         {"name": "organizer", "permissions": every})
    delete = client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"})
    for response in (add, change, delete):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.startswith(reverse("admin:login"))
    assert set(role.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="owners").exists()


def test_r7_the_organizer_sees_no_group_admin_on_the_index(org):
    index = org.get(reverse("admin:index"))
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert "User" in models and "Group" not in models
