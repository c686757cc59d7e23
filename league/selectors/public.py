"""Reads behind the public pages, the broadcast overlay and the JSON feed.

Two kinds of reads live here:

- *stamps*: one cheap query that says which version of a page the database holds
  (``Season.version``, bumped by every service that changes what the public sees). Views
  turn a stamp into an ETag and into the key of their rendered-page cache, so an unchanged
  poll answers 304 and a cached page costs this one query.
- *reads*: everything a page shows, each with a fixed number of queries whatever the size
  of the league's history (pinned by tests/public/test_queries.py).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import (
    AllowanceUse,
    Entry,
    FailureReport,
    Match,
    Placing,
    Protest,
    Replacement,
    Reward,
    Robot,
    Round,
    Season,
    Team,
    TeamMember,
)
from ..rules import bracket as bracket_rules
from . import GroupTable, rings, season_standings

__all__ = [
    "BracketView", "MatchDetail", "SeasonOverview", "Stamp", "TeamDetail", "archive_stamp",
    "bracket_for", "match_detail", "match_stamp", "overlay_for", "season_archive",
    "season_groups", "season_overview", "season_stamp", "schedule_for", "schedule_page", "team_detail",
    "team_stamp", "teams_index",
]

LIVE = (Match.Status.CHECKED_IN, Match.Status.LIVE)

# --- What the public may see (docs/rules.md, "Public"): ----------------------------------------
# an entry once it qualified for the main event (and so for ever after, eliminated or not); an
# application (applied, audition passed or rejected, withdrawn) stays private, with its roster
# and robots. A failure report once the referee panel decided it; a pending one is a referee's
# unreviewed free text.
PUBLIC_ENTRY = Q(status=Entry.Status.QUALIFIED)
PUBLIC_ENTRY_OF_TEAM = Q(entries__status=Entry.Status.QUALIFIED)
PUBLIC_TEAM = PUBLIC_ENTRY_OF_TEAM
DECIDED = ~Q(status=FailureReport.Status.PENDING)


def public_names(users) -> list[str]:
    """How the public names a match's referees: the full name, else "Referee 1", "Referee 2"...
    never the user name a referee signs in with (it is half of a login)."""
    return [user.get_full_name().strip() or str(_("Referee %(n)d") % {"n": n})
            for n, user in enumerate(users, start=1)]


# --- Stamps: one query each -------------------------------------------------------------------

@dataclass(frozen=True)
class Stamp:
    """What a page or feed document is built from, in one cheap query.

    ``key`` names the thing (``"season:3"``), ``version`` its public version: together they
    make the ETag and the cache key. ``finished`` tells live fragments to stop polling.
    """

    key: str
    version: str
    finished: bool = False
    pk: int | None = None


# Stamps are read on every request and poll, so they skip the ORM's query compiler: one short
# parameterized SELECT each (the ORM costs several times the query itself, see bench/).
_SEASON = Season._meta.db_table
_MATCH = Match._meta.db_table


def _one(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def season_stamp(*, slug: str) -> Stamp | None:
    """The season's public version. 1 query (by the unique slug)."""
    row = _one(f"SELECT id, version, phase FROM {_SEASON} WHERE slug = %s", [slug])
    if row is None:
        return None
    pk, version, phase = row
    return Stamp(key=f"season:{pk}", version=str(version), finished=phase == Season.Phase.FINISHED,
                 pk=pk)


def match_stamp(*, slug: str, slot: str) -> Stamp | None:
    """A match's page version: its season's (every match service bumps it). 1 query."""
    row = _one(f"SELECT s.id, s.version, s.phase, m.id FROM {_MATCH} m "
               f"INNER JOIN {_SEASON} s ON s.id = m.season_id WHERE s.slug = %s AND m.slot = %s",
               [slug, slot])
    if row is None:
        return None
    season_pk, version, phase, match_pk = row
    return Stamp(key=f"match:{match_pk}", version=f"{season_pk}.{version}",
                 finished=phase == Season.Phase.FINISHED, pk=match_pk)


def archive_stamp() -> Stamp:
    """Version of everything the league has shown: any season's bump changes it. 1 query."""
    agg = Season.objects.aggregate(n=Count("pk"), total=Sum("version"), last=Max("pk"))
    return Stamp(key="league", version=f"{agg['n']}.{agg['total'] or 0}.{agg['last'] or 0}")


