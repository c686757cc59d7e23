"""R12: group standings and the order of tie-breakers."""

from itertools import combinations, pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from league.rules.tiebreak import CRITERIA, MatchRecord, StandingRow, needs_lots, rank

fast = settings(max_examples=200, deadline=None)


def bout(red, blue, winner, rounds=(2, 1), ko=(0, 0), points=(0, 0), discipline=(0, 0)):
    """A match record; ``rounds``/``ko``/``points``/``discipline`` are (red, blue)."""
    return MatchRecord(
        red=red,
        blue=blue,
        winner=winner,
        red_rounds=rounds[0],
        blue_rounds=rounds[1],
        red_ko_rounds=ko[0],
        blue_ko_rounds=ko[1],
        red_points=points[0],
        blue_points=points[1],
        red_discipline=discipline[0],
        blue_discipline=discipline[1],
    )


def order(rows):
    return [row.team for row in rows]


def separators(rows):
    return [row.separated_by for row in rows]


# ---------------------------------------------------------------- one criterion at a time


def test_r12_points_win_three_loss_zero():
    rows = rank("ABC", [bout("A", "B", "A"), bout("A", "C", "A"), bout("C", "B", "C")])
    assert order(rows) == ["A", "C", "B"]
    assert [row.points for row in rows] == [6, 3, 0]
    assert [(row.played, row.won, row.lost) for row in rows] == [(2, 2, 0), (2, 1, 1), (2, 0, 2)]
    assert separators(rows) == ["points", "points", None]
    assert [row.position for row in rows] == [1, 2, 3]


def test_r12_double_forfeit_is_a_loss_for_both():
    rows = rank("ABC", [bout("A", "B", None, rounds=(0, 0)), bout("C", "A", "C")])
    by_team = {row.team: row for row in rows}
    assert (by_team["A"].lost, by_team["B"].lost, by_team["A"].points) == (2, 1, 0)
    assert by_team["C"].points == 3


def test_r12_head_to_head_breaks_a_two_way_tie():
    # A and B both win once; A beat B although B has the better round difference.
    matches = [
        bout("A", "B", "A", rounds=(2, 1)),
        bout("C", "A", "C", rounds=(2, 0)),
        bout("B", "C", "B", rounds=(2, 0)),
        bout("D", "A", "A", rounds=(1, 2)),  # A: 2 wins
        bout("B", "D", "B", rounds=(2, 0)),  # B: 2 wins
        bout("D", "C", "D"),
    ]
    rows = rank("ABCD", matches)
    by_team = {row.team: row for row in rows}
    assert by_team["A"].points == by_team["B"].points == 6
    assert by_team["B"].round_diff > by_team["A"].round_diff
    assert by_team["C"].round_diff > by_team["D"].round_diff
    assert order(rows) == ["A", "B", "D", "C"]
    assert separators(rows) == ["head_to_head", "points", "head_to_head", None]


def cycle(**per_team):
    """A beat B, B beat C, C beat A, every match 2-1: level on points, head-to-head and rounds.

    ``per_team`` gives each team's (KO rounds, round points, fouls + resets) in the match it
    won; the loser of that match scores nothing.
    """
    matches = []
    for red, blue in (("A", "B"), ("B", "C"), ("C", "A")):
        ko, points, discipline = per_team.get(red, (0, 0, 0))
        matches.append(
            bout(red, blue, red, ko=(ko, 0), points=(points, 0), discipline=(discipline, 0))
        )
    return matches


def test_r12_round_difference_breaks_a_tie():
    matches = [
        bout("A", "B", "A", rounds=(2, 0)),
        bout("B", "C", "B", rounds=(2, 1)),
        bout("C", "A", "C", rounds=(2, 1)),
    ]
    rows = rank("ABC", matches)
    # A +2-1 = +1, B -2+1 = -1, C -1+1 = 0
    assert order(rows) == ["A", "C", "B"]
    assert separators(rows) == ["round_difference", "round_difference", None]


def test_r12_knockout_round_wins_break_a_tie():
    rows = rank("ABC", cycle(A=(1, 0, 0), B=(2, 0, 0), C=(0, 0, 0)))
    assert order(rows) == ["B", "A", "C"]
    assert separators(rows) == ["ko_wins", "ko_wins", None]


def test_r12_round_point_difference_breaks_a_tie():
    rows = rank("ABC", cycle(A=(1, 5, 0), B=(1, 9, 0), C=(1, 6, 0)))
    # A 5 - 6 = -1, B 9 - 5 = +4, C 6 - 9 = -3
    assert order(rows) == ["B", "A", "C"]
    assert separators(rows) == ["point_difference", "point_difference", None]


def test_r12_fewer_fouls_and_resets_rank_higher():
    rows = rank("ABC", cycle(A=(1, 5, 3), B=(1, 5, 0), C=(1, 5, 1)))
    assert order(rows) == ["B", "C", "A"]
    assert separators(rows) == ["discipline", "discipline", None]


