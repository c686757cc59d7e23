"""Webhook deliveries: signed, retried with backoff, dead-lettered, in order per match.

- :func:`on_event` (a sink of league.events) writes one WebhookDelivery per endpoint that hears
  the event, in the service's transaction, numbered in its stream (``match-<id>``, or ``season``
  for bracket and schedule changes), and has the stream drained after the commit.
- :func:`drain` sends a stream's pending deliveries in sequence order. The head is locked while
  it is sent (a second drain of the same stream waits its turn or leaves), so a delivery is
  never sent while an earlier one of its endpoint and stream is pending. A failure records the
  attempt and returns the wait before the next one; the task retries then (Celery's countdown).
  After WEBHOOK_MAX_ATTEMPTS failures the delivery is a dead letter and the stream moves on.

Every request is signed: ``X-League-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" under the endpoint's secret>`` (docs/webhooks.md shows the receiver's check).
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import logging
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from ..metrics import WEBHOOK_FAILURES
from ..models import Match, Season, WebhookDelivery, WebhookEndpoint
from ..models.jobs import WebhookEvent
from ..services.common import system_actor
from ..services.outbox import webhook_backoff, webhook_delivery_append, webhook_delivery_record

logger = logging.getLogger(__name__)

USER_AGENT = "RobotFightingLeague-Webhooks/1"
SEASON_STREAM = "season"


# --- metrics: league_webhook_failures_total (league/metrics.py) ------------------------------

def count_failure() -> None:
    try:
        WEBHOOK_FAILURES.inc()
    except Exception:  # a counter with labels, or no registry: a metric never fails a delivery
        logger.debug("webhooks: failure not counted", exc_info=True)


# --- the outbox: one delivery per endpoint that hears the event --------------------------------

def _match_snapshot(match: Match) -> dict:
    def team(entry_id, entry):
        if entry_id is None:
            return None
        return {"slug": entry.team.slug, "name": entry.team.name_en, "name_zh": entry.team.name_zh}

    winner = None
    if match.winner_id:
        winner = "red" if match.winner_id == match.red_id else "blue"
    return {
        "id": match.pk, "slot": match.slot, "stage": match.stage, "ring": match.ring or None,
        "status": match.status,
        "scheduled_at": match.scheduled_at.isoformat() if match.scheduled_at else None,
        "red": team(match.red_id, match.red if match.red_id else None),
        "blue": team(match.blue_id, match.blue if match.blue_id else None),
        "red_rounds": match.red_rounds, "blue_rounds": match.blue_rounds,
        "winner": winner, "method": match.method or None,
    }


def stream_of(match: Match | None) -> str:
    return f"match-{match.pk}" if match is not None else SEASON_STREAM


def on_event(kind: str, *, season, match=None, data: dict, actor) -> None:
    """Write the deliveries of one event (inside the service's transaction, as its actor:
    services.outbox) and have their streams drained once it commits."""
    if kind not in WebhookEvent.values:
        return
    season_id = season.pk if isinstance(season, Season) else season
    endpoints = [e for e in WebhookEndpoint.objects.filter(season_id=season_id, active=True)
                 if e.hears(kind)]
    if not endpoints:
        return
    slug = season.slug if isinstance(season, Season) else (
        Season.objects.values_list("slug", flat=True).get(pk=season_id))
    stream = stream_of(match)
    occurred = timezone.now().isoformat()
    snapshot = _match_snapshot(match) if match is not None else None
    for endpoint in endpoints:
        webhook_delivery_append(
            endpoint=endpoint, kind=kind, match=match, stream=stream, actor=actor,
            payload={"event": kind, "season": slug, "stream": stream, "occurred_at": occurred,
                     "match": snapshot, "data": data})
        _drain_on_commit(endpoint.pk, stream)


def _drain_on_commit(endpoint_id: int, stream: str) -> None:
    from .tasks import deliver_stream

    transaction.on_commit(lambda: enqueue(deliver_stream, endpoint_id, stream), robust=True)


# After a failed hand-over the broker is not tried again for this long (in this process): with
# Redis down, one write pays the failed attempt, the next ones answer at once.
BROKER_PAUSE_SECONDS = 15.0
_broker_down_until = 0.0


def enqueue(task, *args, **kwargs) -> None:
    """Hand a task to the broker (or run it, eagerly). The broker down loses nothing: the rows
    wait, pending, for the housekeeping (league.jobs.tasks.housekeeping) to hand them out again."""
    global _broker_down_until
    eager = task.app.conf.task_always_eager
    if not eager and time.monotonic() < _broker_down_until:
        logger.info("jobs: broker down, %s%s left to the housekeeping", task.name, args)
        return
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        if not eager:
            _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("jobs: could not enqueue %s%s; the housekeeping will", task.name, args,
                       exc_info=True)


# --- signing and sending ----------------------------------------------------------------------

def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class Refused(Exception):
    """The endpoint's address is not one the league sends to (SSRF guard)."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(url: str) -> tuple[str, int, str]:
    """(host, port, address) of ``url``; refuses a loopback, private, link-local or reserved
    address unless WEBHOOK_ALLOW_PRIVATE."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Refused(f"{parts.hostname} does not resolve") from exc
    addresses = [info[4][0] for info in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE:
        blocked = [a for a in addresses if not _public(a)]
        if blocked:
            raise Refused(f"{parts.hostname} resolves to a non-public address ({blocked[0]})")
    return parts.hostname, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to a second look-up of the name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    """POST one delivery; the response's status code (redirects are not followed)."""
    host, port, address = resolve(endpoint.url)
    parts = urlsplit(endpoint.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = delivery.body.encode()
    timestamp = int(time.time())
    cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn = cls(host, port, address, settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        conn.request("POST", path, body=body, headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-League-Event": delivery.event,
            "X-League-Delivery": str(delivery.pk),
            "X-League-Sequence": str(delivery.sequence),
            "X-League-Signature": signature(endpoint.secret, timestamp, body),
        })
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        conn.close()


backoff = webhook_backoff  # the wait before each retry (services.outbox)


# --- draining one stream ----------------------------------------------------------------------

def _head(endpoint_id: int, stream: str) -> WebhookDelivery | None:
    """The stream's first pending delivery, locked (None when another drain holds it)."""
    try:
        return (WebhookDelivery.objects.select_for_update(nowait=True, of=("self",))
                .select_related("endpoint")
                .filter(endpoint_id=endpoint_id, stream=stream, status=WebhookDelivery.Status.PENDING)
                .order_by("sequence").first())
    except DatabaseError:  # PostgreSQL: locked by a drain that is sending it now
        return None


def send_head(endpoint_id: int, stream: str, *, due_only: bool = True) -> int | None:
    """Send the head of the stream once. Returns None when nothing is left to do now (sent and
    nothing follows, not due yet, endpoint off, another drain busy), 0 when the next delivery can
    go at once, else the seconds to wait before retrying this one."""
    with transaction.atomic():
        delivery = _head(endpoint_id, stream)
        if delivery is None or not delivery.endpoint.active:
            return None
        if due_only and delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            return None  # waiting for its retry: the retry task sends it, in order
        error, code = "", None
        try:
            code = post(delivery.endpoint, delivery)
            if not 200 <= code < 300:
                error = f"HTTP {code}"
        except Refused as exc:
            error = f"refused: {exc}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        wait = webhook_delivery_record(delivery=delivery, code=code, error=error,
                                       actor=system_actor(), count_failure=count_failure)
    return wait


def drain(endpoint_id: int, stream: str, *, due_only: bool = True) -> int | None:
    """Send the stream's pending deliveries in order until it is empty (None) or one fails
    (the seconds to wait before its retry)."""
    while True:
        wait = send_head(endpoint_id, stream, due_only=due_only)
        if wait != 0:
            return wait
        due_only = True  # the retried head went; the ones after it are due at once
