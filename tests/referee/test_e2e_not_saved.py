"""A tap that could not be saved says so where the finger is (issue 9, item 6), on a phone at
375 px: with the venue Wi-Fi gone, and with the server failing, the "Not saved" sentence appears
right beside the button that was tapped, nothing is saved, and the same tap goes through once
the network is back. Screenshot: artifacts/not-saved-375.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from league.models import AllowanceUse
from tests.push.faces import phone
from tests.referee.conftest import go_live, make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("role_groups")]


def _under(button, note) -> bool:
    """The note starts right below the tapped button, across its column."""
    b, n = button.bounding_box(), note.bounding_box()
    return (0 <= n["y"] - (b["y"] + b["height"]) <= 24
            and n["x"] <= b["x"] and n["x"] + n["width"] >= b["x"] + b["width"])


def test_r9_not_saved_is_said_beside_the_tapped_button_and_nothing_is_saved(
        live_server, browser_context, screenshot, people):
    season = mini_season(name="Not saved")
    match = go_live(make_match(season, slot="A1", referees=[people["ref1"]]))
    page = phone(browser_context, live_server.url, match.pk)
    reset = page.get_by_role("button", name="Manual reset for the Red corner (0 of 2 used)")
    form = page.locator("form").filter(has=reset)

    # 1. The Wi-Fi is gone.
    page.context.set_offline(True)
    reset.click()
    note = form.get_by_role("alert")
    expect(note).to_have_text(re.compile(r"^Not saved: no connection to the server"))
    screenshot(page, "not-saved-375")
    assert _under(reset, note), "the note is not where the finger is"
    assert not AllowanceUse.objects.exists()

    # 2. The server fails (a 500 answer): the other sentence, in the same place.
    page.context.set_offline(False)
    page.route(re.compile(r"/countdown/$"), lambda route: route.fulfill(status=500, body="boom"))
    reset.click()
    expect(note).to_have_text(re.compile(r"^Not saved: the server could not take this"))
    assert not AllowanceUse.objects.exists()

    # 3. Back to normal: the same tap is applied once and the note is gone.
    page.unroute(re.compile(r"/countdown/$"))
    reset.click()
    expect(page.get_by_role("button", name="Manual reset for the Red corner (1 of 2 used)")
           ).to_be_visible()
    expect(page.locator(".rf-net-inline")).to_have_count(0)
    assert AllowanceUse.objects.filter(match=match, corner="red").count() == 1