def team_stamp(*, slug: str) -> Stamp | None:
    """A team's page version: the versions of the seasons it entered. 1 query."""
    row = (Team.objects.filter(slug=slug)
           .annotate(n=Count("entries__season", filter=PUBLIC_ENTRY_OF_TEAM),
                     total=Sum("entries__season__version", filter=PUBLIC_ENTRY_OF_TEAM))
           .values_list("pk", "n", "total").first())
    if row is None or not row[1]:  # a team with no public entry has no public page
        return None
    pk, n, total = row
    return Stamp(key=f"team:{pk}", version=f"{n}.{total or 0}", pk=pk)


# --- Placeholders for bracket slots not yet filled (R14) ----------------------------------------

def _slot_sources() -> dict[tuple[str, str], tuple[str, str]]:
    """(target slot, corner) -> ("winner" | "loser", source slot), from the bracket rules."""
    sources = {}
    for source, target in bracket_rules.FEEDS.items():
        sources[target] = ("winner", source)
    for source, target in bracket_rules.LOSER_FEEDS.items():
        sources[target] = ("loser", source)
    return sources


SLOT_SOURCES = _slot_sources()


def placeholder(slot: str, corner: str) -> str:
    """What an empty corner waits for: "Winner of QF1", "Loser of SF2", or the QF draw."""
    source = SLOT_SOURCES.get((slot, corner))
    if source is None:
        if corner == "red":
            return str(_("A group winner"))
        return str(_("A group runner-up"))
    kind, from_slot = source
    if kind == "winner":
        return str(_("Winner of %(slot)s") % {"slot": from_slot})
    return str(_("Loser of %(slot)s") % {"slot": from_slot})


def _with_labels(matches: list[Match]) -> list[Match]:
    """Give every match ``red_waiting`` / ``blue_waiting``: the label of an empty corner."""
    for m in matches:
        m.red_waiting = "" if m.red_id else placeholder(m.slot, "red")
        m.blue_waiting = "" if m.blue_id else placeholder(m.slot, "blue")
    return matches


def _matches():
    return Match.objects.select_related("red__team", "blue__team", "group")


# --- Home: the seasons archive -------------------------------------------------------------------

@dataclass
class ArchiveSeason:
    season: Season
    champion: Placing | None
    live: int  # matches running now


@dataclass
class Archive:
    seasons: list[ArchiveSeason]

    @property
    def featured(self) -> ArchiveSeason | None:
        """The season to put first: one running now, else the most recent one."""
        running = [s for s in self.seasons if s.season.phase in (
            Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)]
        if running:
            return running[0]
        return self.seasons[0] if self.seasons else None


def season_archive() -> Archive:
    """Every season, newest first, with its champion and live matches. 2 queries."""
    seasons = list(Season.objects.annotate(
        live=Count("matches", filter=Q(matches__status__in=LIVE))).order_by("-starts_on", "-pk"))
    champions = {p.season_id: p for p in Placing.objects.filter(
        place=Reward.Place.CHAMPION).select_related("entry__team")}
    return Archive([ArchiveSeason(s, champions.get(s.pk), s.live) for s in seasons])


# --- Season home -----------------------------------------------------------------------------------

@dataclass
class SeasonOverview:
    season: Season
    live: list[Match]
    upcoming: list[Match]
    results: list[Match]
    rewards: list[Reward]
    placings: list[Placing]
    field_size: int
    matches_total: int
    matches_done: int

    @property
    def champion(self) -> Placing | None:
        return next((p for p in self.placings if p.place == Reward.Place.CHAMPION), None)

    @property
    def phases(self) -> list[dict]:
        """The six phases, each past, current or to come (for the phase tracker)."""
        now = self.season.phase_index()
        return [{"value": value, "label": label, "state": (
            "done" if i < now else "current" if i == now else "todo")}
            for i, (value, label) in enumerate(Season.Phase.choices)]


UPCOMING = 6
RESULTS = 6


def season_overview(*, season: Season) -> SeasonOverview:
    """Phase, live now, next matches, latest results, rewards and places. 4 queries."""
    matches = _with_labels(list(_matches().filter(season=season).order_by("scheduled_at", "slot")))
    live = [m for m in matches if m.status in LIVE]
    upcoming = [m for m in matches if m.status == Match.Status.SCHEDULED][:UPCOMING]
    done = [m for m in matches if m.is_done]
    results = sorted(done, key=lambda m: (m.finished_at or m.scheduled_at or dt.datetime.min.replace(
        tzinfo=dt.UTC), m.pk), reverse=True)[:RESULTS]
    rewards = list(season.rewards.order_by("place"))
    placings = list(season.placings.select_related("entry__team").order_by(
        "place", "entry__team__name_en"))
    field_size = season.entries.filter(status=Entry.Status.QUALIFIED).count()
    return SeasonOverview(season=season, live=live, upcoming=upcoming, results=results,
                          rewards=rewards, placings=placings, field_size=field_size,
                          matches_total=len(matches), matches_done=len(done))


