"""Settings read from the environment (issue 11, item 7): production refuses to start without a
real SECRET_KEY, and a variable set but empty counts as not set."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ("import config.settings as s; print(s.DATABASES['default']['ENGINE'], s.AXES_FAILURE_LIMIT, "
        "s.ALLOWED_HOSTS, s.DEBUG)")


def _settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                        "REDIS_URL", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES")}
    env.update(overrides)
    return subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_production_refuses_to_start_without_a_secret_key():
    for missing in ({}, {"SECRET_KEY": ""}, {"SECRET_KEY": "  "}):
        result = _settings(**missing)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_development_and_production_with_a_key_start():
    assert _settings(DEBUG="1").returncode == 0
    assert _settings(SECRET_KEY="k" * 60).returncode == 0


def test_an_empty_variable_means_not_set():
    result = _settings(SECRET_KEY="k" * 60, DATABASE_URL="", ALLOWED_HOSTS="", DEBUG="",
                       CONN_MAX_AGE="", SECURE_HSTS_SECONDS="", REDIS_URL=" ", AXES_FAILURE_LIMIT="",
                       AXES_COOLOFF_MINUTES=" ", TEAM_UPLOAD_MAX_BYTES="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.sqlite3", "5"]
    assert "localhost" in result.stdout and result.stdout.split()[-1] == "False"


def test_a_number_that_is_not_one_is_refused_naming_the_variable():
    result = _settings(SECRET_KEY="k" * 60, AXES_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert "ImproperlyConfigured: AXES_FAILURE_LIMIT must be a whole number, not 'five'." in result.stderr


def test_every_worker_runs_on_the_test_settings():
    """tests/settings.py points the environment at config.settings for the processes tests
    start; xdist's workers inherit that environment, and pytest-django prefers the environment
    to the ini file, so pyproject.toml names the test settings with --ds (this failed before)."""
    from django.conf import settings as live

    assert live.CELERY_TASK_ALWAYS_EAGER is True and live.WEBHOOK_ALLOW_PRIVATE is True
    assert live.WEBHOOK_BACKOFF_SECONDS == 1


def _connection_settings(module: str) -> list[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DJANGO_SETTINGS_MODULE")}
    env.update(SECRET_KEY="k" * 60, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    code = (f"import {module}; from django.conf import settings as s; "
            "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_connections_are_checked_before_reuse_and_not_kept_under_asgi():
    """Issue 12: a connection the database dropped is replaced before a request uses it; under
    ASGI (a thread per request) connections are not kept at all (bench/rig.py measures both)."""
    assert _connection_settings("config.wsgi") == ["60", "True"]
    assert _connection_settings("config.asgi") == ["0", "True"]


@pytest.mark.django_db
def test_the_suite_does_not_wait_for_postgresql_to_flush_its_commits():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (CI runs the suite on PostgreSQL too)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
