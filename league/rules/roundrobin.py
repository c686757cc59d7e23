"""Single round robin pairing by the circle method (R11)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

_BYE = object()


def round_robin(teams: Sequence[T]) -> list[list[tuple[T, T]]]:
    """Return the match days of a single round robin, each a list of (red, blue) pairs.

    Circle method: the first slot stays put and the others rotate one place per day. Every pair
    meets exactly once and nobody fights twice on a day. With an odd number of teams a bye is
    added and the team drawn against it sits that day out, so n teams give n - 1 days (n even)
    or n days (n odd). Corners alternate as in Berger tables: every team's red and blue counts
    differ by at most one and nobody takes the same corner more than twice in a row.
    The result depends only on the order of ``teams``.
    """
    players: list[object] = list(teams)
    if len(players) < 2:
        raise ValueError("A round robin needs at least 2 teams.")
    if len(set(players)) != len(players):
        raise ValueError("A team can appear only once in a round robin.")
    if len(players) % 2:
        # The bye takes the fixed slot, so the team that sits out rotates.
        players.insert(0, _BYE)
    size = len(players)
    days: list[list[tuple[T, T]]] = []
    for day_index in range(size - 1):
        day: list[tuple[T, T]] = []
        for i in range(size // 2):
            red, blue = players[i], players[size - 1 - i]
            swap = day_index % 2 == 1 if i == 0 else i % 2 == 1
            if swap:
                red, blue = blue, red
            if red is not _BYE and blue is not _BYE:
                day.append((red, blue))  # type: ignore[arg-type]
        days.append(day)
        players = [players[0], players[-1], *players[1:-1]]
    return days
