"""The proof of issue 9 in one event-day story, in a real Chromium against the ASGI app (event
streams open), the referee's phone at 375 px:

1. the referee runs round 1 with the clock: start, a tactical timeout, the 10-second count of a
   fallen robot that runs out and proposes a technical knockout, confirmed by ending the round;
2. in another browser context the ring's overlay shows the same clock (within 0.2 s, running
   and stopped) and every score within 1 s of the referee's post returning;
3. the deciding round ends the match: the overlay keeps the final score up; the organizer calls
   the ring's next match (Ring control) and the overlay switches to it by itself;
4. the organizer delays the ring: a fan's schedule (375 px, another context) shows the new
   estimated time beside the scheduled one, pushed, without a reload.

Screenshots: artifacts/eventday-*.png."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from league.models import AllowanceUse, AuditEvent, Match, Round
from tests.factories import PASSWORD
from tests.push.faces import end_round, phone, record_round, spread, stopped_spread
from tests.referee.conftest import go_live, make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("role_groups")]

PUSHED = 1.0  # s: score to screen on the overlay (the fallback poll is every 5 s)
CLOCK = 200  # ms: the clock's agreement between the phone and the overlay


def _pushed_within(since: float, what: str) -> None:
    took = time.monotonic() - since
    assert took < PUSHED, f"{what} on the overlay {took:.2f} s after the post returned"


def _agree(page, faces, *, running: bool) -> list[float]:
    """The phone's and the overlay's clocks, read a few times: within CLOCK ms."""
    page.wait_for_timeout(300)
    spreads = [spread(faces) for _ in range(3)] if running else [stopped_spread(faces)]
    assert max(spreads) <= CLOCK, spreads
    return spreads


def test_event_day_at_the_ring_from_the_referees_phone_to_the_overlay_and_the_schedule(
        asgi_server, browser_context, screenshot, people):
    season = mini_season(name="Event day proof", teams=6)
    now = timezone.now()
    a1 = go_live(make_match(season, slot="A1", referees=[people["ref1"]], when=now))
    a2 = make_match(season, slot="A2", red=2, blue=3, referees=[people["ref1"]],
                    when=now + dt.timedelta(minutes=30))
    a3 = make_match(season, slot="A3", red=4, blue=5, when=now + dt.timedelta(minutes=60))
    base = asgi_server.url

    # The ring's overlay (a broadcaster's source) and a fan's schedule, each its own context.
    overlay = browser_context(1280, 400).new_page()
    overlay.goto(base + reverse("public:ring_overlay", args=[season.slug, "ring-1"]))
    expect(overlay.locator("#live[data-push=open]")).to_have_count(1)  # its stream is open
    expect(overlay.locator(".ov-slot")).to_contain_text("A1")
    score, ov_clock = overlay.locator(".ov-score"), overlay.locator(".ov-clock")
    expect(score).to_have_text(re.compile(r"0\s*:\s*0"))
    fan = browser_context(375, 812).new_page()
    fan.goto(base + reverse("public:schedule", args=[season.slug]))
    expect(fan.locator("#live[data-push=open]")).to_have_count(1)
    a3_row = fan.locator(".fight-row").filter(has=fan.get_by_role("link", name="Match A3"))
    expect(a3_row).to_be_visible()
    expect(a3_row.locator(".fight-est")).to_have_count(0)  # on time: no estimate shown

    # 1. The referee's phone: the round clock, seen on the overlay.
    ref = phone(browser_context, base, a1.pk)
    clock = ref.get_by_role("region", name="Round 1 clock")
    expect(clock.get_by_role("timer", name="Time left in the round")).to_have_text("5:00")
    clock.get_by_role("button", name="Start the round clock").click()
    ref.get_by_text("The round clock runs.").wait_for()
    expect(ref.get_by_role("button", name="Stop the clock")).to_be_focused()
    faces = [ref.locator("[data-clock-remaining]"), ov_clock]
    expect(ov_clock).not_to_have_class(re.compile("clock-stopped"), timeout=2000)
    expect(ov_clock).to_have_text(re.compile(r"^[0-4]:\d\d$"))
    running = _agree(ref, faces, running=True)

    # A tactical timeout of the blue corner stops the clock everywhere (R9 counts it).
    ref.get_by_role("button", name="Tactical timeout for the Blue corner (0 of 2 used)").click()
    ref.get_by_text("Tactical timeout for the blue corner: 1 of 2 used.").wait_for()
    expect(ref.get_by_role("list", name="Countdowns")).to_contain_text("Tactical timeout · Blue")
    expect(ov_clock).to_have_class(re.compile("clock-stopped"), timeout=2000)
    stopped = _agree(ref, faces, running=False)
    screenshot(ref, "eventday-01-timeout-375")
    ref.get_by_role("list", name="Countdowns").get_by_role("button", name="Done").click()
    ref.get_by_text("Tactical timeout of the blue corner ended.").wait_for()
    ref.get_by_role("button", name="Resume the fight").click()
    ref.get_by_text("The fight goes on").wait_for()
    expect(ov_clock).not_to_have_class(re.compile("clock-stopped"), timeout=2000)
    running += _agree(ref, faces, running=True)

    # The red robot falls: the 10-second count runs with the clock and proposes; nothing decided.
    ref.get_by_role("button", name="Red robot down: count").click()
    ref.get_by_text("Counting 10 s for the red corner's robot").wait_for()
    running += _agree(ref, faces, running=True)  # the fight goes on: the round clock runs
    screenshot(ref, "eventday-02-count-375")
    ref.get_by_text(re.compile("Self-recovery count of the Red corner is over its time")
                    ).wait_for(timeout=15_000)
    assert not Round.objects.filter(match=a1).exists()  # a timer alone decides nothing
    expect(ref.get_by_role("group", name="Won by").get_by_role("radio", name="Technical knockout")
           ).to_be_checked()
    screenshot(ref, "eventday-03-proposal-375")
    returned = end_round(ref, 1)  # the referee confirms the proposal
    expect(score).to_have_text(re.compile(r"0\s*:\s*1"), timeout=PUSHED * 1000)
    _pushed_within(returned, "round 1")
    ref.get_by_text("Round 1 to the blue corner by technical knockout.").wait_for()
    screenshot(overlay, "eventday-04-overlay-1280")
    print(f"clock agreement phone/overlay: running {[round(s) for s in running]} ms, "
          f"stopped {[round(s) for s in stopped]} ms")

    # 2. The deciding round, asked twice: the overlay keeps the final score up.
    returned = record_round(ref, red_points="4", blue_points="16", winner="Blue", number=2,
                            deciding=True)
    expect(score).to_have_text(re.compile(r"0\s*:\s*2"), timeout=PUSHED * 1000)
    _pushed_within(returned, "the final score")
    expect(overlay.locator(".ov-round")).to_contain_text("Final")
    expect(overlay.locator(".ov-slot")).to_contain_text("A1")
    assert Match.objects.get(pk=a1.pk).status == Match.Status.FINISHED
    assert AllowanceUse.objects.filter(match=a1).count() == 1

    # 3. The organizer calls the next match: the overlay switches to A2 by itself.
    organizer = browser_context(1280, 900).new_page()
    organizer.goto(f"{base}/admin/")
    organizer.get_by_label(re.compile(r"^Username:?$")).fill("organizer")
    organizer.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    organizer.get_by_role("button", name="Log in").click()
    organizer.goto(base + reverse("admin:league_match_ring_control", args=[season.pk]))
    organizer.get_by_role("button", name="Call next on Ring 1").click()
    expect(organizer.locator(".messagelist .success")).to_contain_text(
        "The next match on Ring 1 is called.")
    called = time.monotonic()
    expect(overlay.locator(".ov-slot")).to_contain_text("A2", timeout=PUSHED * 1000)
    _pushed_within(called, "the called match")
    expect(overlay.get_by_text(a2.red.team.name_en)).to_be_visible()
    expect(overlay.locator(".ov-round")).to_have_text("Called to the ring")
    expect(score).to_have_text(re.compile(r"0\s*:\s*0"))
    screenshot(overlay, "eventday-05-overlay-next-1280")

    # 4. A delay of the ring: the fan's schedule shows A3's estimated time, pushed.
    ring_one = organizer.get_by_role("form", name="Delay Ring 1")
    ring_one.get_by_label("delay (minutes)").fill("20")
    ring_one.get_by_label("reason").fill("Mat replaced")
    ring_one.get_by_role("button", name="Delay Ring 1").click()
    expect(organizer.locator(".messagelist .success")).to_contain_text(
        "Ring 1 is delayed by 20 minutes.")
    delayed = time.monotonic()
    expected = (a3.scheduled_at + dt.timedelta(minutes=20)).astimezone(season.tz)
    expect(a3_row.locator(".fight-est")).to_contain_text(f"{expected:%H:%M}", timeout=3000)
    assert time.monotonic() - delayed < 3.0  # pushed: the fallback poll is every 5 s
    expect(a3_row.locator(".fight-est")).to_contain_text("estimated")
    expect(a3_row).to_contain_text("scheduled")
    assert fan.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(fan, "eventday-06-schedule-delayed-375")
    assert Match.objects.get(pk=a3.pk).delay_minutes == 20
    assert AuditEvent.objects.filter(action__in=["match_called", "ring_delayed"],
                                     actor__username="organizer").count() == 2
