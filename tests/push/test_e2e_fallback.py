"""Polling stays the fallback when a stream drops (issue 9, item 5), in a real Chromium against
the ASGI app: the ring overlay's stream is ended by its server (as when Redis goes away,
league/push/listener.py) and new streams are refused while it is down; a round recorded then
still reaches the overlay by its 5 s poll; once streams are back the page opens its stream again
by itself and later changes come by push."""
from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from league import services
from league.push import listener as push_listener
from league.services.common import system_actor
from tests.referee.conftest import go_live, make_match, mini_season

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("role_groups")]


def _round(match, number: int) -> None:
    match.refresh_from_db()
    services.round_record(match=match, number=number, actor=system_actor(),
                          data=services.RoundInput(winner="red", method="points", red_points=9,
                                                   blue_points=3))


def test_a_dropped_stream_falls_back_to_polling_and_comes_back(asgi_server, browser_context,
                                                               monkeypatch):
    from django_eventstream.views import get_listener_manager

    season = mini_season(name="Fallback proof", best_of=5)
    match = go_live(make_match(season, slot="A1"))
    overlay = browser_context(1280, 400).new_page()
    overlay.goto(asgi_server.url + reverse("public:ring_overlay", args=[season.slug, "ring-1"]))
    live, score = overlay.locator("#live"), overlay.locator(".ov-score")
    expect(overlay.locator("#live[data-push=open]")).to_have_count(1)

    # The server loses its push (Redis gone): open streams end, new ones are answered 204.
    monkeypatch.setattr(push_listener, "available", lambda: False)
    assert push_listener.end_streams(get_listener_manager()) >= 1
    expect(live).not_to_have_attribute("data-push", "open", timeout=3000)
    _round(match, 1)
    expect(score).to_have_text(re.compile(r"1\s*:\s*0"), timeout=8000)  # the 5 s poll
    assert live.get_attribute("data-push") != "open"

    # Push is back: the page reopens its stream by itself; the next change comes pushed.
    monkeypatch.setattr(push_listener, "available", lambda: True)
    expect(overlay.locator("#live[data-push=open]")).to_have_count(1, timeout=25_000)
    overlay.wait_for_timeout(300)  # past the stream's first turn (docs/push.md)
    _round(match, 2)
    changed = time.monotonic()
    expect(score).to_have_text(re.compile(r"2\s*:\s*0"), timeout=2000)
    assert time.monotonic() - changed < 2.0  # pushed, not the next poll