# --- Groups ------------------------------------------------------------------------------------------

def season_groups(*, season: Season) -> list[GroupTable]:
    """The four tables with the R12 columns and the rule that separated each tie. 5 queries."""
    tables = season_standings(season=season)
    for table in tables:
        _with_labels(table.matches)
        for m in table.matches:
            m.group = table.group  # known already: no query per match
        table.grid = _results_grid(table)
        rows = table.rows
        for index, row in enumerate(rows):
            below = rows[index + 1] if index + 1 < len(rows) else None
            # A tie broken by a rule other than points: name the team it was broken against.
            row.tie_with = below if (below is not None and row.separated_by not in (None, "points")
                                     ) else None
            row.level_with = (below is not None and row.separated_by is None
                              and row.points == below.points)
    return tables


@dataclass
class GridCell:
    match: Match | None
    ours: int = 0
    theirs: int = 0
    result: str = ""  # "won", "lost" or "" (not played yet)


def _results_grid(table: GroupTable) -> list[tuple[object, list[GridCell | None]]]:
    """Each team's results against each other team of the group (rows and columns in table
    order; None on the diagonal)."""
    order = [row.entry for row in table.rows]
    by_pair = {}
    for m in table.matches:
        by_pair[(m.red_id, m.blue_id)] = m
        by_pair[(m.blue_id, m.red_id)] = m
    grid = []
    for us in order:
        cells: list[GridCell | None] = []
        for them in order:
            if us.pk == them.pk:
                cells.append(None)
                continue
            m = by_pair.get((us.pk, them.pk))
            if m is None:
                cells.append(GridCell(match=None))
                continue
            corner = "red" if m.red_id == us.pk else "blue"
            other = "blue" if corner == "red" else "red"
            result = ""
            if m.is_done:
                result = "won" if m.winner_id == us.pk else "lost"
            cells.append(GridCell(match=m, ours=getattr(m, f"{corner}_rounds"),
                                  theirs=getattr(m, f"{other}_rounds"), result=result))
        grid.append((us, cells))
    return grid


# --- Bracket ------------------------------------------------------------------------------------------

@dataclass
class BracketSlot:
    slot: str
    title: str
    match: Match | None
    red_waiting: str
    blue_waiting: str

    @property
    def winner_corner(self) -> str | None:
        m = self.match
        if m is None or m.winner_id is None:
            return None
        return "red" if m.winner_id == m.red_id else "blue"


@dataclass
class BracketView:
    season: Season
    # (title, pairs of slots): each pair feeds one slot of the next column.
    columns: list[tuple[str, list[list[BracketSlot]]]]
    third_place: BracketSlot | None
    champion: Placing | None
    belt: Reward | None
    drawn: bool

    @property
    def final(self) -> BracketSlot:
        return self.columns[-1][1][0][0]


SLOT_TITLES = {
    "QF1": _("Quarterfinal 1"), "QF2": _("Quarterfinal 2"), "QF3": _("Quarterfinal 3"),
    "QF4": _("Quarterfinal 4"), "SF1": _("Semifinal 1"), "SF2": _("Semifinal 2"),
    "F": _("Final"), "3P": _("Third-place match"),
}


def bracket_for(*, season: Season) -> BracketView:
    """The knockout as a bracket, empty corners labelled by the slot feeding them. 3 queries."""
    matches = {m.slot: m for m in _with_labels(list(
        _matches().filter(season=season).exclude(stage=Match.Stage.GROUP)))}
    champion = (season.placings.filter(place=Reward.Place.CHAMPION)
                .select_related("entry__team").first())
    belt = season.rewards.filter(place=Reward.Place.CHAMPION).first()

    def slot(name: str) -> BracketSlot:
        m = matches.get(name)
        return BracketSlot(slot=name, title=str(SLOT_TITLES[name]), match=m,
                           red_waiting=m.red_waiting if m else placeholder(name, "red"),
                           blue_waiting=m.blue_waiting if m else placeholder(name, "blue"))

    qf, sf = bracket_rules.QF_SLOTS, bracket_rules.SF_SLOTS
    columns = [
        (str(_("Quarterfinals")), [[slot(qf[0]), slot(qf[1])], [slot(qf[2]), slot(qf[3])]]),
        (str(_("Semifinals")), [[slot(sf[0]), slot(sf[1])]]),
        (str(_("Final")), [[slot(bracket_rules.FINAL)]]),
    ]
    third = slot(bracket_rules.THIRD) if season.third_place_match else None
    return BracketView(season=season, columns=columns, third_place=third, champion=champion,
                       belt=belt, drawn=bool(matches))


