"""The demo league, built by the league's own services (the same calls an organizer, a referee
and the panel make), so every state it builds obeys the rulebook.

``advance(season, state)`` drives a season in registration up to a state:

    "registration"   empty season, open for applications
    "qualified"      16 qualified teams with rosters and two robots each (draw phase)
    "drawn"          pots seeded and the group draw run
    "group_stage"    schedule made, referees assigned, half the group matches played
    "group_done"     every group match played
    "knockout"       quarterfinals played, semifinals waiting
    "finished"       the whole bracket played, places and rewards assigned

``build_demo()`` makes the demo of ``make run`` (README): Season 1 in Shenzhen with a live
quarterfinal, Season 2 in Hong Kong open for entries. The tests build their states with the
same functions (tests/factories.py).
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.utils import timezone

from . import roles, services
from .catalogue import MEMBER_NAMES, ROBOT_NAMES, TEAMS, TEAMS_ZH_HANT
from .models import Corner, Entry, Match, Robot, Season, Team
from .models.match import Method
from .services import RoundInput
from .services.common import system_actor

STATES = ["registration", "qualified", "drawn", "group_stage", "group_done", "knockout", "finished"]
PASSWORD = "league-pass-2026"
STAFF = {"organizer": roles.ORGANIZER, "head": roles.HEAD_REFEREE, "head2": roles.HEAD_REFEREE,
         "ref1": roles.REFEREE, "ref2": roles.REFEREE}


def staff() -> dict[str, object]:
    """The organizer, the head referees and the referees of the demo (password PASSWORD).

    Accounts are not league data: they are Django's users in the role groups of migration 0002.
    """
    User = get_user_model()
    people = {}
    for username, role in STAFF.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@league.example",
                        is_staff=role == roles.ORGANIZER)
            user.set_password(PASSWORD)
            user.save()  # allowed: tests/test_architecture.py ALLOWED (accounts)
        user.groups.add(AuthGroup.objects.get(name=role))
        user._league_roles = None
        people[username] = user
    return people


def catalogue_team(index: int, *, actor=None) -> Team:
    """The catalogue's team number ``index``: found by its slug (R2), created the first time."""
    slug, en, zh, org, kind, country = TEAMS[index]
    team = Team.objects.filter(slug=slug).first()
    if team is None:
        team = services.team_create(slug=slug, name_en=en, name_zh=zh,
                                    name_zh_hant=TEAMS_ZH_HANT.get(slug, ""), organization=org,
                                    kind=kind, country=country,
                                    registration_number=f"REG-{index + 1:04d}",
                                    actor=actor or system_actor())
    return team


def apply_team(season: Season, team: Team, index: int, *, actor=None) -> Entry:
    """Apply, build a roster of 4 and register both T800 robots (R2, R3)."""
    actor = actor or system_actor()
    entry = services.entry_apply(season=season, team=team, actor=actor)
    rng = random.Random(index)
    names = rng.sample(MEMBER_NAMES, 4)
    for name, role in zip(names, ["operator", "substitute_operator", "technical_staff", "coach"],
                          strict=True):
        services.member_add(entry=entry, name=name, role=role, actor=actor)
    base = ROBOT_NAMES[index % len(ROBOT_NAMES)]
    for role, suffix, name in ((Robot.Role.PRIMARY, 1, base), (Robot.Role.BACKUP, 2, f"{base} II")):
        services.robot_register(entry=entry, role=role, serial=f"T800-{season.pk:02d}{index:02d}{suffix}",
                                name=name, actor=actor)
    return entry


def play_match(match: Match, *, winner: str, rounds: list[tuple[str, str]] | None = None,
               actor=None, rng: random.Random | None = None) -> Match:
    """Check in, start and fight a match through the services.

    ``rounds`` lists (round winner, method); by default the winner takes it 2-0 or 2-1.
    """
    actor = actor or system_actor()
    rng = rng or random.Random(match.pk)
    match.refresh_from_db()
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue),
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


