"""R13-R15: quarterfinal crossings, the bracket's feeds and the final places."""

from collections import Counter
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from league.rules.bracket import (
    FEEDS,
    FINAL,
    LOSER_FEEDS,
    QF_SLOTS,
    SF_SLOTS,
    THIRD,
    final_places,
    quarterfinal_arrangements,
    quarterfinal_pairs,
)

fast = settings(max_examples=200, deadline=None)
seeds = st.integers(0, 2**64)
WINNERS = {group: f"{group}1" for group in "ABCD"}
RUNNERS_UP = {group: f"{group}2" for group in "ABCD"}
GROUP_OF = {team: team[0] for team in [*WINNERS.values(), *RUNNERS_UP.values()]}


def path(slot):
    """The slots a quarterfinal winner goes through on the way to the final."""
    slots = [slot]
    while slots[-1] in FEEDS:
        slots.append(FEEDS[slots[-1]][0])
    return slots


def first_possible_meeting(slot_a, slot_b):
    return next(slot for slot in path(slot_a) if slot in path(slot_b))


def slots_of(pairs):
    return {team: slot for slot, pair in zip(QF_SLOTS, pairs, strict=True) for team in pair}


def is_valid(pairs):
    teams = [team for pair in pairs for team in pair]
    if sorted(teams) != sorted(GROUP_OF):
        return False
    if any(red not in WINNERS.values() or blue not in RUNNERS_UP.values() for red, blue in pairs):
        return False
    where = slots_of(pairs)
    return all(
        first_possible_meeting(where[WINNERS[group]], where[RUNNERS_UP[group]]) == FINAL
        for group in "ABCD"
    )


def test_r13_semifinals_pair_qf1_qf2_and_qf3_qf4_and_losers_play_for_third():
    assert {slot: FEEDS[slot] for slot in QF_SLOTS} == {
        "QF1": ("SF1", "red"),
        "QF2": ("SF1", "blue"),
        "QF3": ("SF2", "red"),
        "QF4": ("SF2", "blue"),
    }
    assert {slot: FEEDS[slot] for slot in SF_SLOTS} == {
        "SF1": (FINAL, "red"),
        "SF2": (FINAL, "blue"),
    }
    assert LOSER_FEEDS == {"SF1": (THIRD, "red"), "SF2": (THIRD, "blue")}
    # every slot below the final fills exactly one corner of each later match
    corners = Counter(FEEDS.values()) + Counter(LOSER_FEEDS.values())
    assert set(corners.values()) == {1}


@fast
@given(seeds)
def test_r13_quarterfinals_cross_groups_and_split_group_mates(seed):
    pairs = quarterfinal_pairs(WINNERS, RUNNERS_UP, seed)
    assert len(pairs) == 4
    # group winners in red, each against a runner-up of another group
    assert all(GROUP_OF[red] != GROUP_OF[blue] for red, blue in pairs)
    assert is_valid(pairs)


@fast
@given(seeds, st.permutations("ABCD"))
def test_r13_same_seed_gives_the_same_quarterfinals(seed, group_order):
    pairs = quarterfinal_pairs(WINNERS, RUNNERS_UP, seed)
    assert quarterfinal_pairs(WINNERS, RUNNERS_UP, seed) == pairs
    # the dicts' order does not matter
    winners = {group: WINNERS[group] for group in group_order}
    runners_up = {group: RUNNERS_UP[group] for group in reversed(group_order)}
    assert quarterfinal_pairs(winners, runners_up, seed) == pairs


def test_r13_every_valid_crossing_can_be_drawn():
    every_valid = [
        pairs
        for reds in permutations(WINNERS.values())
        for blues in permutations(RUNNERS_UP.values())
        if is_valid(pairs := list(zip(reds, blues, strict=True)))
    ]
    assert len(quarterfinal_arrangements(list("ABCD"))) == len(every_valid)
    drawn = {tuple(quarterfinal_pairs(WINNERS, RUNNERS_UP, seed)) for seed in range(3000)}
    assert drawn == {tuple(pairs) for pairs in every_valid}


