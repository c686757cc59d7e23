"""Every page this work changed or added, at 375 and 1280 px, in a real Chromium: it loads with no
Content-Security-Policy error (the SSE extension and public.js are static files) and, served by
ASGI, a live fragment that knows its stream. Screenshots: artifacts/push-screen-*.png."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_changed_pages_at_375_and_1280(asgi_server, browser_context, screenshot):
    from league import services
    from league.services.common import system_actor

    season = factories.season_at("knockout")
    sf1 = season.matches.get(slot="SF1")
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="B1",
                            blue_seal="B2", actor=system_actor())
    services.match_start(match=sf1, actor=system_actor())
    ring = sf1.ring.lower().replace(" ", "-")
    cache.clear()
    pages = {
        "venue": reverse("public:venue", args=[season.slug]),
        "ring-screen": reverse("public:ring_audience", args=[season.slug, ring]),
        "ring-overlay": reverse("public:ring_overlay", args=[season.slug, ring]),
        "match": reverse("public:match", args=[season.slug, "QF1"]),
        "bracket": reverse("public:bracket", args=[season.slug]),
    }
    for width in (375, 1280):
        page = browser_context(width, 900).new_page()
        messages = []
        page.on("console", lambda m, seen=messages: seen.append(m.text))
        for name, path in pages.items():
            page.goto(asgi_server.url + path)
            live = page.locator("#live")
            assert live.get_attribute("sse-connect").endswith("/stream/")
            screenshot(page, f"push-screen-{name}-{width}")
        assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
