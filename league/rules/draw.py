"""Group draw from seeded pots, keeping countries and organizations apart (R10)."""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations, permutations
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class DrawTeam(Generic[T]):
    key: T
    pot: int  # 1..number of groups
    country: str
    organization: str


@dataclass(frozen=True)
class DrawResult(Generic[T]):
    groups: dict[str, list[T]]  # group name -> team keys, ordered by pot
    conflicts: int  # same-country or same-organization pairs inside groups (both: counts 2)
    seed: int


def pair_conflicts(a: DrawTeam[T], b: DrawTeam[T]) -> int:
    """1 for a shared country, 1 for a shared organization (blank values never clash)."""
    return int(_same(a.country, b.country)) + int(_same(a.organization, b.organization))


def draw_conflicts(groups: Mapping[str, Sequence[T]], teams_by_key: Mapping[T, DrawTeam[T]]) -> int:
    """Count the same-country and same-organization pairs inside the groups."""
    return sum(
        pair_conflicts(teams_by_key[a], teams_by_key[b])
        for keys in groups.values()
        for a, b in combinations(keys, 2)
    )


def draw_groups(
    teams: Sequence[DrawTeam[T]],
    seed: int,
    group_names: Sequence[str] = "ABCD",
) -> DrawResult[T]:
    """Draw one team from each pot into every group, reproducibly from ``seed``.

    The teams are sorted by key (input order does not matter) and each pot is shuffled with
    ``random.Random(seed)``. Pot by pot, each team in turn goes to the first group (in
    ``group_names`` order) that has no team of its pot yet and still lets the whole draw finish
    with the fewest possible same-country / same-organization pairs: zero whenever a separated
    draw exists. This is the first draw, in that order, of a backtracking search that allows 0,
    1, 2, ... conflicts; to stay fast, the fewest possible is computed exactly beforehand (a
    search over whole pots, memoised on the unordered group contents) and the search prunes
    every partial draw that cannot finish within it, so it never has to undo a completed pot.
    """
    names = list(group_names)
    size = len(names)
    if size == 0:
        raise ValueError("The draw needs at least one group.")
    if len(set(names)) != size:
        raise ValueError("Group names must be different from each other.")
    keys = [team.key for team in teams]
    if len(set(keys)) != len(keys):
        raise ValueError("Each team can be drawn only once.")
    pots: dict[int, list[DrawTeam[T]]] = {}
    for team in sorted(teams, key=lambda team: team.key):
        if not 1 <= team.pot <= size:
            raise ValueError(
                f"Team {team.key!r} is in pot {team.pot}; pots are numbered 1 to {size}."
            )
        pots.setdefault(team.pot, []).append(team)
    for pot in range(1, size + 1):
        count = len(pots.get(pot, []))
        if count != size:
            raise ValueError(
                f"Pot {pot} has {count} teams; each of the {size} pots needs exactly {size} "
                f"(one per group), {size * size} teams in all."
            )

    rng = random.Random(seed)
    order: list[DrawTeam[T]] = []
    for pot in range(1, size + 1):
        drawn = list(pots[pot])
        rng.shuffle(drawn)
        order.extend(drawn)
    clash = [[pair_conflicts(a, b) for b in order] for a in order]

    @cache
    def fewest_from(state: frozenset[frozenset[int]], pot: int) -> int:
        """Fewest conflicts the pots from ``pot`` on can add to these group contents.

        Group labels do not matter here, so the state is the set of groups' member sets.
        """
        if pot == size:
            return 0
        groups = list(state) if pot else [frozenset()] * size
        members = range(pot * size, (pot + 1) * size)
        cost = [[sum(clash[i][j] for j in group) for group in groups] for i in members]
        best = None
        for targets in permutations(range(size)):
            added = sum(cost[i][g] for i, g in enumerate(targets))
            if best is not None and added >= best:
                continue
            if pot == size - 1:
                best = added
                continue
            placed = [set(group) for group in groups]
            for i, g in zip(members, targets, strict=True):
                placed[g].add(i)
            total = added + fewest_from(frozenset(map(frozenset, placed)), pot + 1)
            if best is None or total < best:
                best = total
        assert best is not None
        return best

    allowed = fewest_from(frozenset(), 0)
    groups: list[list[int]] = [[] for _ in names]

    def place(index: int, conflicts: int) -> bool:
        if index == len(order):
            return True
        pot, position = divmod(index, size)
        for group in groups:
            if len(group) > pot:
                continue
            added = sum(clash[index][j] for j in group)
            if conflicts + added > allowed:
                continue
            group.append(index)
            ok = position < size - 1 or (
                conflicts + added + fewest_from(frozenset(map(frozenset, groups)), pot + 1)
                <= allowed
            )
            if ok and place(index + 1, conflicts + added):
                return True
            group.pop()
        return False

    if not place(0, 0):  # pragma: no cover - ``allowed`` is reachable by construction
        raise AssertionError("no draw reaches the computed minimum of conflicts")
    result = {
        name: [order[i].key for i in group] for name, group in zip(names, groups, strict=True)
    }
    return DrawResult(groups=result, conflicts=allowed, seed=seed)


def _same(a: str, b: str) -> bool:
    a, b = a.strip().casefold(), b.strip().casefold()
    return bool(a) and a == b
