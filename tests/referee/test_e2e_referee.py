"""A referee runs a whole fight on a phone (375 px) in a real Chromium; a second device on the same
match is told that it changed. Screenshots: artifacts/referee-*.png."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from league.models import AllowanceUse, Match, Round
from tests.factories import PASSWORD
from tests.referee.conftest import finish, make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("role_groups")]


def sign_in(page, base, username):
    page.goto(f"{base}{reverse('referee:home')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)


def csp_errors(messages):
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


def test_referee_runs_a_best_of_three_on_a_phone(live_server, browser_context, screenshot, people):
    season = mini_season(name="Shenzhen 2026")
    now = timezone.now()
    match = make_match(season, slot="A1", referees=[people["ref1"]], when=now)
    make_match(season, slot="A3", red=1, blue=2, referees=[people["ref1"]],
               when=now + dt.timedelta(days=1))
    earlier = make_match(season, slot="A2", red=2, blue=3, referees=[people["ref1"]],
                         when=now - dt.timedelta(days=1))
    finish(earlier)
    base = live_server.url
    red, blue = match.red.team.name_en, match.blue.team.name_en

    phone = browser_context(375, 812).new_page()
    phone.on("dialog", lambda d: d.accept())  # hx-confirm: the referee confirms

    # sign in
    sign_in(phone, base, "ref1")
    screenshot(phone, "referee-01-sign-in")
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("heading", name="My matches").wait_for()
    today = phone.get_by_role("region", name="Today")
    assert today.get_by_role("link", name=re.compile("A1")).is_visible()
    assert phone.get_by_role("region", name="Earlier, still open or not signed").is_visible()
    screenshot(phone, "referee-02-my-matches")

    # check-in: the active robots are offered, the referee types the seals
    today.get_by_role("link", name=re.compile("A1")).click()
    phone.get_by_role("heading", name="Check-in").wait_for()
    red_box = phone.get_by_role("group", name=re.compile(f"Red · {red}"))
    blue_box = phone.get_by_role("group", name=re.compile(f"Blue · {blue}"))
    for box in (red_box, blue_box):  # the team's active robot is offered
        assert box.get_by_label("Robot").locator("option:checked").inner_text().endswith("active robot")
    red_box.get_by_label("Battery seal number").fill("SZ-0001")
    blue_box.get_by_label("Battery seal number").fill("SZ-0002")
    screenshot(phone, "referee-03-check-in")
    phone.get_by_role("button", name="Check in both corners").click()
    phone.get_by_text("Both corners are checked in").wait_for()
    screenshot(phone, "referee-04-checked-in")

    # a second device opens the same match now
    tablet = browser_context(820, 1180).new_page()
    tablet.on("dialog", lambda d: d.accept())
    sign_in(tablet, base, "ref1")
    tablet.get_by_role("button", name="Sign in").click()
    tablet.get_by_role("heading", name="My matches").wait_for()
    tablet.goto(f"{base}{reverse('referee:match', kwargs={'pk': match.pk})}")
    tablet.get_by_role("button", name="Start the match").wait_for()

    # start: robots and seals locked
    phone.get_by_role("button", name="Start the match").click()
    phone.get_by_text("The match is live").wait_for()
    assert phone.get_by_role("heading", name="Round 1 of 3").is_visible()
    assert phone.get_by_text("locked").first.is_visible()
    screenshot(phone, "referee-05-live")

    # the stale device tries to start too: told the match changed, shown the current state
    tablet.get_by_role("button", name="Start the match").click()
    tablet.get_by_text("This match changed", exact=True).wait_for()
    assert tablet.get_by_role("heading", name="Round 1 of 3").is_visible()
    screenshot(tablet, "referee-06-second-device-conflict")

    # round 1: blue knocks red down and wins by knockout
    red_round = phone.get_by_role("group", name=re.compile(f"Red · {red}"))
    blue_round = phone.get_by_role("group", name=re.compile(f"Blue · {blue}"))
    red_round.get_by_role("button", name="Red: one more (Knockdowns)").click()
    red_round.get_by_label("Points", exact=True).fill("4")
    blue_round.get_by_label("Points", exact=True).fill("11")
    phone.get_by_role("group", name="Round winner").get_by_text("Blue").click()
    phone.get_by_role("group", name="Won by").get_by_text("Knockout", exact=True).click()
    screenshot(phone, "referee-07-round-1-entry")
    phone.get_by_role("button", name="End round 1").click()
    phone.get_by_text("Round 1 to the blue corner by knockout").wait_for()

    # round 2: counts entered, then a manual reset (red) and a timeout (blue) swap the card;
    # the counts survive the swap
    red_round = phone.get_by_role("group", name=re.compile(f"Red · {red}"))
    blue_round = phone.get_by_role("group", name=re.compile(f"Blue · {blue}"))
    for _ in range(3):
        red_round.get_by_role("button", name="Red: one more (Points)").click()
    blue_round.get_by_role("button", name="Blue: one more (Fouls)").click()
    phone.get_by_role("button", name="Manual reset for the Red corner (0 of 2 used)").click()
    phone.get_by_text("Manual reset for the red corner: 1 of 2 used.").wait_for()
    phone.get_by_role("button", name="Tactical timeout for the Blue corner (0 of 2 used)").click()
    phone.get_by_text("Tactical timeout for the blue corner: 1 of 2 used.").wait_for()
    red_round = phone.get_by_role("group", name=re.compile(f"Red · {red}"))
    blue_round = phone.get_by_role("group", name=re.compile(f"Blue · {blue}"))
    expect(red_round.get_by_label("Points", exact=True)).to_have_value("3")
    expect(blue_round.get_by_label("Fouls", exact=True)).to_have_value("1")
    screenshot(phone, "referee-08-allowances")
    red_round.get_by_label("Points", exact=True).fill("14")
    blue_round.get_by_label("Points", exact=True).fill("9")
    phone.get_by_role("group", name="Round winner").get_by_text("Red").click()
    phone.get_by_role("group", name="Won by").get_by_text("Points decision").click()
    phone.get_by_role("button", name="End round 2").click()
    phone.get_by_text("Round 2 to the red corner by points decision").wait_for()

    # round 3 decides: the match ends by itself at two rounds won
    red_round = phone.get_by_role("group", name=re.compile(f"Red · {red}"))
    red_round.get_by_label("Points", exact=True).fill("8")
    phone.get_by_role("group", name="Round winner").get_by_text("Red").click()
    phone.get_by_role("group", name="Won by").get_by_text("Technical knockout").click()
    phone.get_by_role("button", name="End round 3").click()
    # the deciding round is asked twice: what will happen, then "Yes"
    phone.get_by_text("This round decides the match").wait_for()
    screenshot(phone, "referee-09a-confirm-deciding")
    phone.get_by_role("button", name="Yes, end the match").click()
    phone.get_by_text("The match is over").wait_for()
    assert phone.get_by_role("heading", name="Result").is_visible()
    screenshot(phone, "referee-09-finished")

    # sign-off
    phone.get_by_role("button", name="Sign off the result").click()
    phone.get_by_role("status").get_by_text("Result signed off.").wait_for()
    screenshot(phone, "referee-10-signed-off")
    # (the Content-Security-Policy is checked without screenshots in the last test: Playwright's
    # full-page screenshot leaves style="" on inputs, which htmx then copies when it settles)

    # the result is in the match's state
    match.refresh_from_db()
    assert match.status == Match.Status.FINISHED and match.winner_id == match.red_id
    assert (match.red_rounds, match.blue_rounds, match.method) == (2, 1, "tko")
    assert (match.red_seal, match.blue_seal) == ("SZ-0001", "SZ-0002")
    assert match.signed_off_by == people["ref1"]
    first, second, third = Round.objects.filter(match=match).order_by("number")
    assert (first.winner, first.method, first.red_knockdowns, first.red_points, first.blue_points) == (
        "blue", "ko", 1, 4, 11)
    assert (second.winner, second.red_points, second.blue_points, second.blue_fouls) == (
        "red", 14, 9, 1)
    assert third.method == "tko"
    uses = set(AllowanceUse.objects.filter(match=match).values_list("corner", "kind", "seq"))
    assert uses == {("red", "manual_reset", 1), ("blue", "tactical_timeout", 1)}

    # and on its public page, once the public pages have one
    try:
        public = match.get_absolute_url()
    except NoReverseMatch:
        return
    viewer = browser_context(375, 812).new_page()
    viewer.goto(f"{base}{public}")
    public_text = viewer.content()
    assert red in public_text and "Technical knockout" in public_text
    screenshot(viewer, "referee-11-public-match")


def test_head_referee_queue_on_a_phone(live_server, browser_context, screenshot, people):
    from league import services
    from tests.referee.conftest import go_live

    season = mini_season(name="Shenzhen 2026")
    match = go_live(make_match(season, slot="A1", referees=[people["ref1"]], when=timezone.now()))
    services.failure_report_file(entry=match.red, robot=match.red_robot, irreversible=True,
                                 description="Spine actuator sheared after a fall", match=match,
                                 actor=people["ref1"])
    page = browser_context(375, 812).new_page()
    page.on("dialog", lambda d: d.accept())
    sign_in(page, live_server.url, "head")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Failure queue").click()
    page.get_by_text("Spine actuator sheared after a fall").wait_for()
    screenshot(page, "referee-12-failure-queue")
    page.get_by_text("Approve…").click()  # a second step says what approving does
    page.get_by_text("This cannot be undone.").wait_for()
    page.get_by_role("button", name="Yes, approve").click()
    page.get_by_role("status").get_by_text("Approved: Thunder").wait_for()
    page.get_by_text("No failure report is waiting.").wait_for()
    screenshot(page, "referee-13-failure-approved")
    assert match.red.robots.get(role="backup").pk == services.active_robot(match.red).pk


def test_no_csp_violation_while_scoring(live_server, browser_context, people, screenshot):
    """No inline script or style: the Content-Security-Policy holds through htmx swaps."""
    season = mini_season()
    match = make_match(season, slot="A1", referees=[people["ref1"]], when=timezone.now())
    page = browser_context(375, 812).new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.on("dialog", lambda d: d.accept())
    sign_in(page, live_server.url, "ref1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile("A1")).click()
    page.get_by_label("Battery seal number").first.fill("S1")
    page.get_by_label("Battery seal number").nth(1).fill("S2")
    page.get_by_role("button", name="Check in both corners").click()
    page.get_by_role("button", name="Start the match").click()
    page.get_by_role("button", name="Emergency repair for the Blue corner (0 of 1 used)").click()
    page.get_by_text("Emergency repair for the blue corner: 1 of 1 used.").wait_for()
    page.get_by_role("button", name="Emergency repair for the Blue corner (1 of 1 used)").click()
    page.get_by_text("R9: The blue corner has used its 1 emergency repair allowance(s).").wait_for()
    page.get_by_role("group", name="Round winner").get_by_text("Red").click()
    page.get_by_role("group", name="Won by").get_by_text("Overtime").click()
    page.get_by_role("button", name="End round 1").click()
    page.get_by_text("Round 1 to the red corner by overtime").wait_for()
    assert not csp_errors(console), csp_errors(console)
    match.refresh_from_db()
    assert match.rounds.count() == 1 and match.allowances.count() == 1
    # the language switch of the site header, on the match being scored
    page.get_by_label("Language").select_option("zh-hant")
    page.get_by_role("button", name="Go").click()
    page.wait_for_selector('html[lang="zh-hant"]')
    assert match.red.team.name_zh_hant in page.content()  # a 繁體 page names teams in 繁體
    screenshot(page, "referee-14-zh-hant")
