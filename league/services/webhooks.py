"""The organizer's webhook endpoints (docs/webhooks.md): registered per season with the events
they hear, changed, switched off, their secret renewed, a dead letter sent again. Audited; the
secret never enters the audit trail."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import RuleViolation
from ..models import Season, WebhookDelivery, WebhookEndpoint
from ..models.jobs import WebhookEvent, new_secret
from .common import audit, require_organizer, save_checked

FIELDS = ("url", "description", "events", "active")


def _check(endpoint: WebhookEndpoint) -> None:
    from ..jobs.webhooks import Refused, resolve

    unknown = [e for e in endpoint.events if e not in WebhookEvent.values]
    if unknown or not endpoint.events:
        raise RuleViolation(None, _("Choose at least one event the endpoint hears."), field="events")
    try:
        resolve(endpoint.url)
    except Refused as exc:
        raise RuleViolation(None, _("The league does not send to this URL: %(why)s.")
                            % {"why": exc}, field="url") from exc


def _shown(endpoint: WebhookEndpoint) -> dict:
    return {"url": endpoint.url, "description": endpoint.description,
            "events": sorted(endpoint.events), "active": endpoint.active}


def webhook_endpoint_register(*, season: Season, url: str, events: list[str], actor,
                              description: str = "", active: bool = True) -> WebhookEndpoint:
    """Register a receiver for ``season``; its signing secret is made here."""
    require_organizer(actor)
    with transaction.atomic():
        endpoint = WebhookEndpoint(season=season, url=url.strip(), events=sorted(set(events)),
                                   description=description.strip(), active=active)
        _check(endpoint)
        save_checked(endpoint)
        audit(actor=actor, action="webhook_registered", obj=endpoint, season=season,
              to_state="active" if active else "off", data=_shown(endpoint))
        return endpoint


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor, **changes) -> WebhookEndpoint:
    """Change the URL, description, events or whether it is active."""
    require_organizer(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise RuleViolation(None, _("These cannot be changed here: %(f)s.")
                            % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = _shown(endpoint)
        for name, value in changes.items():
            if name == "events":
                value = sorted(set(value))
            elif isinstance(value, str):
                value = value.strip()
            setattr(endpoint, name, value)
        _check(endpoint)
        save_checked(endpoint)
        audit(actor=actor, action="webhook_changed", obj=endpoint,
              from_state="active" if before["active"] else "off",
              to_state="active" if endpoint.active else "off",
              data={"before": before, "after": _shown(endpoint)})
        return endpoint


def webhook_secret_rotate(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """A new signing secret (the old one stops at once: give the receiver the new one)."""
    require_organizer(actor)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret"])
        audit(actor=actor, action="webhook_secret_rotated", obj=endpoint)
        return endpoint


def webhook_delivery_retry(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a dead letter again: pending, its attempts from zero, at the head of its stream
    (it goes before the stream's later pending deliveries, after the ones already sent)."""
    require_organizer(actor)
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update().select_related("endpoint__season")
                    .get(pk=delivery.pk))
        if delivery.status != WebhookDelivery.Status.DEAD:
            raise RuleViolation(None, _("Only a dead letter is sent again."))
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
        audit(actor=actor, action="webhook_redelivered", obj=delivery.endpoint,
              season=delivery.endpoint.season, from_state="dead", to_state="pending",
              data={"delivery": str(delivery.pk), "event": delivery.event,
                    "at": timezone.now().isoformat()})
        from ..jobs.webhooks import _drain_on_commit

        _drain_on_commit(delivery.endpoint_id, delivery.stream)
        return delivery