# --- Schedule ---------------------------------------------------------------------------------------

@dataclass
class ScheduleDay:
    date: dt.date | None
    number: int
    rings: list[tuple[str, list[Match]]]

    @property
    def matches(self) -> list[Match]:
        return [m for _ring, ms in self.rings for m in ms]


def schedule_for(*, season: Season) -> list[ScheduleDay]:
    """Every match by day (in the season's time zone) and ring, each with ``estimated_at``.
    1 query."""
    return _schedule_days(season, _schedule_matches(season))


def _schedule_matches(season: Season) -> list[Match]:
    matches = list(_matches().filter(season=season).order_by("scheduled_at", "ring", "slot"))
    return rings.with_estimates(_with_labels(matches), season=season)


def _schedule_days(season: Season, matches: list[Match]) -> list[ScheduleDay]:
    tz = season.tz
    days: dict[dt.date | None, dict[str, list[Match]]] = {}
    for m in matches:
        day = m.scheduled_at.astimezone(tz).date() if m.scheduled_at else None
        days.setdefault(day, {}).setdefault(m.ring or "", []).append(m)
    ring_order = {name: i for i, name in enumerate(season.ring_list)}
    result = []
    for number, (day, by_ring) in enumerate(
            sorted(days.items(), key=lambda kv: (kv[0] is None, kv[0] or dt.date.min)), start=1):
        ordered = sorted(by_ring.items(), key=lambda kv: (ring_order.get(kv[0], 99), kv[0]))
        result.append(ScheduleDay(date=day, number=number, rings=ordered))
    return result


@dataclass
class SchedulePage:
    """The schedule as a phone opens it: the day of the live or next fight (or the day asked
    for), the rings' queues above it and the other days a tap away."""

    days: list[ScheduleDay]
    day: ScheduleDay | None  # the day shown
    current: ScheduleDay | None  # the day of the live or next fight
    focus: Match | None  # the live or next fight
    rings: list[rings.RingQueue]


def schedule_page(*, season: Season, day: int | None = None) -> SchedulePage:
    """The schedule page: one day (``day`` = its number, else the current one). 1 query.

    The current day is chosen from what the database holds (the match called or under way,
    else the first not over), never from the server's clock, so the page is right for as long
    as the public version it is cached under."""
    matches = _schedule_matches(season)
    days = _schedule_days(season, matches)
    focus = rings.focus_match(matches)
    current = next((d for d in days if focus in d.matches), days[-1] if days else None)
    shown = next((d for d in days if d.number == day), current)
    queues = rings.queues_from(matches, season=season) if focus is not None else []
    return SchedulePage(days=days, day=shown, current=current, focus=focus, rings=queues)


# --- Match ---------------------------------------------------------------------------------------------

@dataclass
class CornerDetail:
    corner: str
    entry: Entry | None
    waiting: str
    robot: Robot | None  # fielded at check-in
    seal: str
    rounds_won: int
    knockdowns: int = 0
    points: int = 0
    fouls: int = 0
    allowances: dict[str, int] = field(default_factory=dict)
    replacement: Replacement | None = None
    robots: list[Robot] = field(default_factory=list)  # registered: primary and backup


@dataclass
class MatchDetail:
    season: Season
    match: Match
    rounds: list[Round]
    red: CornerDetail
    blue: CornerDetail
    referees: list[str]  # display names (public_names), never user names
    failures: list[FailureReport]
    winner_corner: str | None
    # R18: who protested and the ruling; the statement and the evidence are not public.
    protests: list[Protest] = field(default_factory=list)

    @property
    def under_protest(self) -> bool:
        return any(p.is_pending for p in self.protests)

    @property
    def corners(self) -> list[CornerDetail]:
        return [self.red, self.blue]

    @property
    def current_round(self) -> int | None:
        if self.match.status != Match.Status.LIVE:
            return None
        return min(len(self.rounds) + 1, self.season.best_of)

    @property
    def is_live(self) -> bool:
        return self.match.status in LIVE


