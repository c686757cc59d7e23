"""Knockout bracket: quarterfinal crossings (R13), advancing (R14) and final places (R15)."""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping
from functools import cache
from itertools import permutations
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

QF_SLOTS = ("QF1", "QF2", "QF3", "QF4")
SF_SLOTS = ("SF1", "SF2")
FINAL = "F"
THIRD = "3P"
RED = "red"
BLUE = "blue"

# Winner of a slot -> (the slot it moves on to, its corner there).
FEEDS: dict[str, tuple[str, str]] = {
    "QF1": ("SF1", RED),
    "QF2": ("SF1", BLUE),
    "QF3": ("SF2", RED),
    "QF4": ("SF2", BLUE),
    "SF1": (FINAL, RED),
    "SF2": (FINAL, BLUE),
}
# Loser of a semifinal -> the third-place match.
LOSER_FEEDS: dict[str, tuple[str, str]] = {
    "SF1": (THIRD, RED),
    "SF2": (THIRD, BLUE),
}
_TOP_HALF = frozenset(("QF1", "QF2"))  # feeds SF1; QF3 and QF4 feed SF2

# Final place -> reward tiers (R15): places 5-8 are shared by the quarterfinal losers.
CHAMPION, RUNNER_UP, THIRD_PLACE, FOURTH_PLACE, QUARTERFINALIST = 1, 2, 3, 4, 5


def quarterfinal_arrangements(groups: Iterable[str]) -> list[tuple[tuple[str, str], ...]]:
    """Every valid crossing, in a fixed order, as ((winner's group, runner-up's group), ...)
    for QF1..QF4.

    A group winner (red) meets the runner-up of another group (blue), and the two teams of one
    group sit in opposite halves (QF1/QF2 feed SF1, QF3/QF4 feed SF2), so they cannot meet
    before the final (or the third-place match, if both lose their semifinals).
    """
    return list(_arrangements(tuple(sorted(groups))))


@cache
def _arrangements(groups: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    found = []
    for reds in permutations(groups):
        for blues in permutations(groups):
            half: dict[str, set[bool]] = {}
            for slot, red, blue in zip(QF_SLOTS, reds, blues, strict=True):
                half.setdefault(red, set()).add(slot in _TOP_HALF)
                half.setdefault(blue, set()).add(slot in _TOP_HALF)
            if all(len(sides) == 2 for sides in half.values()):
                found.append(tuple(zip(reds, blues, strict=True)))
    return tuple(found)


def quarterfinal_pairs(
    winners: Mapping[str, T], runners_up: Mapping[str, T], seed: int
) -> list[tuple[T, T]]:
    """Draw the quarterfinals: (red, blue) for QF1..QF4, reproducibly from ``seed``.

    ``winners`` and ``runners_up`` map each of the 4 group names to a team. One arrangement is
    picked with ``random.Random(seed)`` from all valid ones, listed in a fixed order.
    """
    if set(winners) != set(runners_up):
        raise ValueError("Group winners and runners-up must come from the same groups.")
    if len(winners) != len(QF_SLOTS):
        raise ValueError(f"The quarterfinals need {len(QF_SLOTS)} groups, not {len(winners)}.")
    teams = [*winners.values(), *runners_up.values()]
    if len(set(teams)) != len(teams):
        raise ValueError("A team can take only one quarterfinal place.")
    arrangement = random.Random(seed).choice(_arrangements(tuple(sorted(winners))))
    return [(winners[red], runners_up[blue]) for red, blue in arrangement]


def final_places(results: Mapping[str, tuple[T, T]], *, third_place_match: bool) -> dict[T, int]:
    """Final place of every knockout team from slot -> (winner, loser).

    Final winner 1, loser 2; third-place match winner 3, loser 4 (without that match both
    semifinal losers are 3); quarterfinal losers share place 5 (places 5-8). The results must
    describe one consistent bracket (each match between the teams its feeding matches sent).
    """
    needed = [*QF_SLOTS, *SF_SLOTS, FINAL] + ([THIRD] if third_place_match else [])
    missing = [slot for slot in needed if slot not in results]
    if missing:
        raise ValueError(f"The bracket is not finished: no result for {', '.join(missing)}.")
    for slot in needed:
        winner, loser = results[slot]
        if winner == loser:
            raise ValueError(f"{slot}: a team cannot beat itself.")
    expected: dict[str, set[T]] = {}
    for slot, (target, _corner) in FEEDS.items():
        expected.setdefault(target, set()).add(results[slot][0])
    if third_place_match:
        for slot, (target, _corner) in LOSER_FEEDS.items():
            expected.setdefault(target, set()).add(results[slot][1])
    for slot, teams in expected.items():
        if set(results[slot]) != teams:
            raise ValueError(f"{slot} was not fought between the teams its earlier matches sent.")

    places: dict[T, int] = {}
    for slot in QF_SLOTS:
        places[results[slot][1]] = QUARTERFINALIST
    for slot in SF_SLOTS:
        places[results[slot][1]] = THIRD_PLACE
    if third_place_match:
        places[results[THIRD][0]] = THIRD_PLACE
        places[results[THIRD][1]] = FOURTH_PLACE
    places[results[FINAL][0]] = CHAMPION
    places[results[FINAL][1]] = RUNNER_UP
    return places