@pytest.mark.parametrize(
    ("winners", "runners_up", "message"),
    [
        ({"A": 1, "B": 2, "C": 3}, {"A": 4, "B": 5, "C": 6}, "need 4 groups"),
        (WINNERS, {**RUNNERS_UP, "E": "E2"}, "same groups"),
        (WINNERS, {**RUNNERS_UP, "D": "A1"}, "only one quarterfinal place"),
    ],
)
def test_r13_quarterfinal_draw_needs_two_distinct_teams_from_four_groups(
    winners, runners_up, message
):
    with pytest.raises(ValueError, match=message):
        quarterfinal_pairs(winners, runners_up, 1)


def play(pairs, red_wins, third_place_match=True):
    """Play the bracket from the quarterfinal pairs; ``red_wins`` says who wins each slot."""
    seats = {}
    for slot, (red, blue) in zip(QF_SLOTS, pairs, strict=True):
        seats[slot] = {"red": red, "blue": blue}
    results = {}
    order = [*QF_SLOTS, *SF_SLOTS] + ([THIRD] if third_place_match else []) + [FINAL]
    for slot in order:
        red, blue = seats[slot]["red"], seats[slot]["blue"]
        winner, loser = (red, blue) if red_wins[slot] else (blue, red)
        results[slot] = (winner, loser)
        if slot in FEEDS:
            target, corner = FEEDS[slot]
            seats.setdefault(target, {})[corner] = winner
        if slot in LOSER_FEEDS and third_place_match:
            target, corner = LOSER_FEEDS[slot]
            seats.setdefault(target, {})[corner] = loser
    return results


all_slots = [*QF_SLOTS, *SF_SLOTS, THIRD, FINAL]
outcomes = st.fixed_dictionaries({slot: st.booleans() for slot in all_slots})


@fast
@given(seeds, outcomes, st.booleans())
def test_r15_every_quarterfinalist_gets_a_place_rising_with_how_far_it_went(
    seed, red_wins, third_place_match
):
    pairs = quarterfinal_pairs(WINNERS, RUNNERS_UP, seed)
    results = play(pairs, red_wins, third_place_match)
    places = final_places(results, third_place_match=third_place_match)
    assert sorted(places) == sorted(GROUP_OF)  # exactly the last 8
    expected = {1: 1, 2: 1, 3: 1, 4: 1, 5: 4} if third_place_match else {1: 1, 2: 1, 3: 2, 5: 4}
    assert Counter(places.values()) == expected
    assert places[results[FINAL][0]] == 1
    assert places[results[FINAL][1]] == 2
    for slot in QF_SLOTS:
        assert places[results[slot][1]] == 5
    # a team that won more matches never finishes below one that won fewer
    wins = Counter(winner for slot, (winner, _) in results.items() if slot != THIRD)
    for a in places:
        for b in places:
            if wins[a] > wins[b]:
                assert places[a] < places[b]
    # group mates cannot meet before the final (or the third-place match: both may lose
    # their semifinals)
    for group in "ABCD":
        met = [
            slot
            for slot, pair in results.items()
            if set(pair) == {WINNERS[group], RUNNERS_UP[group]}
        ]
        assert met in ([], [FINAL], [THIRD])


def test_r15_places_without_a_third_place_match_share_third():
    results = play(quarterfinal_pairs(WINNERS, RUNNERS_UP, 5), dict.fromkeys(all_slots, True))
    del results[THIRD]
    places = final_places(results, third_place_match=False)
    assert places[results["SF1"][1]] == places[results["SF2"][1]] == 3


@pytest.mark.parametrize("missing", [*QF_SLOTS, *SF_SLOTS, FINAL, THIRD])
def test_r15_places_need_every_result(missing):
    results = play(quarterfinal_pairs(WINNERS, RUNNERS_UP, 5), dict.fromkeys(all_slots, True))
    del results[missing]
    with pytest.raises(ValueError, match=f"no result for {missing}"):
        final_places(results, third_place_match=True)


def test_r15_places_refuse_an_inconsistent_bracket():
    results = play(quarterfinal_pairs(WINNERS, RUNNERS_UP, 5), dict.fromkeys(all_slots, True))
    winner, loser = results["QF1"]
    results["QF1"] = (loser, winner)  # the QF1 loser somehow went on to the semifinal
    with pytest.raises(ValueError, match="SF1"):
        final_places(results, third_place_match=True)
    results = play(quarterfinal_pairs(WINNERS, RUNNERS_UP, 5), dict.fromkeys(all_slots, True))
    results["F"] = (results["F"][0], results["F"][0])
    with pytest.raises(ValueError, match="cannot beat itself"):
        final_places(results, third_place_match=True)
