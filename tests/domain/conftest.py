from __future__ import annotations

import pytest

from league import services
from league.models import Match
from league.services.common import system_actor
from tests import factories


@pytest.fixture
def group_season(people):
    """A season with its group schedule made and referees assigned, nothing played."""
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    services.referees_assign_round_robin(season=season, actor=system_actor())
    season.refresh_from_db()
    return season


@pytest.fixture
def match(group_season) -> Match:
    """The first group match, with ref1 as its only referee."""
    match = group_season.matches.order_by("scheduled_at", "ring").first()
    services.referees_assign(match=match, referees=[factories.UserFactory(username="ref1")],
                             actor=system_actor())
    return match


@pytest.fixture
def live_match(match, referee) -> Match:
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="R-1",
                            blue_seal="B-1", actor=referee)
    return services.match_start(match=match, actor=referee)