def test_r12_lots_break_a_tie_lower_number_first():
    rows = rank("ABC", cycle(), lots={"A": 3, "B": 1, "C": 2})
    assert order(rows) == ["B", "C", "A"]
    assert separators(rows) == ["lots", "lots", None]
    assert not any(row.lots_needed for row in rows)
    assert needs_lots(rows) == []


def test_r12_without_lots_teams_level_on_everything_stay_tied():
    rows = rank(["C", "A", "B"], cycle())
    assert order(rows) == ["A", "B", "C"]  # by key, for determinism
    assert separators(rows) == [None, None, None]
    assert all(row.lots_needed for row in rows)
    assert needs_lots(rows) == [["A", "B", "C"]]


def test_r12_lots_missing_for_one_tied_team_leaves_the_tie_open():
    rows = rank("ABC", cycle(), lots={"A": 1, "B": 2})
    assert all(row.lots_needed for row in rows)
    assert needs_lots(rows) == [["A", "B", "C"]]


def test_r12_equal_lots_leave_those_teams_tied():
    rows = rank("CBA", [], lots={"A": 2, "B": 1, "C": 2})
    assert order(rows) == ["B", "A", "C"]
    assert separators(rows) == ["lots", None, None]
    assert needs_lots(rows) == [["A", "C"]]


# ------------------------------------------------------- head-to-head re-applied (R12)


@fast
@given(
    ko=st.integers(1, 2),
    points=st.integers(1, 30),
    discipline=st.integers(1, 5),
    lots=st.booleans(),
)
def test_r12_head_to_head_reapplied_to_teams_still_tied(ko, points, discipline, lots):
    """A, B, C on 3 points each. The three-way head-to-head (A-B double forfeit, C beat A,
    B beat C) gives A 0, B 3, C 3 and drops A. B and C are then ranked by their own match
    (B won) although C is better on every later criterion."""
    matches = [
        bout("A", "B", None, rounds=(0, 0)),
        bout("C", "A", "C", rounds=(2, 0), ko=(ko, 0), points=(points, 0)),
        bout("B", "C", "B", rounds=(2, 1), discipline=(discipline, 0)),
        bout("A", "D", "A", rounds=(2, 0)),
        bout("D", "B", "D", rounds=(2, 0)),
        bout("D", "C", "D", rounds=(2, 1)),
    ]
    rows = rank("ABCD", matches, lots={"B": 2, "C": 1} if lots else None)
    by_team = {row.team: row for row in rows}
    assert by_team["C"].round_diff > by_team["B"].round_diff
    assert by_team["C"].ko_wins > by_team["B"].ko_wins
    assert by_team["C"].point_diff > by_team["B"].point_diff
    assert by_team["C"].discipline < by_team["B"].discipline
    assert order(rows) == ["D", "B", "C", "A"]
    assert separators(rows) == ["points", "head_to_head", "head_to_head", None]


@fast
@given(ko=st.integers(1, 2), points=st.integers(1, 30), discipline=st.integers(1, 5))
def test_r12_head_to_head_reapplied_after_a_later_criterion_splits(ko, points, discipline):
    """A 3-way cycle (head-to-head all level): round difference puts A first and leaves B and
    C level; head-to-head is applied again to B and C alone, and B beat C."""
    matches = [
        bout("A", "B", "A", rounds=(2, 0)),
        bout("B", "C", "B", rounds=(2, 1), discipline=(discipline, 0)),
        bout("C", "A", "C", rounds=(2, 1), ko=(ko, 0), points=(points, 0)),
        bout("D", "A", "D", rounds=(2, 1)),
        bout("D", "B", "D", rounds=(2, 1)),
        bout("D", "C", "D", rounds=(2, 0)),
    ]
    rows = rank("ABCD", matches)
    by_team = {row.team: row for row in rows}
    assert by_team["B"].round_diff == by_team["C"].round_diff < by_team["A"].round_diff
    assert by_team["C"].ko_wins > by_team["B"].ko_wins
    assert order(rows) == ["D", "A", "B", "C"]
    assert separators(rows) == ["points", "round_difference", "head_to_head", None]


# ------------------------------------------------------------ properties of random leagues


@st.composite
def leagues(draw, max_teams=5):
    """Small leagues with small numbers, so that ties are common."""
    teams = list(range(draw(st.integers(2, max_teams))))
    matches = []
    for a, b in combinations(teams, 2):
        for _ in range(draw(st.integers(0, 2))):
            red, blue = (a, b) if draw(st.booleans()) else (b, a)
            outcome = draw(st.sampled_from(["red", "blue", "red", "blue", "double forfeit"]))
            if outcome == "double forfeit":
                matches.append(bout(red, blue, None, rounds=(0, 0)))
                continue
            loser_rounds = draw(st.integers(0, 1))
            rounds = (2, loser_rounds) if outcome == "red" else (loser_rounds, 2)
            ko = tuple(draw(st.integers(0, won)) for won in rounds)
            points = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
            discipline = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
            winner = red if outcome == "red" else blue
            matches.append(bout(red, blue, winner, rounds, ko, points, discipline))
    return teams, matches


