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
