"""Fixtures of the protest tests (R18): a knockout season whose quarterfinals are played, QF1
signed off by its referee, a manager for each of QF1's teams, evidence files kept in a temporary
private storage."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction

from league import roles, services
from league.models import Match, Season, TeamManager
from league.services.common import system_actor
from tests import factories, snapshots
from tests.public.conftest import _clean_cache  # noqa: F401  (autouse: a clean page cache)

# The first bytes of the files the league takes, and of one it refuses.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Evidence goes to a temporary folder (league.uploads follows settings.STORAGES)."""
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")}}}
    return tmp_path / "private"


def team_manager(team, username: str):
    user = get_user_model().objects.create_user(username, f"{username}@team.example",
                                                factories.PASSWORD)
    TeamManager.objects.create(user=user, team=team, role=TeamManager.Role.MANAGER)
    return user


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    def build() -> dict:
        season = factories.season_at("knockout", slug="protest-season", name="Protest season")
        qf1 = season.matches.get(slot="QF1")
        services.match_sign_off(match=qf1, actor=system_actor())
        return {"season": season.pk}

    with django_db_blocker.unblock(), transaction.atomic():
        yield snapshots.cached_build("protest world", build)
        transaction.set_rollback(True)


@pytest.fixture
def season(_world, db) -> Season:
    return Season.objects.get(pk=_world["season"])


@pytest.fixture
def qf1(season) -> Match:
    return Match.objects.select_related("season", "red__team", "blue__team").get(
        season=season, slot="QF1")


@pytest.fixture
def red_manager(qf1):
    return team_manager(qf1.red.team, "red-manager")


@pytest.fixture
def blue_manager(qf1):
    return team_manager(qf1.blue.team, "blue-manager")


@pytest.fixture
def outside_head(people, qf1):
    """A head referee who did not referee QF1."""
    user = get_user_model().objects.create_user("head-outside", "head-outside@league.example",
                                                factories.PASSWORD, first_name="Lin",
                                                last_name="Outside")
    user.groups.add(AuthGroup.objects.get(name=roles.HEAD_REFEREE))
    assert not qf1.referees.filter(pk=user.pk).exists()
    return user


@pytest.fixture
def assigned_head(people, qf1):
    """A head referee made one of QF1's referees."""
    head = people["head"] if people["head"].pk in set(qf1.referees.values_list("pk", flat=True)) \
        else None
    if head is None:
        head = people["head2"]
        qf1.referees.add(head)  # test set-up: assignment as the organizer would make it
    return head