def global_values(row: StandingRow):
    """Each criterion that does not depend on the tied set, higher is better."""
    return {
        "points": row.points,
        "round_difference": row.round_diff,
        "ko_wins": row.ko_wins,
        "point_difference": row.point_diff,
        "discipline": -row.discipline,
    }


def head_to_head(teams, matches):
    among = set(teams)
    mini = dict.fromkeys(teams, 0)
    for match in matches:
        if match.red in among and match.blue in among and match.winner is not None:
            mini[match.winner] += 3
    return mini


THREE_WAY_TIE = ([0, 1, 2], [bout(0, 1, 0), bout(1, 2, 1), bout(2, 0, 2)])


@fast
@given(leagues(), st.randoms(use_true_random=False))
def test_r12_ranking_does_not_depend_on_input_order(league, rnd):
    teams, matches = league
    rows = rank(teams, matches)
    shuffled_teams, shuffled_matches = list(teams), list(matches)
    rnd.shuffle(shuffled_teams)
    rnd.shuffle(shuffled_matches)
    assert rank(shuffled_teams, shuffled_matches) == rows


@fast
@given(leagues())
def test_r12_ranking_is_a_total_order_consistent_with_points(league):
    teams, matches = league
    rows = rank(teams, matches)
    assert sorted(order(rows)) == sorted(teams)
    assert [row.position for row in rows] == list(range(1, len(teams) + 1))
    assert rows[-1].separated_by is None
    for upper, lower in pairwise(rows):
        assert upper.points >= lower.points
        assert (upper.separated_by == "points") == (upper.points != lower.points)
        assert upper.separated_by in (*CRITERIA, None)
    for row in rows:
        assert row.points == 3 * row.won
        assert row.played == row.won + row.lost


@fast
@given(leagues())
def test_r12_each_separation_is_earned_by_the_named_criterion(league):
    teams, matches = league
    rows = rank(teams, matches)
    names = [name for name in CRITERIA if name not in ("head_to_head", "lots")]
    for upper, lower in pairwise(rows):
        criterion = upper.separated_by
        if criterion in names:
            up, low = global_values(upper), global_values(lower)
            earlier = names[: names.index(criterion)]
            assert all(up[name] == low[name] for name in earlier)
            assert up[criterion] > low[criterion]
        elif criterion == "head_to_head":
            assert upper.points == lower.points


@fast
@given(leagues(), st.randoms(use_true_random=False))
@example(THREE_WAY_TIE, None)
def test_r12_lots_needed_only_when_all_else_is_equal(league, rnd):
    teams, matches = league
    rows = rank(teams, matches)
    by_team = {row.team: row for row in rows}
    tied_groups = needs_lots(rows)
    assert sorted(t for group in tied_groups for t in group) == sorted(
        row.team for row in rows if row.lots_needed
    )
    for group in tied_groups:
        assert group == sorted(group)
        values = [global_values(by_team[team]) for team in group]
        assert all(value == values[0] for value in values)
        assert len(set(head_to_head(group, matches).values())) == 1
    # Recording distinct lots for the tied teams settles every tie and nothing else moves.
    lots = {}
    for group in tied_groups:
        numbers = list(range(1, len(group) + 1))
        if rnd is not None:
            rnd.shuffle(numbers)
        lots.update(zip(group, numbers, strict=True))
    settled = rank(teams, matches, lots=lots)
    assert not any(row.lots_needed for row in settled)
    positions = {row.team: row.position for row in rows}
    for group in tied_groups:
        places = sorted(positions[team] for team in group)
        by_lot = sorted(group, key=lots.__getitem__)
        assert [settled[place - 1].team for place in places] == by_lot
        assert [settled[place - 1].separated_by for place in places[:-1]] == ["lots"] * (
            len(group) - 1
        )
    untied = [row for row in rows if not row.lots_needed]
    assert all(settled[row.position - 1].team == row.team for row in untied)


# ------------------------------------------------------------------------- odds and ends


def test_r12_matches_with_teams_outside_the_group_are_ignored():
    rows = rank("AB", [bout("A", "B", "B"), bout("A", "X", "A"), bout("X", "B", "X")])
    assert order(rows) == ["B", "A"]
    assert [row.played for row in rows] == [1, 1]


def test_r12_a_winner_who_did_not_fight_is_refused():
    with pytest.raises(ValueError, match="did not fight"):
        rank("ABC", [bout("A", "B", "C")])


def test_r12_a_team_cannot_fight_itself():
    with pytest.raises(ValueError, match="cannot fight itself"):
        rank("AB", [bout("A", "A", "A")])


def test_r12_a_single_team_or_none_needs_no_tie_break():
    assert [(row.team, row.lots_needed) for row in rank(["A"], [])] == [("A", False)]
    assert rank([], []) == []
