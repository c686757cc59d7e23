"""Group standings and their tie-breakers (R12)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T", bound=Hashable)

POINTS_PER_WIN = 3

CRITERIA = (
    "points",
    "head_to_head",
    "round_difference",
    "ko_wins",
    "point_difference",
    "discipline",
    "lots",
)
# Applied, in this order, to teams level on points; a split restarts them for each subset.
_TIE_CRITERIA = CRITERIA[1:]


@dataclass(frozen=True)
class MatchRecord(Generic[T]):
    """A finished group match. ``winner`` is None only for a double forfeit (loss for both)."""

    red: T
    blue: T
    winner: T | None
    red_rounds: int = 0  # rounds won
    blue_rounds: int = 0
    red_ko_rounds: int = 0  # rounds won by knockout or technical knockout
    blue_ko_rounds: int = 0
    red_points: int = 0  # round points, summed over the match
    blue_points: int = 0
    red_discipline: int = 0  # fouls + manual resets
    blue_discipline: int = 0


@dataclass
class StandingRow(Generic[T]):
    team: T
    position: int  # 1-based
    played: int = 0
    won: int = 0
    lost: int = 0
    points: int = 0
    rounds_won: int = 0
    rounds_lost: int = 0
    round_diff: int = 0
    ko_wins: int = 0
    points_for: int = 0
    points_against: int = 0
    point_diff: int = 0
    discipline: int = 0
    # The criterion that separated this row from the row below; None on the last row and
    # between teams that are still tied.
    separated_by: str | None = None
    # Still level after every criterion and no (distinct) lots recorded: the organizer must
    # draw lots among these teams.
    lots_needed: bool = False


def rank(
    teams: Iterable[T],
    matches: Iterable[MatchRecord[T]],
    lots: Mapping[T, int] | None = None,
) -> list[StandingRow[T]]:
    """Return the group table, best first.

    Order by points (3 per win). Teams level on points are separated, in order, by: points in
    the matches among exactly the tied teams, round difference, KO + TKO round wins, round-point
    difference, fewer fouls + manual resets, then the organizer's lots (lower number first).
    Whenever a criterion splits the tied teams, every subset still tied is resolved again from
    head-to-head among its own members. Teams still level without (distinct) lots stay tied:
    sorted by key, ``lots_needed`` set and no ``separated_by`` between them. Matches involving
    a team outside ``teams`` are ignored; the result does not depend on input order.
    """
    members = sorted(set(teams))
    member_set = set(members)
    played = [m for m in matches if m.red in member_set and m.blue in member_set]
    rows = {team: StandingRow(team=team, position=0) for team in members}
    for match in played:
        if match.red == match.blue:
            raise ValueError(f"A team cannot fight itself ({match.red!r}).")
        if match.winner is not None and match.winner not in (match.red, match.blue):
            raise ValueError(f"The winner {match.winner!r} did not fight in this match.")
        for side, other in (("red", "blue"), ("blue", "red")):
            row = rows[getattr(match, side)]
            row.played += 1
            if match.winner == getattr(match, side):
                row.won += 1
            else:
                row.lost += 1
            row.rounds_won += getattr(match, f"{side}_rounds")
            row.rounds_lost += getattr(match, f"{other}_rounds")
            row.ko_wins += getattr(match, f"{side}_ko_rounds")
            row.points_for += getattr(match, f"{side}_points")
            row.points_against += getattr(match, f"{other}_points")
            row.discipline += getattr(match, f"{side}_discipline")
    for row in rows.values():
        row.points = POINTS_PER_WIN * row.won
        row.round_diff = row.rounds_won - row.rounds_lost
        row.point_diff = row.points_for - row.points_against

    ranker = _Ranker(rows, played, lots or {})
    ordered = ranker.order(members, CRITERIA) if members else []
    table = []
    for position, (team, separated_by) in enumerate(ordered, start=1):
        row = rows[team]
        row.position = position
        row.separated_by = separated_by
        row.lots_needed = team in ranker.unresolved
        table.append(row)
    return table


def needs_lots(rows: Sequence[StandingRow[T]]) -> list[list[T]]:
    """Return the groups of teams (as ranked) still tied that need the organizer to draw lots."""
    groups: list[list[T]] = []
    current: list[T] = []
    for row in rows:
        if row.lots_needed:
            current.append(row.team)
        if not row.lots_needed or row.separated_by is not None:
            if len(current) > 1:
                groups.append(current)
            current = []
    if len(current) > 1:
        groups.append(current)
    return groups


class _Ranker(Generic[T]):
    def __init__(
        self,
        rows: Mapping[T, StandingRow[T]],
        matches: Sequence[MatchRecord[T]],
        lots: Mapping[T, int],
    ) -> None:
        self.rows = rows
        self.matches = matches
        self.lots = lots
        self.unresolved: set[T] = set()

    def order(self, tied: list[T], criteria: Sequence[str]) -> list[tuple[T, str | None]]:
        """Order ``tied``; each team comes with the criterion separating it from the next."""
        if len(tied) == 1:
            return [(tied[0], None)]
        for criterion in criteria:
            values = self._values(criterion, tied)
            if values is None:
                continue
            levels = sorted(set(values.values()), reverse=True)
            if len(levels) == 1:
                continue
            ordered: list[tuple[T, str | None]] = []
            for level in levels:
                subset = [team for team in tied if values[team] == level]
                if ordered:
                    ordered[-1] = (ordered[-1][0], criterion)
                ordered.extend(self.order(subset, _TIE_CRITERIA))
            return ordered
        self.unresolved.update(tied)
        return [(team, None) for team in sorted(tied)]

    def _values(self, criterion: str, tied: list[T]) -> dict[T, Any] | None:
        """Each team's value for ``criterion``, higher is better; None if it cannot apply."""
        rows = self.rows
        if criterion == "points":
            return {team: rows[team].points for team in tied}
        if criterion == "head_to_head":
            among = set(tied)
            mini = dict.fromkeys(tied, 0)
            for match in self.matches:
                if match.red in among and match.blue in among and match.winner is not None:
                    mini[match.winner] += POINTS_PER_WIN
            return mini
        if criterion == "round_difference":
            return {team: rows[team].round_diff for team in tied}
        if criterion == "ko_wins":
            return {team: rows[team].ko_wins for team in tied}
        if criterion == "point_difference":
            return {team: rows[team].point_diff for team in tied}
        if criterion == "discipline":
            return {team: -rows[team].discipline for team in tied}
        if criterion == "lots":
            if any(team not in self.lots for team in tied):
                return None
            return {team: -self.lots[team] for team in tied}
        raise AssertionError(f"unknown criterion {criterion}")
