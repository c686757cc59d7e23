"""The public result line is written from the winner's side (issue 9, item 7): "wins 2–0", never
"wins 0–2"; a match won by disqualification or forfeit says so, never "wins 0–0" (R8, R9)."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from league import services
from league.models import Match
from league.models.match import Method
from league.services.common import system_actor
from tests import factories
from tests.referee.conftest import make_match, mini_season


def _result_line(client, match: Match) -> str:
    html = client.get(reverse("public:match", args=[match.season.slug, match.slot])).content.decode()
    found = re.search(r'<p class="result-line">(.*?)</p>', html, re.S)
    assert found, "no result line"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


@pytest.mark.django_db
def test_r8_blue_winner_reads_from_the_winners_side(client):
    season = mini_season()
    match = factories.play_match(make_match(season, slot="A1"), winner="blue",
                                 rounds=[("blue", Method.POINTS), ("blue", Method.KNOCKOUT)])
    line = _result_line(client, match)
    assert line == f"{match.blue.team.name_en} wins 2–0 (Knockout)."


@pytest.mark.django_db
def test_r8_red_comeback_reads_two_one(client):
    season = mini_season()
    match = factories.play_match(make_match(season, slot="A1"), winner="red",
                                 rounds=[("blue", Method.POINTS), ("red", Method.POINTS),
                                         ("red", Method.POINTS)])
    assert _result_line(client, match) == f"{match.red.team.name_en} wins 2–1 (Points decision)."


@pytest.mark.django_db
def test_r9_forfeit_says_by_forfeit_not_a_score(client):
    season = mini_season()
    match = make_match(season, slot="A1")
    services.match_forfeit(match=match, corners=["red"], reason="no robot", actor=system_actor())
    match.refresh_from_db()
    line = _result_line(client, match)
    assert line == f"{match.blue.team.name_en} wins by forfeit."


@pytest.mark.django_db
def test_r6_disqualification_says_by_disqualification_never_0_0(client):
    season = mini_season()
    match = make_match(season, slot="A1")
    factories.play_match(match, winner="red", rounds=[])  # checked in and live, no round yet
    services.battery_swap_report(match=match, corner="blue", confirmed=True, actor=system_actor())  # R6: DQ
    line = _result_line(client, Match.objects.get(pk=match.pk))
    assert line == f"{match.red.team.name_en} wins by disqualification."
    assert "0–0" not in line
