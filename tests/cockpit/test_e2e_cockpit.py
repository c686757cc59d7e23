"""The organizer's cockpit in a real Chromium: land on the dashboard, follow a blocker's link to fix
it, see the warning of a thin registration before confirming, print the bracket, export a season
and import it back (and a broken file refused with its place). Screenshots: artifacts/cockpit-*.png."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from league.models import Season
from tests import factories
from tests.factories import ensure_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base):
    page.goto(f"{base}/admin/")
    page.get_by_label(re.compile("^Username:?$")).fill("organizer")
    page.get_by_label(re.compile("^Password:?$")).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_organizer_cockpit_in_the_browser(live_server, browser_context, screenshot, tmp_path):
    ensure_roles()
    knockout = factories.season_at("knockout")
    thin = factories.SeasonFactory(name="Season Thin")
    for i in range(3):
        factories.apply_team(thin, factories.catalogue_team(i), i)
    base = live_server.url
    page = browser_context(1280, 900).new_page()
    log_in(page, base)

    # The dashboard is the landing page: phases, blockers with rule ids, next steps.
    expect(page.get_by_role("heading", name="Season dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name=knockout.name)).to_be_visible()
    # The app list stays under the dashboard (the role groups, "Staff roles", only for a superuser
    # since main's 0006: test_blockers.py checks that label).
    expect(page.get_by_role("table", name="League")).to_be_visible()
    screenshot(page, "cockpit-01-dashboard-1280")

    # A blocker's link leads to where it is fixed: the knockout's open matches.
    blocker = page.locator(".league-blockers a", has_text="The knockout is not over")
    expect(blocker).to_be_visible()
    blocker.click()
    expect(page).to_have_url(re.compile(rf"/admin/league/match/\?season__id__exact={knockout.pk}"))

    # The thin registration: the preview warns before the organizer confirms.
    page.goto(f"{base}/admin/")
    page.locator(f"#season-{thin.pk}").locator("xpath=../..").get_by_role(
        "link", name="Close registration").click()
    expect(page.get_by_text("Only 3 applicants for 16 places.")).to_be_visible()
    expect(page.get_by_role("button", name="Close registration")).to_be_visible()
    screenshot(page, "cockpit-02-thin-registration-warning")

    # The bracket, printed: print media, A4.
    page.goto(f"{base}/admin/league/season/{knockout.pk}/print/bracket/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Bracket")).to_be_visible()
    expect(page.locator(".print-tools")).to_be_hidden()
    screenshot(page, "cockpit-03-print-bracket")
    page.pdf(path=str(tmp_path / "bracket.pdf"), format="A4", landscape=True, print_background=True)
    assert (tmp_path / "bracket.pdf").read_bytes().startswith(b"%PDF")
    page.emulate_media(media="screen")

    # Export the season file, then import it back under a new slug: preview, confirm.
    page.goto(f"{base}/admin/")
    with page.expect_download() as download_info:
        page.locator(f"#season-{knockout.pk}").locator("xpath=../..").get_by_role(
            "link", name="Download the season file").click()
    path = tmp_path / "season.json"
    download_info.value.save_as(path)
    assert json.loads(path.read_text())["season"]["slug"] == knockout.slug

    page.set_default_timeout(180_000)  # the preview replays the whole season through the rules
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Import a season file").click()
    page.get_by_label(re.compile("^Season file")).set_input_files(str(path))
    page.get_by_label(re.compile("^Import under another slug")).fill("rehearsal-copy")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: what confirming will do")).to_be_visible()
    screenshot(page, "cockpit-04-import-preview")
    assert not Season.objects.filter(slug="rehearsal-copy").exists()
    page.get_by_role("button", name="Import this season").click()
    expect(page.locator(".messagelist .success")).to_contain_text("is imported")
    assert Season.objects.get(slug="rehearsal-copy").matches.count() == knockout.matches.count()

    # A broken file: the rule (or the format) and the place, nothing saved.
    broken = tmp_path / "broken.json"
    broken.write_text('{"season": ')
    page.goto(f"{base}/admin/league/season/import-season-file/")
    page.get_by_label(re.compile("^Season file")).set_input_files(str(broken))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Place in the file")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    screenshot(page, "cockpit-05-import-refused")
    assert Season.objects.count() == 3

    # On a phone: the dashboard and a print sheet.
    phone = browser_context(375, 800).new_page()
    log_in(phone, base)
    expect(phone.get_by_role("heading", name="Season dashboard")).to_be_visible()
    screenshot(phone, "cockpit-06-dashboard-375")
    phone.goto(f"{base}/admin/league/season/{knockout.pk}/print/scoresheets/")
    screenshot(phone, "cockpit-07-scoresheets-375")
    phone.goto(f"{base}/admin/league/season/{knockout.pk}/print/groups/")
    screenshot(phone, "cockpit-08-groups-375")
    page.goto(f"{base}/admin/league/season/{knockout.pk}/print/scoresheets/")
    screenshot(page, "cockpit-09-scoresheets-1280")
    page.goto(f"{base}/admin/league/season/{knockout.pk}/print/schedule/")
    screenshot(page, "cockpit-10-schedule-1280")
