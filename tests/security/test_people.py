"""Finding 1 of issue 11: no self-granted power. Organizers manage people only inside the three
league roles (R7); only a superuser edits groups, permissions and superusers; every change to an
account or its roles is in the league's audit trail."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from league import roles
from league.errors import NotAllowed
from league.models import AuditEvent
from league.services import people
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@league.example", "boss-pass-2026")


@pytest.fixture
def org(client, organizer):
    client.force_login(organizer)
    return client


def change_data(user, **extra) -> dict:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on" if user.is_active else "",
            "groups": [g.pk for g in user.groups.all()]}
    data.update(extra)
    return {k: v for k, v in data.items() if v != ""}


def test_r7_organizer_role_holds_no_permission_on_groups(organizer):
    assert not organizer.get_all_permissions() & {
        "auth.add_group", "auth.change_group", "auth.delete_group", "auth.view_group"}
    assert organizer.has_perm("league.change_group")  # the league's own groups of the group stage


def test_r7_organizer_cannot_add_a_permission_to_their_own_group(org, organizer):
    role = Group.objects.get(name=roles.ORGANIZER)
    before = set(role.permissions.values_list("pk", flat=True))
    delete_user = Permission.objects.get(codename="delete_user", content_type__app_label="auth")
    response = org.post(reverse("admin:auth_group_change", args=[role.pk]),
                        {"name": role.name, "permissions": [*before, delete_user.pk]})
    assert response.status_code == 403
    assert set(role.permissions.values_list("pk", flat=True)) == before
    assert not User.objects.get(pk=organizer.pk).has_perm("auth.delete_user")


def test_r7_organizer_cannot_delete_or_edit_the_superuser(org, boss):
    assert org.post(reverse("admin:auth_user_delete", args=[boss.pk]), {"post": "yes"}).status_code == 403
    response = org.post(reverse("admin:auth_user_change", args=[boss.pk]),
                        change_data(boss, first_name="Owned"))
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.first_name == "" and boss.is_superuser


def test_r7_organizer_cannot_make_themselves_superuser(org, organizer):
    response = org.post(reverse("admin:auth_user_change", args=[organizer.pk]),
                        change_data(organizer, is_superuser="on", is_staff="on", first_name="Olga"))
    assert response.status_code == 302
    organizer.refresh_from_db()
    assert organizer.first_name == "Olga" and not organizer.is_superuser
    with pytest.raises(NotAllowed):
        people.staff_update(user=organizer, fields={"is_superuser": True}, actor=organizer)
    organizer.refresh_from_db()
    assert not organizer.is_superuser


def test_r7_organizer_cannot_give_a_group_beyond_the_league_roles(org, people_of_league):
    referee = people_of_league["ref1"]
    owners = Group.objects.create(name="site-owners")
    owners.permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    response = org.post(reverse("admin:auth_user_change", args=[referee.pk]),
                        change_data(referee, groups=[owners.pk]))
    assert response.status_code == 200  # the form refuses the choice
    assert "site-owners" not in set(referee.groups.values_list("name", flat=True))
    with pytest.raises(NotAllowed):
        people.staff_roles_set(user=referee, roles=["site-owners"], actor=people_of_league["organizer"])


def test_r7_organizer_cannot_change_an_account_holding_more_than_the_roles(org, people_of_league):
    clerk = factories.UserFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="delete_user"))
    page = org.get(reverse("admin:auth_user_change", args=[clerk.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # view only
    post = org.post(reverse("admin:auth_user_change", args=[clerk.pk]), change_data(clerk, first_name="X"))
    assert post.status_code == 403
    with pytest.raises(NotAllowed):
        people.staff_roles_set(user=clerk, roles=[roles.REFEREE], actor=people_of_league["organizer"])


@pytest.fixture
def people_of_league(people):
    return people


def test_r7_organizer_creates_a_referee_and_gives_roles_audited(org, organizer):
    created = org.post(reverse("admin:auth_user_add"), {
        "username": "ref9", "usable_password": "true",
        "password1": "a-long-referee-pass-9", "password2": "a-long-referee-pass-9"})
    assert created.status_code == 302
    ref9 = User.objects.get(username="ref9")
    head = Group.objects.get(name=roles.HEAD_REFEREE)
    changed = org.post(reverse("admin:auth_user_change", args=[ref9.pk]),
                       change_data(ref9, first_name="Wei", last_name="Zhang", groups=[head.pk]))
    assert changed.status_code == 302
    ref9.refresh_from_db()
    assert [g.name for g in ref9.groups.all()] == [roles.HEAD_REFEREE]
    assert not ref9.is_staff and not ref9.is_superuser
    events = {e.action: e for e in AuditEvent.objects.filter(object_type="user", object_id=ref9.pk)}
    assert set(events) == {"staff_created", "staff_changed"}
    assert events["staff_created"].actor == organizer
    change = events["staff_changed"]
    assert change.to_state == roles.HEAD_REFEREE
    assert change.data["changed"]["first_name"] == ["", "Wei"]
    assert change.data["roles"] == [[], [roles.HEAD_REFEREE]]


def test_r7_organizer_role_makes_admin_staff_and_is_audited(people_of_league):
    organizer, referee = people_of_league["organizer"], people_of_league["ref1"]
    people.staff_roles_set(user=referee, roles=[roles.ORGANIZER, roles.REFEREE], actor=organizer)
    referee.refresh_from_db()
    assert referee.is_staff
    event = AuditEvent.objects.get(action="staff_changed", object_id=referee.pk)
    assert event.data["changed"]["is_staff"] == [False, True]


def test_r7_a_password_set_by_an_organizer_is_audited(org, people_of_league):
    referee = people_of_league["ref2"]
    response = org.post(reverse("admin:auth_user_password_change", args=[referee.pk]),
                        {"password1": "another-long-pass-77", "password2": "another-long-pass-77",
                         "usable_password": "true"})
    assert response.status_code == 302
    referee.refresh_from_db()
    assert referee.check_password("another-long-pass-77")
    event = AuditEvent.objects.get(action="staff_password_set", object_id=referee.pk)
    assert "another" not in str(event.data) + event.reason


def test_r7_a_superuser_edits_roles_and_permissions(client, boss, people_of_league):
    client.force_login(boss)
    role = Group.objects.get(name=roles.REFEREE)
    view_reward = Permission.objects.get(codename="view_reward")
    response = client.post(reverse("admin:auth_group_change", args=[role.pk]),
                           {"name": role.name, "permissions": [
                               *role.permissions.values_list("pk", flat=True), view_reward.pk]})
    assert response.status_code == 302
    assert role.permissions.filter(pk=view_reward.pk).exists()
    referee = people_of_league["ref1"]
    people.staff_update(user=referee, fields={"is_superuser": True}, actor=boss)
    referee.refresh_from_db()
    assert referee.is_superuser
    assert AuditEvent.objects.filter(action="staff_changed", object_id=referee.pk, actor=boss).exists()


def test_r7_a_superuser_deletes_an_account_audited(client, boss):
    client.force_login(boss)
    temp = factories.UserFactory(username="temp")
    response = client.post(reverse("admin:auth_user_delete", args=[temp.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(username="temp").exists()
    assert AuditEvent.objects.filter(action="staff_deleted", object_repr="temp", actor=boss).exists()
