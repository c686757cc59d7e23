"""Liveness and readiness (docs/operations.md): /healthz touches nothing; /readyz checks the
database and the cache and answers 503 naming what is down, never a 500, never cached."""
from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

REDIS_NOWHERE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                             "LOCATION": "redis://127.0.0.1:1/0"}}


def test_healthz_reads_nothing_and_is_never_cached(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("public:healthz"))
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_the_database_and_the_cache_answer(client):
    response = client.get(reverse("public:readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_readyz_names_a_database_that_is_down_with_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("public:readyz"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable" and body["down"] == ["database"]
    assert body["checks"] == {"database": "down: OperationalError", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_names_a_cache_that_is_down_with_503(client, settings):
    settings.CACHES = REDIS_NOWHERE  # a Redis nobody listens on
    response = client.get(reverse("public:readyz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]
    assert response.json()["checks"]["cache"].startswith("down: ")
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_names_everything_that_is_down(client, settings, monkeypatch):
    settings.CACHES = REDIS_NOWHERE
    monkeypatch.setattr(connection, "cursor", lambda *a, **k: 1 / 0)  # any error, not only the DB's
    response = client.get(reverse("public:readyz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["database", "cache"]
    assert response.json()["checks"]["database"] == "down: ZeroDivisionError"


def test_health_checks_are_not_redirected_to_https(client, settings):
    """A load balancer checks each server over plain HTTP, as Prometheus scrapes it."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("public:healthz")).status_code == 200
    assert client.get(reverse("public:readyz")).status_code == 200
    assert client.get(reverse("metrics")).status_code == 200
    assert client.get(reverse("public:home")).status_code == 301  # the pages still are
