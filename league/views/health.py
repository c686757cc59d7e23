"""Liveness and readiness for a load balancer or an orchestrator (docs/operations.md).

- ``/healthz``: the process answers (no database, no cache): restart it when this fails.
- ``/readyz``: the process can serve: the database answers a query and the cache (Redis with
  REDIS_URL) a write and a read. 200 with ``{"status": "ready", "checks": {...}}``, else 503
  naming what is down; send no traffic to it while it says so. Never a 500: a check that fails
  in any way counts as down (the error's type is in the body, the whole error in the log).
Both are never cached by anyone.
"""
from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from ..http_cache import uncached

logger = logging.getLogger(__name__)


@uncached
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: a trivial view (also the baseline of bench/public_bench.py)."""
    return HttpResponse("ok", content_type="text/plain")


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"  # its own key: probes of other processes do not mix
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")


CHECKS = {"database": check_database, "cache": check_cache}


def _run(name: str) -> str:
    try:
        CHECKS[name]()
    except Exception as error:
        logger.warning("readyz: %s is down", name, exc_info=True)
        return f"down: {type(error).__name__}"
    return "ok"


@uncached
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {name: _run(name) for name in CHECKS}
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    if not ready:
        body["down"] = [name for name, state in checks.items() if state != "ok"]
    return JsonResponse(body, status=200 if ready else 503)
