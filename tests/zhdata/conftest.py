"""A knockout season written in three languages, built once per module (tests/public's way)."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from league.http_cache import _STAMPS
from league.models import Season
from tests import snapshots
from tests.public.conftest import knockout_with_replacement

TRILINGUAL = dict(
    slug="shenzhen-zh", name="Season 1 · Shenzhen", name_zh="第一季 · 深圳", city="Shenzhen",
    city_zh="深圳", venue="Shenzhen Bay Sports Center", venue_zh="深圳湾体育中心",
    rings="Ring 1,Ring 2", rings_zh="一号擂台,二号擂台")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    _STAMPS.clear()
    yield
    cache.clear()
    _STAMPS.clear()


@pytest.fixture(scope="module")
def _trilingual(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield snapshots.cached_build("trilingual world",
                                     lambda: knockout_with_replacement(**TRILINGUAL).pk)
        transaction.set_rollback(True)


@pytest.fixture
def season(_trilingual, db) -> Season:
    return Season.objects.get(pk=_trilingual)
