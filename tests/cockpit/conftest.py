"""Fixtures of the cockpit tests (dashboard, warnings, seeding, print sheets, season file)."""
from __future__ import annotations

import pytest


@pytest.fixture
def org(client, organizer):
    """The test client, logged in as the organizer; call org() again after a factory re-created
    the staff users (which ends their sessions)."""

    def login():
        organizer.refresh_from_db()
        client.force_login(organizer)
        return client

    return login


@pytest.fixture(autouse=True)
def english():
    """The rule texts these tests read are English: start each test in English whatever an
    earlier test's request left active in this thread (a zh-hans request in the same worker)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()
