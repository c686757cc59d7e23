"""The organizer registers a webhook endpoint in a real Chromium and reads the delivery log.
Screenshots: artifacts/jobs-*.png (375 and 1280 px)."""
from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from league import services
from league.models import WebhookEndpoint
from league.services.common import system_actor
from tests import factories
from tests.factories import ensure_roles
from tests.referee.conftest import make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base):
    page.goto(f"{base}/admin/")
    page.get_by_label(re.compile("^Username:?$")).fill("organizer")
    page.get_by_label(re.compile("^Password:?$")).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_organizer_registers_an_endpoint_and_reads_its_deliveries(
        live_server, browser_context, screenshot, receiver, settings):
    ensure_roles()
    factories.staff()
    season = mini_season()
    base = live_server.url
    page = browser_context(1280, 900).new_page()
    log_in(page, base)
    page.goto(f"{base}/admin/league/webhookendpoint/add/")
    page.get_by_label("Season").select_option(label=str(season))
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Broadcast partner")
    page.get_by_label("Match finished").check()
    page.get_by_label("Match called to its ring").check()
    screenshot(page, "jobs-01-endpoint-add-1280")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["match.called", "match.finished"]

    receiver.fail_first = 1
    settings.WEBHOOK_MAX_ATTEMPTS = 8
    services.match_call(match=make_match(season, when=timezone.now()), actor=system_actor())
    page.goto(f"{base}/admin/league/webhookdelivery/")
    expect(page.get_by_role("cell", name="match.called")).to_be_visible()
    expect(page.get_by_role("cell", name="Delivered")).to_be_visible()
    screenshot(page, "jobs-02-deliveries-1280")
    page.goto(f"{base}/admin/league/webhookendpoint/{endpoint.pk}/change/")
    expect(page.get_by_text(endpoint.secret)).to_be_visible()
    screenshot(page, "jobs-03-endpoint-change-1280")

    phone = browser_context(375, 800).new_page()
    log_in(phone, base)
    phone.goto(f"{base}/admin/league/webhookdelivery/")
    screenshot(phone, "jobs-04-deliveries-375")
    phone.goto(f"{base}/admin/league/webhookendpoint/add/")
    screenshot(phone, "jobs-05-endpoint-add-375")