def _get_match(slug: str, slot: str) -> Match:
    match = (_matches().select_related("season", "winner__team", "red_robot", "blue_robot",
                                       "winner_to", "loser_to")
             .filter(season__slug=slug, slot=slot).first())
    if match is None:
        raise Http404("No such match")
    _with_labels([match])
    return match


def match_detail(*, slug: str, slot: str) -> MatchDetail:
    """A match round by round: robots, seals, referees, failures, replacement, result, protests
    and their rulings. 8 queries."""
    match = _get_match(slug, slot)
    rounds = list(match.rounds.order_by("number"))
    uses = list(match.allowances.all())
    referees = public_names(match.referees.order_by("last_name", "first_name", "pk"))
    entry_ids = [pk for pk in (match.red_id, match.blue_id) if pk]
    robots = defaultdict(list)
    for robot in Robot.objects.filter(entry_id__in=entry_ids).order_by("-role"):
        robots[robot.entry_id].append(robot)
    replacements = {r.entry_id: r for r in Replacement.objects.filter(entry_id__in=entry_ids)
                    .select_related("old_robot", "new_robot", "failure_report__match")}
    failures = list(FailureReport.objects.filter(DECIDED).filter(Q(match=match) | Q(
        entry_id__in=entry_ids, status=FailureReport.Status.APPROVED, irreversible=True))
        .select_related("robot", "entry__team", "match").order_by("filed_at"))
    protests = list(Protest.objects.filter(match=match).select_related("entry__team")
                    .defer("statement").order_by("filed_at", "pk"))  # the statement is private
    corners = {}
    for corner in ("red", "blue"):
        entry = match.entry_of(corner)
        detail = CornerDetail(
            corner=corner, entry=entry, waiting=getattr(match, f"{corner}_waiting"),
            robot=getattr(match, f"{corner}_robot"), seal=getattr(match, f"{corner}_seal"),
            rounds_won=getattr(match, f"{corner}_rounds"),
            replacement=replacements.get(entry.pk) if entry else None,
            robots=robots.get(entry.pk, []) if entry else [])
        for r in rounds:
            detail.knockdowns += r.get(corner, "knockdowns")
            detail.points += r.get(corner, "points")
            detail.fouls += r.get(corner, "fouls")
        for kind, _label in AllowanceUse.Kind.choices:
            detail.allowances[kind] = sum(1 for u in uses if u.corner == corner and u.kind == kind)
        corners[corner] = detail
    return MatchDetail(season=match.season, match=match, rounds=rounds, red=corners["red"],
                       blue=corners["blue"], referees=referees, failures=failures,
                       winner_corner=_winner_corner(match), protests=protests)


@dataclass
class OverlayCorner:
    corner: str
    entry: Entry | None
    waiting: str
    robot: Robot | None
    rounds_won: int
    knockdowns: int
    pips: list[bool]  # one per round needed to win, lit for each round won


@dataclass
class Overlay:
    season: Season
    match: Match
    rounds: list[Round]
    corners: list[OverlayCorner]
    winner_corner: str | None

    @property
    def current_round(self) -> int:
        done = len(self.rounds)
        if self.match.status == Match.Status.LIVE:
            return min(done + 1, self.season.best_of)
        return max(done, 1)


def overlay_for(*, slug: str, slot: str) -> Overlay:
    """The broadcast overlay: corners, robots, round, rounds won, knockdowns. 2 queries."""
    match = _get_match(slug, slot)
    rounds = list(match.rounds.order_by("number"))
    need = match.season.rounds_to_win
    corners = []
    for corner in ("red", "blue"):
        won = getattr(match, f"{corner}_rounds")
        corners.append(OverlayCorner(
            corner=corner, entry=match.entry_of(corner), waiting=getattr(match, f"{corner}_waiting"),
            robot=getattr(match, f"{corner}_robot"), rounds_won=won,
            knockdowns=sum(r.get(corner, "knockdowns") for r in rounds),
            pips=[i < won for i in range(max(need, won))]))
    return Overlay(season=match.season, match=match, rounds=rounds, corners=corners,
                   winner_corner=_winner_corner(match))


def _winner_corner(match: Match) -> str | None:
    if match.winner_id is None:
        return None
    return "red" if match.winner_id == match.red_id else "blue"


# --- Team --------------------------------------------------------------------------------------------

@dataclass
class RobotStory:
    robot: Robot
    fought: list[Match]
    failures: list[FailureReport]
    replaced_by: Robot | None = None
    replaces: Robot | None = None


