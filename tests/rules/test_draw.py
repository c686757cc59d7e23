"""R10: the group draw from seeded pots, reproducible, keeping countries and organizations apart."""

import time
from itertools import permutations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules.draw import DrawTeam, draw_conflicts, draw_groups

fast = settings(max_examples=100, deadline=None)
seeds = st.integers(0, 2**32)


def names_for(size):
    return "ABCDEFGH"[:size]


@st.composite
def instances(draw, sizes=(2, 3, 4), countries="CNUSGBHK", organizations="uvwxyz"):
    """Any teams, any countries and organizations: size pots of size teams each."""
    size = draw(st.sampled_from(sizes))
    teams = [
        DrawTeam(
            key=index,
            pot=index // size + 1,
            country=draw(st.sampled_from(countries)),
            organization=draw(st.sampled_from(organizations)),
        )
        for index in range(size * size)
    ]
    return size, draw(st.permutations(teams))


@st.composite
def separable_instances(draw, sizes=(2, 3, 4)):
    """Teams whose countries and organizations fit a hidden conflict-free draw.

    A random draw is made first; inside each of its groups the teams get different countries
    and different organizations, picked from small pools so that teams of different groups
    share them a lot. Then the hidden groups are forgotten and the teams shuffled.
    """
    size = draw(st.sampled_from(sizes))
    countries = ["CN", "US", "GB", "HK", "JP"][: draw(st.integers(size, size + 1))]
    organizations = [f"org{i}" for i in range(draw(st.integers(size, size + 2)))]
    teams = []
    for _group in range(size):
        group_countries = draw(st.permutations(countries))
        group_organizations = draw(st.permutations(organizations))
        for pot in range(size):
            teams.append((pot, group_countries[pot], group_organizations[pot]))
    # keys are handed out per pot in random order, so the hidden groups are not key-ordered
    drawn = []
    for pot in range(size):
        members = [team for team in teams if team[0] == pot]
        members = draw(st.permutations(members))
        for offset, (_, country, organization) in enumerate(members):
            drawn.append(DrawTeam(pot * size + offset, pot + 1, country, organization))
    return size, draw(st.permutations(drawn))


def fewest_conflicts(size, teams):
    """Brute force: try every draw (pot 1 fixed, groups are interchangeable)."""
    by_key = {team.key: team for team in teams}
    pots = [sorted(t.key for t in teams if t.pot == pot) for pot in range(1, size + 1)]
    best = None
    for arrangement in product(*(permutations(pot) for pot in pots[1:])):
        groups = {g: [pots[0][g], *(perm[g] for perm in arrangement)] for g in range(size)}
        conflicts = draw_conflicts(groups, by_key)
        best = conflicts if best is None else min(best, conflicts)
    return best


def assert_valid(result, size, teams):
    by_key = {team.key: team for team in teams}
    assert list(result.groups) == list(names_for(size))
    placed = [key for keys in result.groups.values() for key in keys]
    assert sorted(placed) == sorted(by_key)
    for keys in result.groups.values():
        assert [by_key[key].pot for key in keys] == list(range(1, size + 1))
    assert result.conflicts == draw_conflicts(result.groups, by_key)


@fast
@given(instances(), seeds)
def test_r10_every_seed_gives_a_valid_draw(instance, seed):
    size, teams = instance
    result = draw_groups(teams, seed, names_for(size))
    assert result.seed == seed
    assert_valid(result, size, teams)


@fast
@given(instances(), seeds, st.randoms(use_true_random=False))
def test_r10_same_seed_gives_the_same_draw_whatever_the_input_order(instance, seed, rnd):
    size, teams = instance
    result = draw_groups(teams, seed, names_for(size))
    shuffled = list(teams)
    rnd.shuffle(shuffled)
    assert draw_groups(shuffled, seed, names_for(size)) == result
    assert draw_groups(tuple(teams), seed, names_for(size)) == result


@fast
@given(separable_instances(), seeds)
def test_r10_countries_and_organizations_kept_apart_whenever_possible(instance, seed):
    size, teams = instance
    result = draw_groups(teams, seed, names_for(size))
    assert_valid(result, size, teams)
    assert result.conflicts == 0


@settings(max_examples=150, deadline=None)
@given(instances(sizes=(2, 3), countries="CU", organizations="xyz"), seeds)
def test_r10_when_separation_is_impossible_conflicts_are_fewest(instance, seed):
    size, teams = instance
    result = draw_groups(teams, seed, names_for(size))
    assert_valid(result, size, teams)
    assert result.conflicts == fewest_conflicts(size, teams)


@pytest.mark.parametrize("seed", [0, 1, 2026])
def test_r10_sixteen_teams_from_two_countries_get_the_fewest_conflicts_fast(seed):
    teams = [
        DrawTeam(key, key // 4 + 1, "CN" if key % 3 else "US", f"org{key % 5}") for key in range(16)
    ]
    started = time.perf_counter()
    result = draw_groups(teams, seed)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert_valid(result, 4, teams)
    assert result.conflicts == fewest_conflicts(4, teams)


def test_r10_one_country_and_one_organization_still_draws_fast():
    teams = [DrawTeam(key, key // 4 + 1, "CN", "Same Lab") for key in range(16)]
    started = time.perf_counter()
    result = draw_groups(teams, 7)
    assert time.perf_counter() - started < 1.0
    assert result.conflicts == 4 * 6 * 2  # every pair in every group shares both


@settings(max_examples=20, deadline=None)
@given(instances(sizes=(3, 4), countries="ABCDEFGHIJKLMNOP", organizations="abcdefghijklmnop"))
def test_r10_different_seeds_give_different_draws(instance):
    size, teams = instance
    draws = {
        tuple(map(tuple, draw_groups(teams, seed, names_for(size)).groups.values()))
        for seed in range(20)
    }
    assert len(draws) > 1


def test_r10_group_draw_counts_a_pair_sharing_country_and_organization_twice():
    teams = {
        1: DrawTeam(1, 1, "CN", "SUSTech"),
        2: DrawTeam(2, 2, "cn ", "sustech"),  # same, written differently
        3: DrawTeam(3, 1, "US", ""),
        4: DrawTeam(4, 2, "GB", ""),  # blank organizations never clash
    }
    assert draw_conflicts({"A": [1, 2], "B": [3, 4]}, teams) == 2
    assert draw_conflicts({"A": [1, 4], "B": [3, 2]}, teams) == 0


def sixteen():
    return [DrawTeam(key, key // 4 + 1, "CN", f"org{key}") for key in range(16)]


@pytest.mark.parametrize(
    ("teams", "message"),
    [
        (sixteen()[:15], "Pot 4 has 3 teams"),
        ([*sixteen()[:15], DrawTeam(15, 1, "CN", "x")], "Pot 1 has 5 teams"),
        ([*sixteen()[:15], DrawTeam(15, 5, "CN", "x")], "pots are numbered 1 to 4"),
        ([*sixteen()[:15], DrawTeam(14, 4, "CN", "x")], "only once"),
        ([*sixteen(), DrawTeam(16, 4, "CN", "x")], "Pot 4 has 5 teams"),
    ],
)
def test_r10_draw_needs_exactly_one_team_per_pot_for_each_group(teams, message):
    with pytest.raises(ValueError, match=message):
        draw_groups(teams, 1)


@pytest.mark.parametrize(("names", "message"), [("", "at least one group"), ("AA", "different")])
def test_r10_group_names_must_be_distinct(names, message):
    with pytest.raises(ValueError, match=message):
        draw_groups([], 1, names)
