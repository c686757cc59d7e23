"""Background jobs' records: webhook endpoints and their deliveries, e-mail notifications.

Both are outboxes: the service that changes the league writes the rows in its own transaction
(a rolled-back change sends nothing, a committed one cannot lose what it has to send), and a
Celery task sends them after the commit (league/jobs/, docs/webhooks.md, docs/jobs.md).
"""
from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import choices_check
from .match import Match
from .season import Season


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    """What a broadcaster or media endpoint may subscribe to (issue 12)."""

    MATCH_CALLED = "match.called", _("Match called to its ring")
    MATCH_STARTED = "match.started", _("Match started")
    ROUND_RECORDED = "match.round_recorded", _("Round recorded")
    MATCH_FINISHED = "match.finished", _("Match finished")
    MATCH_CORRECTED = "match.corrected", _("Result corrected")
    BRACKET_CHANGED = "bracket.changed", _("Bracket changed")
    SCHEDULE_CHANGED = "schedule.changed", _("Schedule changed")


class WebhookEndpoint(models.Model):
    """A receiver the organizer registered for one season: what it hears, where, signed how."""

    Event = WebhookEvent

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="webhook_endpoints",
                               verbose_name=_("season"))
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret,
                              help_text=_("The receiver checks every delivery's signature with it "
                                          "(docs/webhooks.md)."))
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["season", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.UniqueConstraint(fields=["season", "url"], name="webhook_endpoint_once_per_season",
                                    violation_error_message=_("This URL is already registered for "
                                                              "the season.")),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def hears(self, kind: str) -> bool:
        return self.active and kind in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class WebhookDelivery(models.Model):
    """One event for one endpoint. Deliveries of one endpoint and one stream (a match, or the
    season for bracket and schedule changes) go out in ``sequence`` order: a later one waits while
    an earlier one is pending."""

    Status = DeliveryStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries", verbose_name=_("endpoint"))
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("match"))
    stream = models.CharField(_("stream"), max_length=40)
    sequence = models.PositiveIntegerField(_("sequence"))
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            choices_check("status", DeliveryStatus, "webhook_delivery_status_valid"),
            models.UniqueConstraint(fields=["endpoint", "stream", "sequence"],
                                    name="webhook_delivery_sequence_once"),
        ]
        indexes = [models.Index(fields=["endpoint", "stream", "status", "sequence"],
                                name="webhook_delivery_queue")]

    def __str__(self) -> str:
        return f"{self.event} #{self.sequence} → {self.endpoint}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One e-mail to one person, rendered in their language when the change happened and sent
    after the commit; a failure to send is recorded here and retried, never undoes the change."""

    Status = NotificationStatus

    kind = models.CharField(_("kind"), max_length=40)
    season = models.ForeignKey(Season, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("season"))
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # At most one e-mail per (what happened, recipient): a second call of the same match never
    # tells a team twice that it is next.
    dedupe_key = models.CharField(_("once per"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=NotificationStatus.choices,
                              default=NotificationStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        constraints = [
            choices_check("status", NotificationStatus, "notification_status_valid"),
            models.UniqueConstraint(fields=["dedupe_key", "recipient"], name="notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"
