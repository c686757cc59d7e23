"""Logs an operator can follow (docs/operations.md): every response carries a request id, the
proxy's or a new one; every log line of the request carries it; JSON lines in production."""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from league.observability import JsonFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Lines written by the league's loggers while the test runs, as the production handler
    writes them (JSON, request id filter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    league, access = logging.getLogger("league"), logging.getLogger("league.access")
    level = access.level
    league.addHandler(handler)  # league.access propagates to it
    access.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    league.removeHandler(handler)
    access.setLevel(level)


def test_a_request_gets_a_new_id_in_its_response(client):
    first = client.get(reverse("public:healthz"))["X-Request-ID"]
    second = client.get(reverse("public:healthz"))["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_the_proxys_request_id_is_kept(client):
    response = client.get(reverse("public:healthz"), HTTP_X_REQUEST_ID="edge-4f2a.9:1")
    assert response["X-Request-ID"] == "edge-4f2a.9:1"


@pytest.mark.parametrize("given", ["two words", "x" * 129, "a\"b", "<script>", ""])
def test_a_request_id_that_is_not_an_id_is_replaced(client, given):
    response = client.get(reverse("public:healthz"), HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given and len(response["X-Request-ID"]) == 32


def test_the_public_fast_path_answers_carry_the_id_too(client, db):
    from tests import factories

    season = factories.season_at("registration")
    url = reverse("public:season", args=[season.slug])
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_X_REQUEST_ID="poll-1")
    assert response.status_code == 304 and response["X-Request-ID"] == "poll-1"


def test_every_log_line_of_a_request_carries_its_id_in_json(client, json_log, monkeypatch):
    monkeypatch.setattr(connection, "cursor", lambda *a, **k: 1 / 0)  # readyz logs a warning
    client.get(reverse("public:readyz"), HTTP_X_REQUEST_ID="req-42")
    client.get(reverse("public:healthz"), HTTP_X_REQUEST_ID="req-43")
    warning, access_readyz, access_healthz = json_log()
    assert warning["level"] == "WARNING" and warning["logger"] == "league.views.health"
    assert warning["request_id"] == "req-42" and "database is down" in warning["message"]
    assert "ZeroDivisionError" in warning["exception"]
    assert access_readyz["request_id"] == "req-42" and access_readyz["logger"] == "league.access"
    assert (access_readyz["method"], access_readyz["path"], access_readyz["status"]) == (
        "GET", "/readyz", 503)
    assert access_healthz["request_id"] == "req-43" and access_healthz["status"] == 200
    assert isinstance(access_healthz["duration_ms"], float)
    assert access_healthz["time"].endswith("+00:00")


def test_a_line_outside_a_request_has_no_id(json_log):
    logging.getLogger("league.ops_test").warning("at start-up")
    (line,) = json_log()
    assert line["request_id"] == "-" and line["message"] == "at start-up"


def _settings_value(name: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT", "METRICS_ALLOWED_IPS")}
    code = f"import config.settings as s; print(s.{name})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_logs_are_json_in_production_and_text_in_development():
    assert _settings_value("LOG_FORMAT").stdout.strip() == "json"
    assert _settings_value("LOG_FORMAT", DEBUG="1").stdout.strip() == "text"
    assert _settings_value("LOG_FORMAT", DEBUG="1", LOG_FORMAT="json").stdout.strip() == "json"


def test_a_wrong_log_format_or_metrics_address_refuses_to_start():
    bad = _settings_value("LOG_FORMAT", LOG_FORMAT="xml")
    assert bad.returncode != 0 and "LOG_FORMAT must be json or text" in bad.stderr
    bad = _settings_value("METRICS_ALLOWED_IPS", METRICS_ALLOWED_IPS="127.0.0.1,intranet")
    assert bad.returncode != 0 and "'intranet' is not an address or network" in bad.stderr
