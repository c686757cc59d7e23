"""Reads of the referee pages (fixed query counts; pinned in tests/referee/test_queries.py):
the match card, a referee's matches, a season's days, the failure queue."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from .. import roles, services
from ..models import AllowanceUse, AuditEvent, Corner, Entry, FailureReport, Match, Robot, Round, Season
from ..services.preconditions import no_robot_left
from .clock import state_of

LIVE_PHASES = (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)


COUNTDOWN_OF = {"manual_reset": "reset", "tactical_timeout": "timeout",
                "emergency_repair": "repair"}


@dataclass
class AllowanceView:
    kind: str
    label: str
    used: int
    limit: int

    @property
    def countdown(self) -> str:
        """The clock's countdown this allowance starts (R17)."""
        return COUNTDOWN_OF[self.kind]

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def at_limit(self) -> bool:
        return self.used >= self.limit


@dataclass
class CornerView:
    corner: str
    label: str
    entry: Entry | None
    robots: list[Robot]
    active_robot: Robot | None
    checked_in_robot: Robot | None
    seal: str
    rounds_won: int
    is_winner: bool
    allowances: list[AllowanceView]
    replaced: bool
    forfeit_only: bool = False  # every robot of the team has failed (R4, R5)

    @property
    def team(self):
        return self.entry.team if self.entry else None


@dataclass
class MatchCard:
    match: Match
    corners: list[CornerView]
    rounds: list[Round]
    reports: list[FailureReport]
    history: list[AuditEvent]
    referees: list
    can_run: bool
    can_correct: bool
    clock: dict | None = None

    @property
    def last_entry(self):
        """The latest round or allowance use (what undo takes back), from what is loaded."""
        entries = [*self.rounds, *self.match.allowances.all()]
        return max(entries, key=lambda e: (e.recorded_at, e.pk), default=None)

    @property
    def can_undo(self) -> bool:
        match = self.match
        entry = self.last_entry
        return (self.can_run and not match.signed_off_at and entry is not None
                and match.status in (Match.Status.LIVE, Match.Status.FINISHED)
                and match.method not in ("forfeit", "dq"))

    @property
    def red(self) -> CornerView:
        return self.corners[0]

    @property
    def blue(self) -> CornerView:
        return self.corners[1]

    @property
    def next_round(self) -> int | None:
        if self.match.status != Match.Status.LIVE:
            return None
        return len(self.rounds) + 1

    @property
    def needs_sign_off(self) -> bool:
        return self.match.is_done and not self.match.signed_off_at

    @property
    def sections(self) -> dict[str, bool]:
        """Which forms the card shows in the match's state (the template asks the same thing)."""
        status, run = self.match.status, self.can_run
        done = self.match.is_done
        return {
            "checkin": run and status in (Match.Status.SCHEDULED, Match.Status.CHECKED_IN),
            "start": run and status == Match.Status.CHECKED_IN,
            "round": run and status == Match.Status.LIVE,
            "allowance": run and status == Match.Status.LIVE,
            "swap": run and status == Match.Status.LIVE,
            "failure": run,
            "forfeit": run and not done,
            "signoff": run and done and not self.match.signed_off_at,
            "correct": self.can_correct and status == Match.Status.FINISHED,
            "clock_start": run and status == Match.Status.LIVE,
            "clock_pause": run and status == Match.Status.LIVE,
            "clock_resume": run and status == Match.Status.LIVE,
            "countdown": run and status == Match.Status.LIVE,
            "countdown_end": run and status == Match.Status.LIVE,
            "undo": self.can_undo,
        }

    @property
    def polls(self) -> bool:
        """Watch for changes made on another device while there is something left to do."""
        return not (self.match.is_done and self.match.signed_off_at)


def _match_queryset():
    # Few joins on purpose: past 12 tables PostgreSQL plans with its genetic optimizer, and this
    # read runs after every tap. The winner and the signer are filled in from what is loaded.
    return (Match.objects
            .select_related("season", "group", "red__team", "blue__team", "red_robot", "blue_robot")
            .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("number")),
                              "allowances", "referees", "red__robots", "blue__robots"))


