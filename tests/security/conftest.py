"""Fixtures of the security tests: a knockout season with private things in it, built once per
module inside a transaction rolled back after it (like tests/public), and a clean page cache."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from league import services
from league.http_cache import _STAMPS
from league.models import Entry, Season
from league.services.common import system_actor
from tests import factories, snapshots
from tests.public.conftest import knockout_with_replacement

PENDING_TEXT = "Left knee servo smells of smoke, maybe"
REJECTED_TEXT = "Operator thinks the gyro drifted"
APPLICANT_MEMBER = "Applicant Member Secret"
APPLICANT_ROBOT = "Unshown Prototype"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    _STAMPS.clear()
    yield
    cache.clear()
    _STAMPS.clear()


def private_world() -> dict:
    """A knockout season whose SF1 has a pending and a rejected failure report, and a season in
    auditions with one team that only applied and one whose audition was rejected."""
    season = knockout_with_replacement(slug="private-ko", name="Private KO")
    people = factories.staff()
    sf1 = season.matches.get(slot="SF1")
    # Two referees on SF1: one with a full name, one without (shown as "Referee n", never by
    # the user name).
    referee, unnamed = people["ref1"], people["ref2"]
    services.referees_assign(match=sf1, referees=[referee, unnamed], actor=system_actor())
    referee.first_name, referee.last_name = "Mei", "Chan"
    referee.save(update_fields=["first_name", "last_name"])
    blue = services.active_robot(sf1.blue)
    services.failure_report_file(entry=sf1.blue, robot=blue, description=PENDING_TEXT,
                                 irreversible=False, match=sf1, actor=referee)
    rejected = services.failure_report_file(entry=sf1.red, robot=services.active_robot(sf1.red),
                                            description=REJECTED_TEXT, irreversible=False,
                                            match=sf1, actor=referee)
    decider = next(u for u in (people["head"], people["head2"]) if u.pk != referee.pk)
    services.failure_report_decide(report=rejected, approve=False, note="Not seen", actor=decider)

    auditions = factories.season_at("registration", slug="private-auditions", name="Auditions")
    applied = factories.apply_team(auditions, factories.TeamFactory(slug="only-applied"), 40)
    turned_down = factories.apply_team(auditions, factories.TeamFactory(slug="turned-down"), 41)
    services.member_add(entry=applied, name=APPLICANT_MEMBER, role="coach", actor=system_actor())
    applied.robots.filter(role="primary").update(name=APPLICANT_ROBOT)
    # A team of the knockout season applies to the next season: that application stays private.
    sf1.refresh_from_db()
    factories.apply_team(auditions, sf1.red.team, 42)
    services.season_registration_close(season=auditions, actor=system_actor())
    services.entry_audition(entry=turned_down, passed=False, reason="Robot fell in the audition",
                            actor=system_actor())
    return {"season": season.pk, "auditions": auditions.pk, "referee": referee.pk,
            "sf1_red_team": sf1.red.team.slug}


@pytest.fixture(scope="module")
def _private(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield snapshots.cached_build("private world", private_world)
        transaction.set_rollback(True)


@pytest.fixture
def world(_private, db) -> dict:
    return {**_private, "season": Season.objects.get(pk=_private["season"]),
            "auditions": Season.objects.get(pk=_private["auditions"])}


__all__ = ["APPLICANT_MEMBER", "APPLICANT_ROBOT", "PENDING_TEXT", "REJECTED_TEXT", "Entry"]
