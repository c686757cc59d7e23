"""Fixtures of the organizer's admin tests: logged-in clients for each role."""
from __future__ import annotations

import pytest


@pytest.fixture
def org(client, organizer):
    """The test client, logged in as the organizer (admin staff through the organizer group)."""
    client.force_login(organizer)
    return client


@pytest.fixture
def staff_head_referee(people):
    """A head referee who was (wrongly) given admin staff status: still no organizer's action."""
    user = people["head"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def as_role(client, people):
    """Log the client in as organizer / head / ref1 (or stay anonymous with None)."""

    def login(name):
        client.logout()
        if name is not None:
            client.force_login(people[name])
        return client

    return login
