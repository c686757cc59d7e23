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


@pytest.fixture(autouse=True)
def _season_numbers_start_again():
    """Seasons a test builds without a slug are season-0, season-2, ... in every test, so the
    same build in another test is the same rows (tests/snapshots.py copies them)."""
    factories.SeasonFactory.reset_sequence(0)


@pytest.fixture(autouse=True)
def _forget_stream_names():
    """Stream URLs' season ids are kept per process (league/push/views.py); each test's
    database starts again, and so do they."""
    from league.push import views

    views._SEASON_IDS.clear()
    yield
    views._SEASON_IDS.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through LocaleMiddleware leaves its
    language active in the thread, and a later test in the same worker would read 中文."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


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


# --- Browser tests: Playwright driving Debian's Chromium -------------------------------------
import os  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium_browser():
    """A headless Debian Chromium; skipped with a reason where none is installed (never in CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package to run e2e tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium_browser):
    """A fresh context; call with viewport width, e.g. browser_context(375)."""
    contexts = []

    def make(width: int = 1280, height: int = 900, locale: str = "en-US"):
        ctx = chromium_browser.new_context(viewport={"width": width, "height": height},
                                           locale=locale)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/ (kept by CI) and return its path."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, test databases need no durable commits: the transactional tests (browser,
    concurrency) commit a lot."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
