"""Team accounts: who manages a team, and the database's "one manager per team"."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from league import roles
from league.models import TeamManager
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _user(name: str, **extra):
    return get_user_model().objects.create_user(name, f"{name}@example.org", "x-long-password-1", **extra)


def test_one_manager_per_team_is_held_by_the_database():
    team = TeamFactory()
    TeamManager.objects.create(user=_user("ana"), team=team, role=TeamManager.Role.MANAGER)
    TeamManager.objects.create(user=_user("bo"), team=team, role=TeamManager.Role.CO_MANAGER)
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamManager.objects.create(user=_user("cy"), team=team, role=TeamManager.Role.MANAGER)


def test_manages_team_is_true_for_managers_only_and_never_for_staff():
    team, other = TeamFactory(), TeamFactory()
    ana, staff = _user("ana"), _user("staff", is_staff=True)
    TeamManager.objects.create(user=ana, team=team)
    TeamManager.objects.create(user=staff, team=team, role=TeamManager.Role.CO_MANAGER)
    assert roles.manages_team(ana, team) and not roles.manages_team(ana, other)
    assert not roles.manages_team(staff, team)
    assert roles.managed_team_ids(None) == frozenset()
