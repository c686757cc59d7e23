"""The organizer runs a whole season in a real Chromium: create the season, import 20 teams,
audition and qualify 16, close the auditions, seed the pots, run the draw, make the schedule,
assign referees; the matches are fought through the services; start the knockout, finish the
season, and see the 8 rewarded teams and the belt. Screenshots: artifacts/admin-*.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from league.models import Entry, Placing, Season
from tests import factories
from tests.factories import ensure_roles

from .helpers import finish_knockout, play_group_stage
from .test_import import catalogue_rows, csv_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def field(page, label):
    """The form field labelled ``label`` (the admin writes "Label:")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def go_to_season(page, base, season):
    page.goto(f"{base}/admin/league/season/{season.pk}/change/")


def run_phase_action(page, base, season, title, confirm, screenshot=None, shot=None, seed=None):
    """Open a phase action from the season page, look at its preview, confirm it."""
    go_to_season(page, base, season)
    page.get_by_role("link", name=title, exact=True).click()
    if seed is not None:
        field(page, "Random seed").fill(str(seed))
        page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_role("heading", name="Preview: what confirming will do")).to_be_visible()
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name=confirm).click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_organizer_runs_a_whole_season_in_the_admin(live_server, browser_context, screenshot):
    ensure_roles()
    factories.staff()
    base = live_server.url
    context = browser_context(1280, 900)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)

    # Log in.
    page.goto(f"{base}/admin/")
    field(page, "Username").fill("organizer")
    field(page, "Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Run the league")).to_be_visible()

    # Create the season: it goes through services.season_create with the default rewards.
    page.goto(f"{base}/admin/league/season/add/")
    expect(page.get_by_text("Pure-gold championship belt")).to_be_visible()
    field(page, "Name").fill("Season 1 · Shenzhen")
    field(page, "Chinese name").fill("第一赛季 · 深圳")
    field(page, "Slug").fill("shenzhen-2026")
    field(page, "City").fill("Shenzhen")
    field(page, "Venue").fill("Shenzhen Bay Sports Center")
    field(page, "Time zone").select_option("Asia/Shanghai")
    field(page, "First match day").fill("2026-03-06")
    screenshot(page, "admin-01-season-add")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("default reward")
    season = Season.objects.get(slug="shenzhen-2026")
    assert season.rewards.get(place=1).value == 10_000_000
    screenshot(page, "admin-02-season-created")

    # Import 20 applications from a CSV: preview, then confirm.
    page.get_by_role("link", name="Import applications (CSV, XLSX)").first.click()
    field(page, "CSV or XLSX file").set_input_files(
        {"name": "applications.csv", "mimeType": "text/csv", "buffer": csv_bytes(catalogue_rows(20))})
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("20 teams are ready to import")).to_be_visible()
    screenshot(page, "admin-03-import-preview")
    page.get_by_role("button", name="Import 20 teams").click()
    expect(page.locator(".messagelist .success")).to_contain_text("20 teams imported")
    assert season.entries.count() == 20

    # Close registration.
    run_phase_action(page, base, season, "Close registration", "Close registration")

    # Auditions: approve 16, reject 4 with a reason, qualify the 16.
    entries_url = f"{base}/admin/league/entry/?season__id__exact={season.pk}"
    page.goto(entries_url)
    boxes = page.locator("input.action-select")
    expect(boxes).to_have_count(20)
    for i in range(16):
        boxes.nth(i).check()
    page.locator("select[name=action]").select_option("approve_auditions")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Auditions passed (16)")

    page.goto(f"{entries_url}&status__exact=applied")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("reject_auditions")
    page.get_by_role("button", name="Go").click()
    field(page, "Reason").fill("Fell twice in the balance test")
    screenshot(page, "admin-04-reject-reason")
    page.get_by_role("button", name="Reject the auditions").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Audition rejected")

    page.goto(f"{entries_url}&status__exact=audition_passed")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("qualify")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("16/16 teams qualified (R1)")
    page.goto(entries_url)
    expect(page.locator(".league-qualified")).to_contain_text("16/16")
    screenshot(page, "admin-05-qualified")
    assert season.entries.filter(status=Entry.Status.QUALIFIED).count() == 16

    # Close auditions, seed the pots, run the draw (its seed shown), generate the schedule.
    run_phase_action(page, base, season, "Close auditions", "Close auditions")
    run_phase_action(page, base, season, "Seed the pots", "Seed the pots", screenshot, "admin-06-pots")
    go_to_season(page, base, season)
    page.get_by_role("link", name="Run the draw", exact=True).click()
    field(page, "Random seed").fill("20260306")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator(".league-seed")).to_contain_text("20260306")
    screenshot(page, "admin-07-draw-preview")
    page.get_by_role("button", name="Run the draw with this seed").click()
    expect(page.locator(".league-ok")).to_contain_text("Re-running the draw with this seed gives exactly")
    screenshot(page, "admin-08-draw-checked")
    season.refresh_from_db()
    assert season.draw_seed == 20260306
    run_phase_action(page, base, season, "Generate the group schedule", "Generate the schedule",
                     screenshot, "admin-09-schedule-preview")
    screenshot(page, "admin-10-matches")
    run_phase_action(page, base, season, "Assign referees", "Assign the referees")
    season.refresh_from_db()
    assert season.phase == Season.Phase.GROUP_STAGE and season.matches.count() == 24
    assert not season.matches.filter(referees__isnull=True).exists()

    # The referees fight the group stage (through the services).
    play_group_stage(season)

    # Start the knockout: the quarterfinal draw.
    run_phase_action(page, base, season, "Start the knockout", "Start the knockout with this seed",
                     screenshot, "admin-11-knockout-preview", seed=13)
    season.refresh_from_db()
    assert season.phase == Season.Phase.KNOCKOUT and season.knockout_seed == 13

    # The knockout is fought (through the services); the organizer finishes the season.
    finish_knockout(season)
    run_phase_action(page, base, season, "Finish the season", "Finish the season",
                     screenshot, "admin-12-finish-preview")
    expect(page).to_have_url(re.compile(rf"/admin/league/season/{season.pk}/rewards/$"))
    expect(page.get_by_role("heading", name=re.compile("8 teams rewarded"))).to_be_visible()
    expect(page.locator(".league-placings tbody tr")).to_have_count(8)
    expect(page.locator(".league-belt")).to_contain_text("Pure-gold championship belt")
    expect(page.locator(".league-belt")).to_contain_text("CNY 10,000,000")
    screenshot(page, "admin-13-rewards")
    assert Placing.objects.filter(season=season).count() == 8

    # The same pages at 375 px.
    phone = browser_context(375, 800).new_page()
    phone.context.add_cookies(context.cookies())
    phone.goto(f"{base}/admin/league/season/{season.pk}/rewards/")
    expect(phone.locator(".league-belt")).to_be_visible()
    screenshot(phone, "admin-14-rewards-375")
    phone.goto(f"{base}/admin/league/season/{season.pk}/change/")
    screenshot(phone, "admin-15-season-375")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the season page scrolls sideways at 375 px ({width} px)"

    assert csp_errors == []