@dataclass
class TeamSeason:
    entry: Entry
    members: list[TeamMember]
    robots: list[RobotStory]
    matches: list[Match]
    placing: Placing | None

    @property
    def season(self) -> Season:
        return self.entry.season

    @property
    def won(self) -> int:
        return sum(1 for m in self.matches if m.winner_id == self.entry.pk)

    @property
    def lost(self) -> int:
        return sum(1 for m in self.matches if m.is_done and m.winner_id != self.entry.pk)


@dataclass
class TeamDetail:
    team: Team
    seasons: list[TeamSeason]

    @property
    def placings(self) -> list[Placing]:
        return [s.placing for s in self.seasons if s.placing]

    @property
    def record(self) -> tuple[int, int]:
        return sum(s.won for s in self.seasons), sum(s.lost for s in self.seasons)


ROLE_ORDER = {role: i for i, role in enumerate(TeamMember.Role.values)}


def team_detail(*, slug: str) -> TeamDetail:
    """A team across seasons: members, robots and their story, results, rewards. 6 queries."""
    team = Team.objects.filter(PUBLIC_TEAM, slug=slug).distinct().first()
    if team is None:
        raise Http404("No such team")
    entries = list(team.entries.filter(PUBLIC_ENTRY)
                   .select_related("season", "group", "placing", "replacement")
                   .prefetch_related(
                       Prefetch("members", queryset=TeamMember.objects.order_by("role", "name")),
                       Prefetch("robots", queryset=Robot.objects.order_by("-role").prefetch_related(
                           Prefetch("failure_reports", queryset=FailureReport.objects.filter(
                               DECIDED).select_related("match").order_by("filed_at")))))
                   .order_by("-season__starts_on", "-season__pk"))
    ids = [e.pk for e in entries]
    matches = defaultdict(list)
    for m in _with_labels(list(_matches().filter(Q(red_id__in=ids) | Q(blue_id__in=ids))
                               .order_by("scheduled_at", "slot"))):
        matches[m.red_id if m.red_id in ids else m.blue_id].append(m)
    seasons = []
    for entry in entries:
        replacement = getattr(entry, "replacement", None)
        stories = []
        for robot in entry.robots.all():
            fought = [m for m in matches[entry.pk] if robot.pk in (m.red_robot_id, m.blue_robot_id)]
            story = RobotStory(robot=robot, fought=fought, failures=list(robot.failure_reports.all()))
            if replacement is not None:
                if replacement.old_robot_id == robot.pk:
                    story.replaced_by = next((r for r in entry.robots.all()
                                              if r.pk == replacement.new_robot_id), None)
                if replacement.new_robot_id == robot.pk:
                    story.replaces = next((r for r in entry.robots.all()
                                           if r.pk == replacement.old_robot_id), None)
            stories.append(story)
        for m in matches[entry.pk]:
            m.us = "red" if m.red_id == entry.pk else "blue"
            m.them = m.blue if m.us == "red" else m.red
            m.them_waiting = m.blue_waiting if m.us == "red" else m.red_waiting
        placing = getattr(entry, "placing", None)
        if placing is not None:
            placing.season = entry.season  # known already: no query
        members = sorted(entry.members.all(), key=lambda mb: (ROLE_ORDER.get(mb.role, 9), mb.name))
        seasons.append(TeamSeason(entry=entry, members=members, robots=stories,
                                  matches=matches[entry.pk], placing=placing))
    return TeamDetail(team=team, seasons=seasons)


def teams_index() -> list[Team]:
    """Every team that has entered a season, with how many. 1 query."""
    return list(Team.objects.annotate(seasons=Count("entries", filter=PUBLIC_ENTRY_OF_TEAM))
                .filter(seasons__gt=0).order_by("name_en"))


def season_entries(*, season: Season) -> list[Entry]:
    """The teams of a season's main event with robots and members (public entries only: an
    application is the team's and the league's until it qualifies). 3 queries."""
    return list(season.entries.filter(PUBLIC_ENTRY).select_related("team", "group").prefetch_related(
        Prefetch("robots", queryset=Robot.objects.order_by("-role")),
        Prefetch("members", queryset=TeamMember.objects.order_by("role", "name")))
        .order_by("seed", "team__name_en"))


def season_matches(*, season: Season) -> list[Match]:
    """Every match of a season with its robots and rounds. 2 queries."""
    return _with_labels(list(_matches().select_related("red_robot", "blue_robot").filter(season=season)
                             .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("number")))
                             .order_by("scheduled_at", "slot")))
