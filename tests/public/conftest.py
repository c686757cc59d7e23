"""Fixtures of the public pages' tests: built seasons, a clean page cache."""
from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.db import transaction

from league import services
from league.http_cache import _STAMPS
from league.models import FailureReport, Match, Season
from league.services.common import system_actor
from tests import factories, snapshots


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rendered pages are cached by season version; a rolled-back test may reuse a version."""
    cache.clear()
    _STAMPS.clear()
    yield
    cache.clear()
    _STAMPS.clear()


def knockout_with_replacement(**season_fields) -> Season:
    """Quarterfinals played; SF1's red team lost its primary robot to an approved, irreversible
    failure (filed by one referee, approved by a head referee) and fights on with its backup."""
    season = factories.season_at("knockout", **season_fields)
    people = factories.staff()
    sf1 = season.matches.get(slot="SF1")
    qf = Match.objects.get(season=season, winner=sf1.red, slot__startswith="QF")
    filer = qf.referees.first()
    approver = next(u for u in (people["head"], people["head2"]) if u.pk != filer.pk)
    report = services.failure_report_file(
        entry=sf1.red, robot=qf.red_robot if qf.red_id == sf1.red_id else qf.blue_robot,
        description="Hip actuator cracked after a knockdown", irreversible=True, match=qf,
        actor=filer)
    services.failure_report_decide(report=report, approve=True, note="Seen by the panel",
                                   actor=approver)
    assert FailureReport.objects.filter(entry__season=season, status="approved").count() == 1
    season.refresh_from_db()
    return season


def finish(season: Season, seed: int = 7) -> Season:
    """Play the rest of the bracket through the services and finish the season."""
    rng = random.Random(seed)
    for slot in ("SF1", "SF2", "3P", "F"):
        match = season.matches.filter(slot=slot).first()
        if match is not None and not match.is_done:
            factories.play_random(match, rng)
    services.season_finish(season=season, actor=system_actor())
    season.refresh_from_db()
    return season


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """Two seasons built once per test module (building one through the services takes a
    second or more) inside a transaction rolled back after the module; each test runs in a
    savepoint of it (pytest-django's ``db``), so what a test changes is gone after it."""
    def build() -> dict:
        ko = knockout_with_replacement(slug="knockout-season", name="Knockout season")
        done = finish(knockout_with_replacement(slug="finished-season", name="Finished season"))
        return {"knockout": ko.pk, "finished": done.pk}

    with django_db_blocker.unblock(), transaction.atomic():
        yield snapshots.cached_build("public world", build)
        transaction.set_rollback(True)


@pytest.fixture
def knockout(_world, db) -> Season:
    """Quarterfinals played, SF1's red team on its backup robot (see knockout_with_replacement)."""
    return Season.objects.get(pk=_world["knockout"])


@pytest.fixture
def finished(_world, db) -> Season:
    """A finished season, places and rewards assigned, with one replacement."""
    return Season.objects.get(pk=_world["finished"])
