"""factory-boy factories that build any league state in one call.

The plain factories make rows; ``season_at(state)`` drives the real services from an empty
season to the state asked for, so every built state obeys the rulebook:

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
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup

from league import roles, services
from league.catalogue import MEMBER_NAMES, ROBOT_NAMES, TEAMS
from league.models import Corner, Entry, Match, Robot, Season, Team, TeamMember
from league.models.match import Method
from league.services import RoundInput

STATES = ["registration", "qualified", "drawn", "group_stage", "group_done", "knockout", "finished"]
PASSWORD = "league-pass-2026"


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
        return services.season_create(**kwargs)


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


def catalogue_team(index: int) -> Team:
    slug, en, zh, org, kind, country = TEAMS[index]
    team, _ = Team.objects.get_or_create(
        slug=slug, defaults=dict(name_en=en, name_zh=zh, organization=org, kind=kind,
                                 country=country, registration_number=f"REG-{index + 1:04d}"))
    return team


def apply_team(season: Season, team: Team, index: int) -> Entry:
    """Apply, build a roster of 4 and register both T800 robots (R2, R3)."""
    entry = services.entry_apply(season=season, team=team)
    rng = random.Random(index)
    names = rng.sample(MEMBER_NAMES, 4)
    for name, role in zip(names, ["operator", "substitute_operator", "technical_staff", "coach"],
                          strict=True):
        services.member_add(entry=entry, name=name, role=role)
    base = ROBOT_NAMES[index % len(ROBOT_NAMES)]
    services.robot_register(entry=entry, role=Robot.Role.PRIMARY, serial=f"T800-{season.pk:02d}{index:02d}1",
                            name=f"{base}")
    services.robot_register(entry=entry, role=Robot.Role.BACKUP, serial=f"T800-{season.pk:02d}{index:02d}2",
                            name=f"{base} II")
    return entry


def staff() -> dict[str, object]:
    """The organizer, the head referees and the referees the demo and the tests use."""
    return {
        "organizer": UserFactory(username="organizer", role=roles.ORGANIZER),
        "head": UserFactory(username="head", role=roles.HEAD_REFEREE),
        "head2": UserFactory(username="head2", role=roles.HEAD_REFEREE),
        "ref1": UserFactory(username="ref1", role=roles.REFEREE),
        "ref2": UserFactory(username="ref2", role=roles.REFEREE),
    }


def play_match(match: Match, *, winner: str, rounds: list[tuple[str, str]] | None = None,
               actor=None, rng: random.Random | None = None) -> Match:
    """Check in, start and fight a match through the services.

    ``rounds`` lists (round winner, method); by default the winner takes it 2-0 or 2-1.
    """
    rng = rng or random.Random(match.pk)
    match.refresh_from_db()
    red = services.active_robot(match.red)
    blue = services.active_robot(match.blue)
    services.match_check_in(match=match, red_robot=red, blue_robot=blue,
                            red_seal=f"S{match.pk:04d}R", blue_seal=f"S{match.pk:04d}B", actor=actor)
    services.match_start(match=match, actor=actor)
    if rounds is None:
        loser = Corner.other(winner)
        need = match.season.rounds_to_win
        rounds = [(winner, Method.POINTS)] * (need - 1)
        rounds.append((winner, rng.choice([Method.KNOCKOUT, Method.POINTS])))
        if rng.random() < 0.4:
            comeback = rng.choice([Method.POINTS, Method.TECHNICAL_KNOCKOUT])
            rounds.insert(rng.randrange(need), (loser, comeback))
    for number, (round_winner, method) in enumerate(rounds, start=1):
        hi, lo = rng.randint(12, 30), rng.randint(2, 11)
        red_pts, blue_pts = (hi, lo) if round_winner == Corner.RED else (lo, hi)
        services.round_record(match=match, number=number, actor=actor, data=RoundInput(
            winner=round_winner, method=method, red_points=red_pts, blue_points=blue_pts,
            red_knockdowns=int(method == Method.KNOCKOUT and round_winner == Corner.BLUE),
            blue_knockdowns=int(method == Method.KNOCKOUT and round_winner == Corner.RED),
            red_fouls=rng.randint(0, 2), blue_fouls=rng.randint(0, 2)))
    match.refresh_from_db()
    return match


def play_random(match: Match, rng: random.Random, actor=None) -> Match:
    return play_match(match, winner=rng.choice([Corner.RED, Corner.BLUE]), rng=rng, actor=actor)


def season_at(state: str, *, seed: int = 2026, applicants: int = 20, **season_fields) -> Season:
    """Drive a new season through the services up to ``state`` (see the module docstring)."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; one of {STATES}")
    target = STATES.index(state)
    season = SeasonFactory(**season_fields)
    if target == 0:
        return season
    rng = random.Random(seed)
    entries = [apply_team(season, catalogue_team(i), i) for i in range(applicants)]
    services.season_registration_close(season=season)
    rejected = set(rng.sample(range(applicants), max(0, applicants - 16)))
    for i, entry in enumerate(entries):
        services.entry_audition(entry=entry, passed=i not in rejected,
                                reason="" if i not in rejected else "Failed the balance test")
    qualified = [e for i, e in enumerate(entries) if i not in rejected]
    for entry in qualified:
        services.entry_qualify(entry=entry)
    services.season_auditions_close(season=season)
    season.refresh_from_db()
    if target == 1:
        return season
    order = [e.pk for e in qualified]
    rng.shuffle(order)
    services.pots_seed(season=season, order=order)
    services.draw_run(season=season, seed=seed)
    season.refresh_from_db()
    if target == 2:
        return season
    services.group_schedule_generate(season=season)
    people = staff()
    services.referees_assign_round_robin(season=season)
    season.refresh_from_db()
    group_matches = list(season.matches.order_by("scheduled_at", "ring"))
    played = group_matches if target >= 4 else group_matches[: len(group_matches) // 2]
    for match in played:
        play_random(match, rng)
    season.refresh_from_db()
    if target <= 4:
        return season
    _draw_any_lots(season, rng, people["organizer"])
    services.knockout_start(season=season, seed=seed)
    services.referees_assign_round_robin(season=season)
    for slot in ("QF1", "QF2", "QF3", "QF4"):
        play_random(season.matches.get(slot=slot), rng)
    season.refresh_from_db()
    if target == 5:
        return season
    for slot in ("SF1", "SF2", "3P", "F"):
        match = season.matches.filter(slot=slot).first()
        if match:
            play_random(match, rng)
    services.season_finish(season=season)
    season.refresh_from_db()
    return season


def _draw_any_lots(season: Season, rng: random.Random, actor) -> None:
    from league.selectors import season_standings

    for table in season_standings(season=season):
        tied = [pk for block in table.lots_needed for pk in block]
        if tied:
            rng.shuffle(tied)
            services.lots_record(group=table.group, order=tied, actor=actor)
