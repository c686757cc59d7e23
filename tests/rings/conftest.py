from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from league import services
from league.services.common import system_actor
from tests import factories


def future_start() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def group_season(people):
    """Group schedule made (in 30 days), referees assigned, nothing played."""
    season = factories.season_at("drawn", starts_on=future_start())
    services.group_schedule_generate(season=season, actor=system_actor())
    services.referees_assign_round_robin(season=season, actor=system_actor())
    season.refresh_from_db()
    return season


@pytest.fixture
def knockout_season(people):
    """Quarterfinals played; semifinals, third-place match and final to come (in the future)."""
    season = factories.season_at("knockout", starts_on=future_start())
    season.refresh_from_db()
    return season
