"""Fixtures of the referee page tests: a small running season built in milliseconds.

``season_at("group_stage")`` (tests/factories.py) drives a whole season through the services
and takes about a second; most referee tests need one match between two teams, so
``mini_season`` makes four qualified teams with their two robots each and a group, puts the season
in the group stage, and every match state after that is reached through the real services.
"""
from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from league import services
from league.catalogue import ROBOT_NAMES
from league.models import Entry, Group, Match, Robot, Season
from league.services import RoundInput
from league.services.common import system_actor
from tests import factories


@pytest.fixture(autouse=True)
def _referee_urls(settings):
    """The project URLconf with a stand-in public:home until the public pages provide it."""
    settings.ROOT_URLCONF = "tests.referee.urls"


def mini_season(*, teams: int = 4, phase: str = Season.Phase.GROUP_STAGE, **fields) -> Season:
    season = factories.SeasonFactory(**fields)
    group = Group.objects.create(season=season, name="A")
    for index in range(teams):
        team = factories.catalogue_team(index)
        entry = Entry.objects.create(season=season, team=team, status=Entry.Status.QUALIFIED,
                                     seed=index + 1, pot=index % 4 + 1, group=group)
        for role, suffix in ((Robot.Role.PRIMARY, "1"), (Robot.Role.BACKUP, "2")):
            Robot.objects.create(season=season, entry=entry, role=role,
                                 serial=f"T800-{season.pk:03d}{index:02d}{suffix}",
                                 name=f"{ROBOT_NAMES[index]}{' II' if suffix == '2' else ''}")
    Season.objects.filter(pk=season.pk).update(phase=phase)
    season.refresh_from_db()
    return season


_slots = iter(range(1, 10**6))


def make_match(season: Season, *, red: int = 0, blue: int = 1, referees=(), when=None,
               slot: str | None = None) -> Match:
    entries = list(season.entries.order_by("seed"))
    match = Match.objects.create(
        season=season, stage=Match.Stage.GROUP, group=season.groups.first(),
        slot=slot or f"A{next(_slots)}", day=1, red=entries[red], blue=entries[blue], ring="Ring 1",
        scheduled_at=when or timezone.now() + dt.timedelta(hours=1))
    if referees:
        services.referees_assign(match=match, referees=list(referees), actor=system_actor())
    match.refresh_from_db()
    return match


def check_in(match: Match, actor=None) -> Match:
    actor = actor or system_actor()
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue),
                            red_seal=f"R-{match.pk}", blue_seal=f"B-{match.pk}", actor=actor)
    match.refresh_from_db()
    return match


def go_live(match: Match, actor=None) -> Match:
    actor = actor or system_actor()
    check_in(match, actor)
    services.match_start(match=match, actor=actor)
    match.refresh_from_db()
    return match


def finish(match: Match, actor=None, winner: str = "red") -> Match:
    actor = actor or system_actor()
    go_live(match, actor)
    for number in (1, 2):
        services.round_record(match=match, number=number, actor=actor, data=RoundInput(
            winner=winner, method="points", red_points=20 if winner == "red" else 5,
            blue_points=5 if winner == "red" else 20))
    match.refresh_from_db()
    return match


def round_data(match: Match, number: int = 1, **overrides) -> dict:
    data = {"expected_version": match.version, "number": number, "winner": "red", "method": "points",
            "red_points": 12, "blue_points": 7, "red_knockdowns": 0, "blue_knockdowns": 1,
            "red_fouls": 0, "blue_fouls": 2,
            # the deciding round's second step, taken at once (tested in test_safety_nets.py)
            "confirm_deciding": "1"}
    data.update(overrides)
    return data


def url(name: str, match: Match | None = None, **kwargs) -> str:
    if match is not None:
        kwargs["pk"] = match.pk
    return reverse(f"referee:{name}", kwargs=kwargs or None)


def body(response) -> str:
    """The response's text as a person reads it (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/referee/"}


@pytest.fixture
def role_groups(transactional_db):
    """A transactional test starts from a flushed database: bring back the role groups that
    migration 0002 creates, before the people fixture needs them."""
    from django.contrib.auth.models import Group

    from league import roles

    for name in roles.ALL:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def mini(db, people):
    """A running season with a match assigned to ref1 (head, head2, ref2 and the organizer are
    not assigned)."""
    season = mini_season()
    match = make_match(season, referees=[people["ref1"]])
    return season, match


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login
