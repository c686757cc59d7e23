"""Shared fixtures and test-only settings."""
from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def people(db):
    return factories.staff()


@pytest.fixture
def organizer(people):
    return people["organizer"]


@pytest.fixture
def head_referee(people):
    return people["head"]


@pytest.fixture
def referee(people):
    return people["ref1"]


@pytest.fixture
def season(db):
    return factories.season_at("registration")
