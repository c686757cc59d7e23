"""R11: a single round robin by the circle method."""

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules.roundrobin import round_robin

team_lists = st.lists(st.integers(), min_size=2, max_size=16, unique=True)
fast = settings(max_examples=150, deadline=None)


@fast
@given(team_lists)
def test_r11_every_pair_meets_exactly_once(teams):
    days = round_robin(teams)
    met = Counter(frozenset(pair) for day in days for pair in day)
    assert set(met) == {frozenset(pair) for pair in combinations(teams, 2)}
    assert set(met.values()) == {1}


@fast
@given(team_lists)
def test_r11_nobody_fights_twice_on_a_day(teams):
    for day in round_robin(teams):
        fighters = [team for pair in day for team in pair]
        assert len(fighters) == len(set(fighters))
        assert set(fighters) <= set(teams)


@fast
@given(team_lists)
def test_r11_day_count_and_byes(teams):
    n = len(teams)
    days = round_robin(teams)
    if n % 2 == 0:
        assert len(days) == n - 1
        assert all(len(day) == n // 2 for day in days)
    else:
        # Each team sits out exactly one day.
        assert len(days) == n
        assert all(len(day) == (n - 1) // 2 for day in days)
        resting = Counter(
            team for day in days for team in set(teams) - {t for pair in day for t in pair}
        )
        assert resting == Counter(teams)


def test_r11_a_group_of_four_plays_six_matches_on_three_days():
    days = round_robin(["A1", "A2", "A3", "A4"])
    assert [len(day) for day in days] == [2, 2, 2]


@fast
@given(team_lists)
def test_r11_corners_alternate(teams):
    corners: dict[int, list[str]] = {team: [] for team in teams}
    for day in round_robin(teams):
        for red, blue in day:
            corners[red].append("red")
            corners[blue].append("blue")
    for sequence in corners.values():
        assert abs(sequence.count("red") - sequence.count("blue")) <= 1
        # never the same corner three times running
        assert all(len(set(sequence[i : i + 3])) == 2 for i in range(len(sequence) - 2))


@fast
@given(team_lists, st.randoms(use_true_random=False))
def test_r11_pairing_depends_only_on_input_order(teams, rnd):
    days = round_robin(teams)
    assert round_robin(list(teams)) == days
    # Relabel the teams: the same positions meet on the same days in the same corners.
    relabelled = list(teams)
    rnd.shuffle(relabelled)
    rename = dict(zip(teams, relabelled, strict=True))
    assert round_robin(relabelled) == [
        [(rename[red], rename[blue]) for red, blue in day] for day in days
    ]


@pytest.mark.parametrize("teams", [[], ["A1"]])
def test_r11_fewer_than_two_teams_is_refused(teams):
    with pytest.raises(ValueError, match="at least 2"):
        round_robin(teams)


def test_r11_a_team_listed_twice_is_refused():
    with pytest.raises(ValueError, match="only once"):
        round_robin(["A1", "A2", "A1"])
