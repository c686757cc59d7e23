"""Reads that pages, the API and the services need, each with a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from ..models import AllowanceUse, Entry, Group, Match, Round, Season
from ..models.match import Method
from ..rules.tiebreak import MatchRecord, StandingRow, needs_lots, rank


@dataclass
class TableRow:
    entry: Entry
    stats: StandingRow

    def __getattr__(self, name):  # rows read like StandingRow in templates
        return getattr(self.stats, name)


@dataclass
class GroupTable:
    group: Group
    rows: list[TableRow]
    lots_needed: list[list[int]] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(m.is_done for m in self.matches)


def match_record(match: Match) -> MatchRecord:
    """A finished group match as the tie-break rules see it (R12)."""
    rounds = list(match.rounds.all())
    ko = {"red": 0, "blue": 0}
    points = {"red": 0, "blue": 0}
    fouls = {"red": 0, "blue": 0}
    for r in rounds:
        if r.method in (Method.KNOCKOUT, Method.TECHNICAL_KNOCKOUT):
            ko[r.winner] += 1
        for corner in ("red", "blue"):
            points[corner] += r.get(corner, "points")
            fouls[corner] += r.get(corner, "fouls")
    for use in match.allowances.all():
        if use.kind == AllowanceUse.Kind.MANUAL_RESET:
            fouls[use.corner] += 1
    if match.status == Match.Status.FORFEITED and match.winner_id is None:
        red_rounds = blue_rounds = 0  # a double forfeit: a loss for both
    else:
        red_rounds, blue_rounds = match.red_rounds, match.blue_rounds
    return MatchRecord(
        red=match.red_id, blue=match.blue_id, winner=match.winner_id,
        red_rounds=red_rounds, blue_rounds=blue_rounds,
        red_ko_rounds=ko["red"], blue_ko_rounds=ko["blue"],
        red_points=points["red"], blue_points=points["blue"],
        red_discipline=fouls["red"], blue_discipline=fouls["blue"])


def _match_queryset():
    return Match.objects.select_related("red__team", "blue__team", "winner__team").prefetch_related(
        Prefetch("rounds", queryset=Round.objects.order_by("number")), "allowances")


def _table(group: Group, entries: list[Entry], matches: list[Match]) -> GroupTable:
    finished = [m for m in matches if m.is_done]
    rows = rank([e.pk for e in entries], [match_record(m) for m in finished],
                lots={e.pk: e.lot for e in entries if e.lot is not None})
    by_pk = {e.pk: e for e in entries}
    return GroupTable(group=group, rows=[TableRow(by_pk[r.team], r) for r in rows],
                      lots_needed=needs_lots(rows), matches=matches)


def group_standings(*, group: Group) -> GroupTable:
    """One group's table, with the rule that separated each tie (R12). 4 queries."""
    entries = list(Entry.objects.filter(group=group).select_related("team"))
    matches = list(_match_queryset().filter(group=group).order_by("scheduled_at", "slot"))
    return _table(group, entries, matches)


def season_standings(*, season: Season) -> list[GroupTable]:
    """Every group's table of a season. 5 queries whatever the season's size."""
    groups = list(season.groups.order_by("name"))
    entries = defaultdict(list)
    for e in Entry.objects.filter(season=season, group__isnull=False).select_related("team"):
        entries[e.group_id].append(e)
    matches = defaultdict(list)
    for m in _match_queryset().filter(season=season, stage=Match.Stage.GROUP).order_by(
            "scheduled_at", "slot"):
        matches[m.group_id].append(m)
    return [_table(g, entries[g.pk], matches[g.pk]) for g in groups]
