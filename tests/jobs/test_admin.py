"""The organizer's webhook pages in the admin: registering through the service (audited), the
delivery log read-only with status, attempts, last error and response code."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from league import services
from league.models import AuditEvent, Notification, WebhookDelivery, WebhookEndpoint
from league.services.common import system_actor
from tests.referee.conftest import make_match, mini_season


@pytest.fixture
def org(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def season(db, people):
    return mini_season()


def test_the_organizer_registers_an_endpoint_in_the_admin(org, season, receiver, organizer):
    response = org.post(reverse("admin:league_webhookendpoint_add"), {
        "season": season.pk, "url": receiver.url, "description": "TV", "active": "on",
        "events": ["match.finished", "bracket.changed"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["bracket.changed", "match.finished"] and endpoint.secret
    assert AuditEvent.objects.get(action="webhook_registered").actor == organizer
    page = org.get(reverse("admin:league_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret in page.content.decode()  # to give to the receiver


def test_a_refused_url_is_a_form_error_not_a_500(org, season, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = org.post(reverse("admin:league_webhookendpoint_add"), {
        "season": season.pk, "url": "http://127.0.0.1:8000/x", "active": "on",
        "events": ["match.finished"]})
    assert response.status_code == 200
    assert "The league does not send to this URL" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_status_attempts_error_and_code(
        org, season, receiver, organizer, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.always = 502
    services.webhook_endpoint_register(season=season, url=receiver.url,
                                       events=["match.called"], actor=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=make_match(season, when=timezone.now()), actor=system_actor())
    page = org.get(reverse("admin:league_webhookdelivery_changelist")).content.decode()
    assert "Dead letter" in page and "HTTP 502" in page and ">502<" in page
    delivery = WebhookDelivery.objects.get()
    detail = org.get(reverse("admin:league_webhookdelivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and "match.called" in detail.content.decode()
    response = org.post(reverse("admin:league_webhookdelivery_changelist"), {
        "action": "send_again", "_selected_action": [str(delivery.pk)]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="webhook_redelivered").count() == 1


def test_referees_see_no_webhook_pages(client, people, season):
    user = people["head"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    for name in ("webhookendpoint", "webhookdelivery", "notification"):
        assert client.get(reverse(f"admin:league_{name}_changelist")).status_code == 403


def test_the_notification_log_is_read_only(org, season):
    Notification.objects.create(kind="match_next", recipient="a@example.org", language="en",
                                subject="Your match A1 is next", body_text="…", dedupe_key="k")
    page = org.get(reverse("admin:league_notification_changelist")).content.decode()
    assert "Your match A1 is next" in page
    assert org.get(reverse("admin:league_notification_add")).status_code == 403
