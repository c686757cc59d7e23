"""Prometheus metrics (docs/operations.md, "Metrics").

django-prometheus measures every request (middleware first and last in settings.MIDDLEWARE:
``django_http_requests_latency_including_middlewares_seconds`` for all of them, the public
fast path's answers included, and ``django_http_requests_latency_seconds_by_view_method`` per
view for those that reach one). The league adds:

- ``league_push_streams_open``: event streams (league.push) open now, summed over the server's
  processes;
- ``league_queue_depth``: tasks waiting in the Celery queue (the length of its Redis list, read
  at each scrape; 0 without a broker);
- ``league_webhook_failures_total``: failed webhook deliveries (``WEBHOOK_FAILURES.inc()`` where a
  delivery fails).

``/metrics`` answers only a direct request (no ``X-Forwarded-For``: nothing that came through
the proxy) from an address in ``METRICS_ALLOWED_IPS`` (addresses or networks, default loopback);
anyone else gets a plain 404. With several worker processes (tools/serve.sh sets
``PROMETHEUS_MULTIPROC_DIR``) it sums what every process recorded.
"""
from __future__ import annotations

import glob
import ipaddress
import logging
import os
from collections.abc import AsyncIterator, Iterator
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from .http_cache import uncached

logger = logging.getLogger(__name__)

PUSH_STREAMS_OPEN = Gauge("league_push_streams_open", "Event streams (Server-Sent Events) open now.",
                          multiprocess_mode="livesum")
WEBHOOK_FAILURES = Counter("league_webhook_failures",
                           "Webhook deliveries that failed (each failed attempt).")

CELERY_QUEUE = "celery"
# kombu's Redis transport keeps a queue's priorities in lists of their own: "celery" and
# "celery\x06\x16<n>" for n in its priority steps (default 3, 6, 9).
PRIORITY_SEPARATOR = "\x06\x16"


def broker_url() -> str:
    """The Celery broker's URL when it is Redis (CELERY_BROKER_URL, else REDIS_URL); else ""."""
    url = getattr(settings, "CELERY_BROKER_URL", "") or os.environ.get("REDIS_URL", "")
    return url if url.startswith(("redis://", "rediss://", "unix://")) else ""


def queue_depth(queue: str = CELERY_QUEUE, *, url: str | None = None) -> int:
    """Tasks waiting in a Celery queue on Redis: the length of its lists, 0 when there is no
    such queue or no Redis broker. Raises redis' errors when the broker cannot be reached."""
    url = broker_url() if url is None else url
    if not url:
        return 0
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        keys = [queue, *client.scan_iter(match=_glob_escape(queue) + PRIORITY_SEPARATOR + "*")]
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(key)
            return sum(int(n) for n in pipe.execute())
    finally:
        client.close()


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


class QueueDepthCollector:
    """``league_queue_depth``, read when scraped (one process answers: no per-process sum)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("league_queue_depth", "Tasks waiting in the Celery queue.",
                                   labels=["queue"])
        try:
            family.add_metric([CELERY_QUEUE], queue_depth())
        except Exception:  # broker down: no sample, not a failed scrape
            logger.warning("metrics: cannot read the queue depth", exc_info=True)
            return
        yield family


async def counted_stream(content: AsyncIterator) -> AsyncIterator:
    """An event stream's body that counts itself in ``league_push_streams_open`` while open."""
    PUSH_STREAMS_OPEN.inc()
    try:
        async for chunk in content:
            yield chunk
    finally:
        PUSH_STREAMS_OPEN.dec()


# --- /metrics ---------------------------------------------------------------------------------

@cache
def _allowed(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def may_scrape(request: HttpRequest) -> bool:
    """A direct request (not forwarded by a proxy) from an allowed address."""
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed(tuple(settings.METRICS_ALLOWED_IPS)))


class _Registries:
    def __init__(self, *registries):
        self.registries = registries

    def collect(self):
        for registry in self.registries:
            yield from registry.collect()


def _forget_dead_processes(path: str) -> None:
    """Drop the live gauges of worker processes that are gone (killed, restarted): open streams
    count only in processes that hold them."""
    for name in glob.glob(os.path.join(path, "gauge_live*.db")):
        pid = name.rsplit("_", 1)[-1].removesuffix(".db")
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def registry() -> _Registries:
    """Every process' metrics (multiprocess mode) or this process' own, and the queue depth."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        _forget_dead_processes(path)
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes, path)
    else:
        processes = REGISTRY
    extra = CollectorRegistry(auto_describe=False)
    extra.register(QueueDepthCollector())
    return _Registries(processes, extra)


@uncached
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format; never cached by anyone (league.http_cache.uncached)."""
    if not may_scrape(request):
        raise Http404("Not found")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