def draw_any_lots(season: Season, rng: random.Random | None, actor) -> None:
    """Record the organizer's lots in every group still tied on all else (R12)."""
    from .selectors import season_standings

    for table in season_standings(season=season):
        tied = [pk for block in table.lots_needed for pk in block]
        if tied:
            if rng is not None:
                rng.shuffle(tied)
            services.lots_record(group=table.group, order=tied, actor=actor)


def advance(season: Season, state: str, *, seed: int = 2026, applicants: int = 20,
            people: dict | None = None) -> Season:
    """Drive a season in registration through the services up to ``state`` (module docstring)."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; one of {STATES}")
    target = STATES.index(state)
    if target == 0:
        return season
    system = system_actor()
    rng = random.Random(seed)
    entries = [apply_team(season, catalogue_team(i), i) for i in range(applicants)]
    services.season_registration_close(season=season, actor=system)
    rejected = set(rng.sample(range(applicants), max(0, applicants - 16)))
    for i, entry in enumerate(entries):
        services.entry_audition(entry=entry, passed=i not in rejected, actor=system,
                                reason="" if i not in rejected else "Failed the balance test")
    qualified = [e for i, e in enumerate(entries) if i not in rejected]
    for entry in qualified:
        services.entry_qualify(entry=entry, actor=system)
    services.season_auditions_close(season=season, actor=system)
    season.refresh_from_db()
    if target == 1:
        return season
    order = [e.pk for e in qualified]
    rng.shuffle(order)
    services.pots_seed(season=season, order=order, actor=system)
    services.draw_run(season=season, seed=seed, actor=system)
    season.refresh_from_db()
    if target == 2:
        return season
    services.group_schedule_generate(season=season, actor=system)
    people = people or staff()
    services.referees_assign_round_robin(season=season, actor=system)
    season.refresh_from_db()
    group_matches = list(season.matches.order_by("scheduled_at", "ring"))
    played = group_matches if target >= 4 else group_matches[: len(group_matches) // 2]
    for match in played:
        play_random(match, rng)
    season.refresh_from_db()
    if target <= 4:
        return season
    draw_any_lots(season, rng, people["organizer"])
    services.knockout_start(season=season, seed=seed, actor=system)
    services.referees_assign_round_robin(season=season, actor=system)
    for slot in ("QF1", "QF2", "QF3", "QF4"):
        play_random(season.matches.get(slot=slot), rng)
    season.refresh_from_db()
    if target == 5:
        return season
    for slot in ("SF1", "SF2", "3P", "F"):
        match = season.matches.filter(slot=slot).first()
        if match:
            play_random(match, rng)
    services.season_finish(season=season, actor=system)
    season.refresh_from_db()
    return season


# --- the demo of `make run` ---------------------------------------------------------------------

def build_demo() -> tuple[Season, dict[str, object]]:
    """Season 1 in Shenzhen (a quarterfinal live) and Season 2 in Hong Kong (open for entries)."""
    with transaction.atomic():
        people = staff()
        season = _shenzhen(people)
        _hong_kong()
    return season, people


def _shenzhen(people) -> Season:
    organizer = people["organizer"]
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    season = services.season_create(
        actor=organizer, slug="shenzhen-2026", name="Season 1 · Shenzhen", name_zh="第一季 · 深圳",
        city="Shenzhen", city_zh="深圳", venue="Shenzhen Bay Sports Center",
        venue_zh="深圳湾体育中心", rings="Ring 1,Ring 2", rings_zh="一号擂台,二号擂台",
        time_zone="Asia/Shanghai", starts_on=today - dt.timedelta(days=3), min_rest_minutes=12 * 60)
    advance(season, "drawn", seed=20260206, people=people)
    services.group_schedule_generate(season=season, actor=organizer)
    services.referees_assign_round_robin(season=season, actor=organizer)
    rng = random.Random(7)
    matches = list(season.matches.order_by("scheduled_at", "ring"))
    scripted = _group_a_cycle(season)
    failure_done = False
    for index, match in enumerate(matches):
        referee = match.referees.first()
        if match.pk in scripted:
            play_match(match, winner=scripted[match.pk][0], rounds=scripted[match.pk][1],
                       actor=referee, rng=rng)
        else:
            play_random(match, rng, actor=referee)
        if not failure_done and index >= len(matches) // 2 and match.group.name == "B":
            _failure_and_replacement(match, people)
            failure_done = True
    draw_any_lots(season, None, organizer)
    services.knockout_start(season=season, seed=20260301, actor=organizer)
    services.referees_assign_round_robin(season=season, actor=organizer)
    qf1, qf2 = season.matches.get(slot="QF1"), season.matches.get(slot="QF2")
    play_random(qf1, rng, actor=qf1.referees.first())
    _live(qf2, qf2.referees.first())
    season.refresh_from_db()
    return season


def _group_a_cycle(season: Season) -> dict[int, tuple[str, list]]:
    """Group A: three teams beat each other in a circle and all beat the fourth, so the tie is
    not broken by head-to-head but by round difference (R12)."""
    group = season.groups.get(name="A")
    a, b, c, d = [e.pk for e in group.entries.order_by("pot")]
    beats = {(a, b): "2-0", (b, c): "2-1", (c, a): "2-1", (a, d): "2-1", (b, d): "2-0", (c, d): "2-0"}
    script = {}
    for match in group.matches.all():
        for (w, loser), score in beats.items():
            if {match.red_id, match.blue_id} == {w, loser}:
                wc = Corner.RED if match.red_id == w else Corner.BLUE
                lc = Corner.other(wc)
                rounds = ([(wc, Method.POINTS), (wc, Method.KNOCKOUT)] if score == "2-0"
                          else [(wc, Method.POINTS), (lc, Method.POINTS), (wc, Method.POINTS)])
                script[match.pk] = (wc, rounds)
    return script


def _failure_and_replacement(match: Match, people) -> None:
    """An irreversible failure of a primary, approved by the other head referee: the backup
    replaces it (R4)."""
    entry = match.red
    referee = match.referees.first()
    report = services.failure_report_file(
        entry=entry, robot=services.active_robot(entry), match=match, actor=referee, irreversible=True,
        description="Left knee actuator cracked after a fall in round 2; cannot bear load.")
    approver = people["head2"] if referee == people["head"] else people["head"]
    services.failure_report_decide(report=report, approve=True, actor=approver,
                                   note="Confirmed by the technical inspection.")


def _live(match: Match, referee) -> None:
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="BS-70411",
                            blue_seal="BS-70412", actor=referee)
    services.match_start(match=match, actor=referee)
    services.allowance_use(match=match, corner=Corner.BLUE, kind="manual_reset", actor=referee)
    services.round_record(match=match, number=1, actor=referee, data=RoundInput(
        winner=Corner.RED, method=Method.POINTS, red_points=24, blue_points=17,
        red_knockdowns=0, blue_knockdowns=1, red_fouls=1, blue_fouls=0))


def _hong_kong() -> None:
    system = system_actor()
    season = services.season_create(
        actor=system, slug="hong-kong-2027", name="Season 2 · Hong Kong", name_zh="第二季 · 香港",
        city="Hong Kong", city_zh="香港", venue="AsiaWorld-Expo", venue_zh="亚洲国际博览馆",
        venue_zh_hant="亞洲國際博覽館", rings="Ring 1,Ring 2",
        rings_zh="一号擂台,二号擂台", rings_zh_hant="一號擂台,二號擂台",
        time_zone="Asia/Hong_Kong", starts_on=dt.date(2027, 5, 14))
    # The Hong Kong season pays in its own currency; the 繁體 text is OpenCC's proposal.
    services.reward_set(season=season, place=1, description="Pure-gold championship belt and prize",
                        description_zh="纯金冠军腰带及奖金", value=Decimal("8000000"), currency="HKD",
                        actor=system)
    for index in (2, 3, 8):
        services.entry_apply(season=season, team=catalogue_team(index), actor=system)
