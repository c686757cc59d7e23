"""The round clock on a phone (375 px, R17, R9): a round run with the clock, a tactical timeout,
a 10-second count that runs out and proposes a technical knockout the referee confirms, and a
second device showing the same time. Screenshots: artifacts/clock-*.png."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from league.models import AllowanceUse, ClockSettings, Match, Round
from tests.factories import PASSWORD
from tests.referee.conftest import go_live, make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("role_groups")]


def sign_in(page, base, username):
    page.goto(f"{base}{reverse('referee:home')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My matches").wait_for()


def seconds(text: str) -> int:
    m, s = text.strip().split(":")
    return int(m) * 60 + int(s)


def test_r17_a_round_run_with_the_clock_on_a_phone(live_server, browser_context, screenshot, people):
    season = mini_season(name="Shenzhen 2026")
    ClockSettings.objects.create(season=season, recovery_seconds=3)  # a short count for the test
    match = go_live(make_match(season, slot="A1", referees=[people["ref1"]], when=timezone.now()))
    base = live_server.url
    card_url = f"{base}{reverse('referee:match', kwargs={'pk': match.pk})}"

    phone = browser_context(375, 812).new_page()
    console = []
    phone.on("console", lambda m: console.append(m.text))
    sign_in(phone, base, "ref1")
    phone.goto(card_url)
    clock = phone.get_by_role("region", name="Round 1 clock")
    expect(clock.get_by_role("timer", name="Time left in the round")).to_have_text("5:00")
    screenshot(phone, "clock-01-ready")

    # start: the time runs down on the phone
    clock.get_by_role("button", name="Start the round clock").click()
    phone.get_by_text("The round clock runs.").wait_for()
    stop = phone.get_by_role("button", name="Stop the clock")
    expect(stop).to_be_focused()  # focus stays on the control after the tap
    phone.wait_for_timeout(1300)
    assert seconds(clock.get_by_role("timer", name="Time left in the round").inner_text()) <= 299

    # a second device (the other referee's phone, the overlay) shows the same time
    other = browser_context(375, 812).new_page()
    sign_in(other, base, "ref1")
    other.goto(card_url)
    other.get_by_role("button", name="Stop the clock").wait_for()
    phone.wait_for_timeout(700)
    mine = phone.get_by_role("timer", name="Time left in the round").inner_text()
    theirs = other.get_by_role("timer", name="Time left in the round").inner_text()
    assert abs(seconds(mine) - seconds(theirs)) <= 1

    # a tactical timeout: counted (R9), the round clock stops, its countdown runs
    phone.get_by_role("button", name="Tactical timeout for the Blue corner (0 of 2 used)").click()
    phone.get_by_text("Tactical timeout for the blue corner: 1 of 2 used.").wait_for()
    expect(phone.get_by_role("button", name="Tactical timeout for the Blue corner (1 of 2 used)")
           ).to_be_focused()
    countdowns = phone.get_by_role("list", name="Countdowns")
    expect(countdowns).to_contain_text("Tactical timeout · Blue")
    expect(phone.get_by_text("Stopped", exact=True)).to_be_visible()
    screenshot(phone, "clock-02-timeout")
    # the other device follows by itself (it polls the clock)
    expect(other.get_by_role("list", name="Countdowns")).to_contain_text("Tactical timeout · Blue",
                                                                       timeout=8000)
    countdowns.get_by_role("button", name="Done").click()
    phone.get_by_text("Tactical timeout of the blue corner ended.").wait_for()
    phone.get_by_role("button", name="Resume the fight").click()
    phone.get_by_text("The fight goes on").wait_for()

    # the red robot is down: the count runs out, the clock proposes; the referee confirms
    phone.get_by_role("button", name="Red robot down: count").click()
    phone.get_by_text("Counting 3 s for the red corner's robot").wait_for()
    screenshot(phone, "clock-03-count")
    proposal = phone.get_by_text(re.compile("Self-recovery count of the Red corner is over its time"))
    proposal.wait_for(timeout=10_000)
    screenshot(phone, "clock-04-proposal")
    match.refresh_from_db()
    assert match.rounds.count() == 0  # a timer alone decides nothing
    expect(phone.get_by_role("group", name="Round winner").get_by_role("radio", name=re.compile("Blue"))
           ).to_be_checked()
    expect(phone.get_by_role("group", name="Won by").get_by_role("radio", name="Technical knockout")
           ).to_be_checked()
    phone.get_by_role("button", name="End round 1").click()
    phone.get_by_text("Round 1 to the blue corner by technical knockout.").wait_for()
    expect(phone.get_by_role("region", name="Round 2 clock").get_by_role(
        "timer", name="Time left in the round")).to_have_text("5:00")
    screenshot(phone, "clock-05-next-round")
    phone.set_viewport_size({"width": 1280, "height": 900})
    screenshot(phone, "clock-06-desktop")

    match.refresh_from_db()
    assert match.status == Match.Status.LIVE
    assert Round.objects.get(match=match).method == "tko"
    assert AllowanceUse.objects.filter(match=match).count() == 1
    # (CSP is checked without screenshots in test_e2e_referee.py: Playwright's full-page
    # screenshot leaves style="" on inputs, which htmx then copies when it settles)
    assert not [m for m in console if "Refused to connect" in m or "Uncaught" in m]
