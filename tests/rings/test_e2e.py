"""In a real Chromium: the organizer delays a ring in Ring control and the estimated times move
on the public schedule a fan has open on a phone (375 px), by its live poll. The schedule opens
on the day of the live or next fight, rows are >= 44x44 px tap targets and nothing is cut.
Screenshots: artifacts/rings-*.png."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from league import services
from league.services.common import system_actor
from tests import factories

from .conftest import future_start

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base):
    page.goto(f"{base}/admin/")
    page.get_by_label(re.compile(r"^Username:?$")).fill("organizer")
    page.get_by_label(re.compile(r"^Password:?$")).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Run the league")).to_be_visible()


def boxes(page, selector):
    return page.locator(selector).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")


def test_organizer_delays_a_ring_and_the_public_schedule_moves(live_server, browser_context,
                                                               screenshot):
    factories.staff()
    season = factories.season_at("drawn", starts_on=future_start())
    services.group_schedule_generate(season=season, actor=system_actor())
    first = season.matches.filter(ring="Ring 1").order_by("scheduled_at").first()
    base = live_server.url
    schedule_url = f"{base}/seasons/{season.slug}/schedule/"

    fan = browser_context(375, 800).new_page()
    fan.goto(schedule_url)
    expect(fan.get_by_role("heading", name="At the rings")).to_be_visible()
    expect(fan.locator('.day-jump a[aria-current="page"]')).to_contain_text("Day 1")
    assert fan.locator(".fight-est").count() == 0
    assert fan.evaluate("document.documentElement.scrollWidth") <= 375
    for width, height in boxes(fan, ".fight-row") + boxes(fan, ".day-jump a") + boxes(fan, ".rq-row"):
        assert width >= 44 and height >= 44
    screenshot(fan, "rings-schedule-375")

    organizer = browser_context(1280, 900).new_page()
    log_in(organizer, base)
    organizer.goto(f"{base}/admin/league/match/rings/")
    organizer.get_by_role("link", name=re.compile(re.escape(season.name))).click()
    expect(organizer.get_by_role("heading", name="Ring 1", exact=True)).to_be_visible()
    ring_one = organizer.get_by_role("form", name="Delay Ring 1")
    ring_one.get_by_label("delay (minutes)").fill("20")
    ring_one.get_by_label("reason").fill("Mat replaced")
    ring_one.get_by_role("button", name="Delay Ring 1").click()
    expect(organizer.locator(".messagelist .success")).to_contain_text("Ring 1 is delayed by 20 minutes.")
    screenshot(organizer, "rings-control-1280")

    # The fan's page polls (every 5 s): the estimated time appears without a reload.
    expected = (first.scheduled_at + dt.timedelta(minutes=20)).astimezone(season.tz)
    row = fan.locator(".fight-row").filter(has=fan.get_by_role("link", name=f"Match {first.slot}"))
    expect(row.locator(".fight-est")).to_contain_text(f"{expected:%H:%M}", timeout=15_000)
    expect(row.locator(".fight-est")).to_contain_text("estimated")
    screenshot(fan, "rings-schedule-375-delayed")

    # The whole row opens the match.
    row.click(position={"x": 20, "y": 40})
    expect(fan).to_have_url(re.compile(rf"/matches/{first.slot}/$"))
    expect(fan.locator(".fight-est")).to_contain_text(f"{expected:%H:%M}")
    screenshot(fan, "rings-match-375")

    wide = browser_context(1280, 900).new_page()
    wide.goto(schedule_url)
    screenshot(wide, "rings-schedule-1280")
    wide.goto(f"{schedule_url}day/2/")
    expect(wide.locator('.day-jump a[aria-current="page"]')).to_contain_text("Day 2")

    phone_admin = browser_context(375, 800)
    page = phone_admin.new_page()
    log_in(page, base)
    page.goto(f"{base}/admin/league/match/rings/{season.pk}/")
    screenshot(page, "rings-control-375")
