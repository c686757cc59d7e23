"""What the browser proofs of issue 9 share: a referee's phone signed in on a match card, the
clock each page computes (``data-remaining-ms`` at its ``data-at``) and a round recorded on the
card as a referee does it."""
from __future__ import annotations

import re
import time

from django.urls import reverse

from tests.factories import PASSWORD

READ = "el => [Number(el.getAttribute('data-remaining-ms')), Number(el.getAttribute('data-at'))]"


def phone(browser_context, base: str, match_pk: int, *, username: str = "ref1"):
    """A referee's phone (375 px), signed in, on the match's card."""
    page = browser_context(375, 812).new_page()
    page.goto(base + reverse("referee:home"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My matches").wait_for()
    page.goto(base + reverse("referee:match", kwargs={"pk": match_pk}))
    return page


def spread(faces) -> float:
    """The largest difference, in ms, between what the faces compute, brought to one instant
    (all pages run on this machine, so their ``data-at`` share one clock)."""
    readings = [face.evaluate(READ) for face in faces]
    instant = max(at for _, at in readings)
    running = [left - (instant - at) for left, at in readings]
    return max(running) - min(running)


def stopped_spread(faces) -> float:
    values = [face.evaluate(READ)[0] for face in faces]
    return max(values) - min(values)


def end_round(page, number: int, *, deciding: bool = False) -> float:
    """Submit the round form as filled in; the deciding round is asked twice (issue 9, item 6).
    Returns the moment the referee's post returned."""
    if deciding:
        page.get_by_role("button", name=f"End round {number}").click()
        page.get_by_text("This round decides the match").wait_for()
        button = page.get_by_role("button", name="Yes, end the match")
    else:
        button = page.get_by_role("button", name=f"End round {number}")
    with page.expect_response(lambda r: r.request.method == "POST" and "/round/" in r.url) as posted:
        button.click()
    assert posted.value.ok
    return time.monotonic()


def record_round(page, *, red_points: str, blue_points: str, winner: str, number: int,
                 deciding: bool = False) -> float:
    """Fill in a points decision and end the round; returns when the post returned."""
    page.get_by_role("heading", name=re.compile(f"Round {number} of")).wait_for()
    groups = {c: page.get_by_role("group", name=re.compile(f"^{c} · ")) for c in ("Red", "Blue")}
    groups["Red"].get_by_label("Points", exact=True).fill(red_points)
    groups["Blue"].get_by_label("Points", exact=True).fill(blue_points)
    page.get_by_role("group", name="Round winner").get_by_text(winner).first.click()
    page.get_by_role("group", name="Won by").get_by_text("Points decision").click()
    return end_round(page, number, deciding=deciding)
