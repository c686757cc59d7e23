"""R18 for the organizer: the protest window is a season setting, the dashboard lists the protests
waiting for a ruling, a season does not finish over one, the admin shows protests read-only."""
from __future__ import annotations

import random

import pytest
from django.urls import reverse

from league import services
from league.errors import RuleViolation
from league.models import Protest, Season
from league.selectors.dashboard import season_dashboard
from league.services.common import system_actor
from tests import factories

from .test_services import file_protest

pytestmark = pytest.mark.django_db


def test_r18_the_protest_window_defaults_to_30_minutes_and_has_bounds(season, organizer):
    assert Season().protest_window_minutes == 30
    for bad in (0, 24 * 60 + 1):
        with pytest.raises(RuleViolation):
            services.season_update(season=season, protest_window_minutes=bad, actor=organizer)
    services.season_update(season=season, protest_window_minutes=90, actor=organizer)
    assert Season.objects.get(pk=season.pk).protest_window_minutes == 90


def test_r18_the_protest_window_is_locked_once_the_season_is_finished():
    assert "protest_window_minutes" in Season.SETTINGS_LOCKED_FROM
    finished = Season(phase=Season.Phase.FINISHED)
    assert "protest_window_minutes" in finished.locked_settings()
    assert "protest_window_minutes" not in Season(phase=Season.Phase.KNOCKOUT).locked_settings()


def test_r18_the_dashboard_lists_pending_protests_and_blocks_nothing_before_the_end(
        qf1, red_manager, client, organizer):
    protest = file_protest(qf1, red_manager)
    board = season_dashboard()
    assert [p.pk for p in board.pending_protests] == [protest.pk]
    panel = next(p for p in board.panels if p.season.pk == qf1.season_id)
    assert [b.rule for b in panel.blockers if b.rule == "R18"] == ["R18"]
    client.force_login(organizer)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Protests waiting for a ruling" in html
    assert reverse("admin:league_protest_change", args=[protest.pk]) in html


def test_r18_a_season_does_not_finish_while_a_protest_waits(qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    season = qf1.season
    rng = random.Random(3)
    for slot in ("SF1", "SF2", "3P", "F"):
        match = season.matches.filter(slot=slot).first()
        if match is not None:
            factories.play_random(match, rng)
    with pytest.raises(RuleViolation, match="R18: A protest waits"):
        services.season_finish(season=season, actor=system_actor())
    services.protest_rule(protest=protest, uphold=False, reason="The result stands.",
                          actor=outside_head)
    services.season_finish(season=season, actor=system_actor())
    assert Season.objects.get(pk=season.pk).phase == Season.Phase.FINISHED


def test_r18_the_admin_shows_a_protest_and_its_ruling_read_only(qf1, red_manager, outside_head,
                                                                client, organizer):
    protest = file_protest(qf1, red_manager, links=["https://video.example/qf1"])
    services.protest_rule(protest=protest, uphold=False, reason="The count was right.",
                          actor=outside_head)
    client.force_login(organizer)
    listing = client.get(reverse("admin:league_protest_changelist"))
    assert listing.status_code == 200 and "QF1" in listing.content.decode()
    page = client.get(reverse("admin:league_protest_change", args=[protest.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The count was right." in html and "https://video.example/qf1" in html
    assert 'name="_save"' not in html
    response = client.post(reverse("admin:league_protest_change", args=[protest.pk]),
                           {"ruling_reason": "changed"})
    assert response.status_code == 403
    assert Protest.objects.get(pk=protest.pk).ruling_reason == "The count was right."
