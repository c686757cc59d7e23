"""The season page's match-clock section (R17) in a real Chromium, desktop and phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from league.models import ClockSettings
from tests import factories
from tests.factories import ensure_roles

from .test_e2e_season import field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_r17_organizer_sets_the_countdowns_in_the_season_page(live_server, browser_context,
                                                              screenshot):
    ensure_roles()
    factories.staff()
    season = factories.SeasonFactory()
    for width in (1280, 375):
        page = browser_context(width, 900).new_page()
        page.goto(f"{live_server.url}/admin/")
        field(page, "Username").fill("organizer")
        field(page, "Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/admin/league/season/{season.pk}/change/")
        section = page.get_by_text("Match clock: countdown lengths (R17)", exact=True)
        section.scroll_into_view_if_needed()
        expect(section).to_be_visible()
        screenshot(page, f"admin-clock-settings-{width}")
    page.locator("#id_clock_settings-0-timeout_seconds").fill("90")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert ClockSettings.objects.get(season=season).timeout_seconds == 90
