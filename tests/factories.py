"""factory-boy factories that build any league state in one call.

The plain factories make rows; ``season_at(state)`` drives the real services from an empty
season to the state asked for (league.demo.advance, which the demo of `make run` uses too), so
every built state obeys the rulebook:

    season_at("registration")   empty season, open for applications
    season_at("qualified")      16 qualified teams with rosters and two robots each (draw phase)
    season_at("drawn")          pots seeded and the group draw run
    season_at("group_stage")    schedule made, referees assigned, half the group matches played
    season_at("group_done")     every group match played
    season_at("knockout")       quarterfinals played, semifinals waiting
    season_at("finished")       the whole bracket played, places and rewards assigned
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup

from league import demo, roles, services
from league.demo import (  # noqa: F401  (the tests take them from here)
    PASSWORD,
    STATES,
    apply_team,
    catalogue_team,
    play_match,
    play_random,
)
from league.models import Entry, Robot, Season, Team, TeamMember
from league.services.common import system_actor
from tests import snapshots


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@league.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    is_staff = False

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role=roles.REFEREE): the staff group (an organizer is also admin staff)."""
        if extracted:
            ensure_roles()
            self.groups.add(AuthGroup.objects.get(name=extracted))
            self.is_staff = self.is_staff or extracted == roles.ORGANIZER
        self.save()
        self._league_roles = None


def ensure_roles() -> None:
    """The role groups come from migration 0002; a transactional test's flush (in a test that
    ran before on the same database) empties them: put them back with the migration's
    permissions."""
    import importlib

    from django.contrib.auth.models import Permission

    if AuthGroup.objects.filter(name__in=roles.ALL).count() == len(roles.ALL):
        return
    role_permissions = importlib.import_module("league.migrations.0002_roles").ROLE_PERMISSIONS
    for role, codenames in role_permissions.items():
        group, _ = AuthGroup.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(
            codename__in=codenames, content_type__app_label__in=["league", "auth"]))
    # ...as migration 0006 changed them (no permission on auth groups; lockouts for organizers).
    from django.apps import apps

    importlib.import_module("league.migrations.0006_role_permissions").update_roles(apps, None)
    importlib.import_module("league.migrations.0013_jobs").grant_organizer(apps, None)
    # ...and as 0014 gave organizers and head referees the view of protests (R18).
    importlib.import_module("league.migrations.0014_protests").grant_protest_views(apps, None)


class SeasonFactory(factory.django.DjangoModelFactory):
    """A season in registration with the default rewards (champion: the gold belt)."""

    class Meta:
        model = Season

    slug = factory.Sequence(lambda n: f"season-{n}")
    name = factory.Sequence(lambda n: f"Season {n}")
    city = "Shenzhen"
    venue = "Shenzhen Bay Sports Center"
    time_zone = "Asia/Shanghai"
    starts_on = dt.date(2026, 3, 6)
    min_rest_minutes = 12 * 60

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.season_create(actor=kwargs.pop("actor", None) or system_actor(), **kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"team-{n}")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    name_zh = factory.Sequence(lambda n: f"战队{n}")
    organization = factory.Sequence(lambda n: f"Organization {n}")
    registration_number = factory.Sequence(lambda n: f"REG-{n:06d}")
    kind = Team.Kind.UNIVERSITY
    country = factory.Iterator(["CN", "HK", "US", "GB", "JP", "KR", "DE", "SG"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.team_create(actor=kwargs.pop("actor", None) or system_actor(), **kwargs)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    season = factory.SubFactory(SeasonFactory)
    team = factory.SubFactory(TeamFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    entry = factory.SubFactory(EntryFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    role = factory.Iterator([r for r in TeamMember.Role.values])


class RobotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Robot

    entry = factory.SubFactory(EntryFactory)
    season = factory.SelfAttribute("entry.season")
    role = Robot.Role.PRIMARY
    serial = factory.Sequence(lambda n: f"T800-{n:05d}")
    name = factory.Sequence(lambda n: f"Robot {n}")


def staff() -> dict[str, object]:
    """The organizer, the head referees and the referees the demo and the tests use."""
    ensure_roles()
    return demo.staff()


_PLAIN = (str, int, float, bool, type(None), dt.date, dt.time, dt.timedelta, Decimal)


def season_at(state: str, *, seed: int = 2026, applicants: int = 20, **season_fields) -> Season:
    """A new season driven through the services up to ``state`` (league.demo.advance).

    Built once per test process for each state, arguments and database it starts from, and
    written back as rows after that (tests/snapshots.py): the same season, in milliseconds. Its
    default slug and name are numbered by SeasonFactory's sequence, which starts again with each
    test (tests/conftest.py), so the first season of every test is the same."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; one of {STATES}")
    number = SeasonFactory._meta.next_sequence()
    season_fields = {"slug": f"season-{number}", "name": f"Season {number}", **season_fields}
    built = []

    def build() -> Season:
        built.append(True)
        season = SeasonFactory(**season_fields)
        people = staff() if STATES.index(state) >= STATES.index("group_stage") else None
        return demo.advance(season, state, seed=seed, applicants=applicants, people=people)

    if not all(isinstance(v, _PLAIN) for v in season_fields.values()):
        return build()
    key = ("season_at", state, seed, applicants, tuple(sorted(season_fields.items())))
    season = snapshots.cached_build(key, build, result=lambda s: s.pk,
                                    load=lambda pk: Season.objects.get(pk=pk))
    if not built:
        SeasonFactory._meta.next_sequence()  # as SeasonFactory(...) would have
    return season

_draw_any_lots = demo.draw_any_lots  # the exchange tests use it under this name
