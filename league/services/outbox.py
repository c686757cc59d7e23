"""The outbox: the rows league.jobs sends from, written here like every other league row.

- ``webhook_delivery_append`` / ``notification_queue`` are called by the event sinks
  (league.jobs.webhooks, league.jobs.notify) inside the transaction of the service that emitted
  the event, with that service's actor;
- ``webhook_delivery_record`` / ``notification_record`` record one attempt to send, in the
  Celery task, as ``system_actor()`` (the league's own hand).

Not audited, by decision: an outbox row is itself the record of what is owed and of each attempt
(status, attempts, last error, times), shown on its admin page; the change that caused it is in
the audit trail already. Auditing each row again would double the writes of every service that
emits an event. The actor is still required, and checked, like every service's.
"""
from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from ..models import Notification, WebhookDelivery, WebhookEndpoint
from .common import require_actor

logger = logging.getLogger("league.jobs")


def webhook_delivery_append(*, endpoint: WebhookEndpoint, kind: str, match, stream: str,
                            payload: dict, actor, tries: int = 5) -> WebhookDelivery:
    """The next delivery of the endpoint's stream. The services' locks (the match, the season)
    keep two writers of one stream apart; should two still meet, the unique sequence makes the
    second take the next number."""
    require_actor(actor)
    for attempt in range(tries):
        last = (WebhookDelivery.objects.filter(endpoint=endpoint, stream=stream)
                .aggregate(n=Max("sequence"))["n"]) or 0
        delivery = WebhookDelivery(endpoint=endpoint, event=kind, match=match, stream=stream,
                                   sequence=last + 1, body="")
        delivery.body = json.dumps({**payload, "id": str(delivery.pk), "sequence": last + 1},
                                   sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            with transaction.atomic():
                delivery.save(force_insert=True)
            return delivery
        except IntegrityError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def webhook_backoff(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: the base, doubling, at most an hour."""
    return min(settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 3600)


def webhook_delivery_record(*, delivery: WebhookDelivery, code: int | None, error: str, actor,
                            count_failure=lambda: None) -> int:
    """Record one attempt of a locked delivery: delivered, or failed (a dead letter after
    WEBHOOK_MAX_ATTEMPTS). Returns the seconds before the next attempt (0: go on at once)."""
    require_actor(actor)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_code = code
    delivery.last_error = error[:300]
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        wait = 0
    else:
        count_failure()
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.DEAD
            delivery.next_attempt_at = None
            logger.warning("webhooks: delivery %s to %s is a dead letter after %d attempts: %s",
                           delivery.pk, delivery.endpoint.url, delivery.attempts, error)
            wait = 0
        else:
            wait = webhook_backoff(delivery.attempts)
            delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
    delivery.save(update_fields=["attempts", "response_code", "last_error", "status",
                                 "delivered_at", "next_attempt_at"])
    return wait


def notification_queue(*, season, kind: str, recipient: str, language: str, subject: str,
                       body: str, once: str, actor) -> Notification | None:
    """One e-mail to send after the commit; None when the same (once, recipient) was written
    meanwhile (that one is sent)."""
    require_actor(actor)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                kind=kind, season=season, recipient=recipient, language=language,
                subject=subject, body_text=body, dedupe_key=once[:120])
    except IntegrityError:
        return None


def notification_record(*, note: Notification, error: str, actor) -> int | None:
    """Record one attempt of a locked e-mail: sent, or failed (given up after
    NOTIFICATION_MAX_ATTEMPTS). Returns the seconds before the next attempt, or None."""
    require_actor(actor)
    note.attempts += 1
    wait = None
    if error:
        note.last_error = error[:300]
        if note.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            note.status = Notification.Status.FAILED
            logger.warning("notify: gave up on %s to %s: %s", note.kind, note.recipient,
                           note.last_error)
        else:
            wait = min(30 * 2 ** (note.attempts - 1), 3600)
    else:
        note.status = Notification.Status.SENT
        note.sent_at = timezone.now()
    note.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return wait