def match_card(*, pk: int, user) -> MatchCard:
    """Everything the match card shows: 8 queries whatever the match's history, plus the two
    active_robot() look-ups per corner before the start."""
    match = get_object_or_404(_match_queryset(), pk=pk)
    if match.winner_id is not None:
        match.winner = match.red if match.winner_id == match.red_id else match.blue
    referees = list(match.referees.all())
    signer = next((r for r in referees if r.pk == match.signed_off_by_id), None)
    if signer is not None:
        match.signed_off_by = signer
    uses: dict[tuple[str, str], int] = {}
    for use in match.allowances.all():
        uses[(use.corner, use.kind)] = uses.get((use.corner, use.kind), 0) + 1
    corners = []
    before_start = match.status in (Match.Status.SCHEDULED, Match.Status.CHECKED_IN)
    for corner in (Corner.RED, Corner.BLUE):
        entry = match.entry_of(corner)
        # every robot failed: no active robot, the team can only forfeit (R4, R5)
        forfeit_only = bool(entry) and no_robot_left(entry.robots.all())
        # the robot the team would check in now: only asked for before the start (R5)
        active = services.active_robot(entry) if entry and before_start and not forfeit_only else None
        corners.append(CornerView(
            corner=corner, label=Corner(corner).label, entry=entry,
            robots=list(entry.robots.all()) if entry else [],
            active_robot=active,
            checked_in_robot=getattr(match, f"{corner}_robot"),
            seal=getattr(match, f"{corner}_seal"),
            rounds_won=getattr(match, f"{corner}_rounds"),
            is_winner=bool(match.winner_id and match.winner_id == match.entry_id_of(corner)),
            allowances=[AllowanceView(kind=k, label=AllowanceUse.Kind(k).label,
                                      used=uses.get((corner, k), 0), limit=limit)
                        for k, limit in AllowanceUse.LIMITS.items()],
            replaced=bool(active and active.role == Robot.Role.BACKUP),
            forfeit_only=forfeit_only,
        ))
    reports = list(FailureReport.objects.filter(match=match)
                   .select_related("robot", "entry__team", "filed_by", "decided_by"))
    history = list(
        AuditEvent.objects.filter(
            Q(object_type="match", object_id=match.pk)
            | Q(object_type="failurereport", object_id__in=[r.pk for r in reports]))
        .select_related("actor").order_by("-at", "-id")[:200])
    rounds = list(match.rounds.all())
    return MatchCard(
        match=match, corners=corners, rounds=rounds, reports=reports,
        history=history, referees=referees,
        can_run=any(r.pk == user.pk for r in referees),
        can_correct=roles.is_head_referee(user),
        # the clock (R17): one query, only while the match is live
        clock=(state_of(match, round_number=len(rounds) + 1)
               if match.status == Match.Status.LIVE else None),
    )


def deciding_preview(*, match_id: int, winner: str) -> dict | None:
    """What recording a round won by ``winner`` would do, if it decides the match (R8, R14):
    the match ends with that score, and the bracket slots it feeds. 1 query; None otherwise."""
    match = (Match.objects.select_related("season", "red__team", "blue__team", "winner_to",
                                          "loser_to").get(pk=match_id))
    if match.status != Match.Status.LIVE or winner not in Corner.values:
        return None
    won = getattr(match, f"{winner}_rounds") + 1
    if won < match.season.rounds_to_win:
        return None
    score = {"red": match.red_rounds, "blue": match.blue_rounds}
    score[winner] = won
    loser = Corner.other(winner)
    return {
        "winner": match.entry_of(winner).team, "winner_corner": winner,
        "loser": match.entry_of(loser).team, "red": score["red"], "blue": score["blue"],
        "winner_to": match.winner_to, "winner_to_corner": match.winner_to_corner,
        "loser_to": match.loser_to, "loser_to_corner": match.loser_to_corner,
    }


def can_view(user, card: MatchCard) -> bool:
    """Who may look at a match card: its referees, the head referees and the organizers."""
    return card.can_run or roles.is_head_referee(user) or roles.is_organizer(user)


@dataclass
class DayOfMatches:
    day: dt.date
    matches: list[Match]


@dataclass
class MyMatches:
    today: list[Match] = field(default_factory=list)
    attention: list[Match] = field(default_factory=list)
    upcoming: list[Match] = field(default_factory=list)
    done: list[Match] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.today or self.attention or self.upcoming or self.done)


def _local_day(match: Match) -> dt.date | None:
    if match.scheduled_at is None:
        return None
    return match.scheduled_at.astimezone(match.season.tz).date()


def my_matches(*, user, now: dt.datetime) -> MyMatches:
    """The matches assigned to a referee in running seasons, today's first, each in its season's
    time zone. 1 query."""
    result = MyMatches()
    matches = (Match.objects.filter(referees=user, season__phase__in=LIVE_PHASES)
               .select_related("season", "red__team", "blue__team", "winner__team")
               .order_by("scheduled_at", "slot"))
    for match in matches:
        today = now.astimezone(match.season.tz).date()
        day = _local_day(match)
        if day == today:
            result.today.append(match)
        elif day is not None and day > today:
            result.upcoming.append(match)
        elif not match.is_done or not match.signed_off_at:
            result.attention.append(match)
        else:
            result.done.append(match)
    result.done.reverse()
    return result


def running_seasons() -> list[Season]:
    """Seasons whose matches are being fought, newest first. 1 query."""
    return list(Season.objects.filter(phase__in=LIVE_PHASES).order_by("-starts_on", "-pk"))


def season_days(*, season: Season) -> list[DayOfMatches]:
    """Every match of a season with its referees, by day in the season's time zone. 2 queries."""
    days: dict[dt.date | None, list[Match]] = {}
    for match in (Match.objects.filter(season=season)
                  .select_related("season", "red__team", "blue__team", "winner__team")
                  .prefetch_related("referees").order_by("scheduled_at", "slot")):
        days.setdefault(_local_day(match), []).append(match)
    return [DayOfMatches(day=d, matches=ms) for d, ms in days.items()]


def failure_queue() -> list[FailureReport]:
    """Pending failure reports of the running seasons, oldest first. 1 query."""
    return list(FailureReport.objects.filter(status=FailureReport.Status.PENDING,
                                             entry__season__phase__in=LIVE_PHASES)
                .select_related("robot", "entry__team", "entry__season", "match", "filed_by")
                .order_by("filed_at", "pk"))


def recent_decisions(limit: int = 20) -> list[FailureReport]:
    """The panel's latest decisions, newest first. 1 query."""
    return list(FailureReport.objects.exclude(status=FailureReport.Status.PENDING)
                .select_related("robot", "entry__team", "match", "filed_by", "decided_by",
                                "replacement__new_robot")
                .order_by("-decided_at", "-pk")[:limit])


# --- Access ------------------------------------------------------------------------------

