"""The Celery tasks. Each is safe to run twice (a worker killed mid-task gets it again: acks late)
and reads its rows afresh: a task carries ids, never objects.

Worker: ``celery -A config worker -B --loglevel INFO`` (``make worker``); -B runs the periodic
housekeeping (CELERY_BEAT_SCHEDULE), or run ``manage.py jobs_housekeeping`` from cron.
"""
from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from ..models import Notification, WebhookDelivery
from ..services.common import system_actor
from ..services.outbox import notification_record
from . import webhooks

logger = logging.getLogger(__name__)

# Rows older than this and still pending lost their task (the broker was down at the commit, a
# worker died): the housekeeping hands them out again.
STALE = dt.timedelta(minutes=1)


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_stream(self, endpoint_id: int, stream: str, due_only: bool = True) -> None:
    """Send one endpoint's pending deliveries of one stream, in order; retry the head after its
    backoff while it fails (league.jobs.webhooks)."""
    wait = webhooks.drain(endpoint_id, stream, due_only=due_only)
    if wait:
        raise self.retry(countdown=wait, kwargs={"endpoint_id": endpoint_id, "stream": stream,
                                                 "due_only": False})


def notification_send(pk: int) -> int | None:
    """Send one e-mail once. None when sent (or nothing to do); else the seconds to wait."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(
            pk=pk, status=Notification.Status.PENDING).first()
        if note is None:
            return None
        error = ""
        try:
            message = EmailMultiAlternatives(note.subject, note.body_text,
                                             settings.DEFAULT_FROM_EMAIL, [note.recipient],
                                             headers={"X-League-Notification": note.kind})
            if note.body_html:
                message.attach_alternative(note.body_html, "text/html")
            message.send()
        except Exception as exc:  # SMTP down, refused, a bad backend: recorded, retried
            error = f"{type(exc).__name__}: {exc}"
        wait = notification_record(note=note, error=error, actor=system_actor())
    return wait


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self, pk: int) -> None:
    wait = notification_send(pk)
    if wait:
        raise self.retry(countdown=wait)


def housekeeping_run() -> dict[str, int]:
    """Hand out again what lost its task, and forget old referee post answers."""
    from ..services.idempotency import idempotent_posts_prune

    now = timezone.now()
    streams = (WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING,
                                              endpoint__active=True)
               .values("endpoint_id", "stream")
               .annotate(first=Min("created_at"), due=Min("next_attempt_at"))
               .filter(Q(due__lte=now - STALE) | Q(due=None, first__lte=now - STALE)))
    handed = 0
    for row in streams:
        webhooks.enqueue(deliver_stream, row["endpoint_id"], row["stream"], due_only=False)
        handed += 1
    notes = list(Notification.objects.filter(status=Notification.Status.PENDING,
                                             created_at__lte=now - STALE)
                 .values_list("pk", flat=True)[:1000])
    for pk in notes:
        webhooks.enqueue(send_notification, pk)
    pruned = idempotent_posts_prune(
        older_than=now - dt.timedelta(days=settings.IDEMPOTENT_POST_DAYS), actor=system_actor())
    return {"streams": handed, "notifications": len(notes), "pruned_posts": pruned}


@shared_task
def housekeeping() -> dict[str, int]:
    return housekeeping_run()
