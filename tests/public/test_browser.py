"""The public pages in a real Chromium: live updates by polling, screenshots at 1280 and 375 px
in English and Chinese (artifacts/public-*.png), and axe-core on every page."""
from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.urls import reverse

from league import roles, services
from league.services.common import system_actor
from league.views.public import POLL_SECONDS
from tests import factories
from tests.public.conftest import finish, knockout_with_replacement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What a fan might see while waiting for a poll: one poll interval plus the request itself.
ONE_POLL_MS = POLL_SECONDS * 1000 + 1500


@pytest.fixture
def league(transactional_db):
    """A finished season (Shenzhen) and one in the knockout with SF1 live (Hong Kong)."""
    for name in roles.ALL:  # a transactional test before this one may have flushed them
        AuthGroup.objects.get_or_create(name=name)
    old = finish(knockout_with_replacement(slug="shenzhen", name="Season 1 Shenzhen",
                                           name_zh="第一季 深圳"))
    now = knockout_with_replacement(slug="hong-kong", name="Season 2 Hong Kong", name_zh="第二季 香港",
                                    city="Hong Kong", venue="AsiaWorld-Expo", time_zone="Asia/Hong_Kong",
                                    starts_on=old.starts_on.replace(month=9))
    return old, now


def _live(season, slot="SF1"):
    match = season.matches.get(slot=slot)
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="HK-R1",
                            blue_seal="HK-B1", actor=system_actor())
    services.match_start(match=match, actor=system_actor())
    services.round_record(match=match, number=1, data=services.RoundInput(
        winner="red", method="ko", red_points=21, blue_points=9, blue_knockdowns=1), actor=system_actor())
    match.refresh_from_db()
    return match


def _pages(old, now):
    team = now.matches.get(slot="SF1").red.team.slug
    return {
        "home": reverse("public:home"),
        "season": reverse("public:season", args=[now.slug]),
        "groups": reverse("public:groups", args=[now.slug]),
        "bracket": reverse("public:bracket", args=[now.slug]),
        "bracket-finished": reverse("public:bracket", args=[old.slug]),
        "schedule": reverse("public:schedule", args=[now.slug]),
        "match": reverse("public:match", args=[now.slug, "SF1"]),
        "team": reverse("public:team", args=[team]),
        "overlay": reverse("public:overlay", args=[now.slug, "SF1"]),
    }


def test_bracket_and_match_page_update_by_themselves_within_one_poll(live_server, browser_context,
                                                                       league):
    _old, now = league
    sf2 = now.matches.get(slot="SF2")
    context = browser_context(1280)
    bracket = context.new_page()
    match = context.new_page()
    statuses = []
    bracket.on("response", lambda r: statuses.append(r.status) if "/bracket/live/" in r.url else None)
    bracket.goto(live_server.url + reverse("public:bracket", args=[now.slug]))
    match.goto(live_server.url + reverse("public:match", args=[now.slug, "SF2"]))
    final = bracket.locator(".bm-final")
    assert "Winner of SF2" in final.inner_text()
    assert "scheduled" in match.locator(".scoreboard").inner_text().lower()
    bracket.wait_for_timeout(POLL_SECONDS * 1000 + 500)  # at least one unchanged poll
    assert statuses and set(statuses) == {304}, statuses  # nothing changed: 304, nothing swapped

    started = time.monotonic()
    winner = factories.play_match(sf2, winner="blue").winner.team  # recorded elsewhere
    bracket.locator(".bm-final").get_by_text(winner.name_en).wait_for(timeout=ONE_POLL_MS)
    match.locator(".scoreboard .won").get_by_text(winner.name_en).wait_for(timeout=ONE_POLL_MS)
    elapsed = time.monotonic() - started
    assert elapsed <= ONE_POLL_MS / 1000 + 1, elapsed
    assert "finished" in match.locator(".scoreboard").inner_text().lower()
    assert "Winner of SF2" not in bracket.locator(".bm-final").inner_text()
    assert 200 in statuses


def _no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_every_public_page_in_english_and_chinese_screenshots_and_axe(live_server, browser_context,
                                                                     screenshot, league):
    """Screenshots at 1280 and 375 px in English and Chinese (artifacts/public-*.png); no page
    wider than the phone; no console error (a CSP violation would be one); axe-core reports no
    serious or critical violation on any page, on the desktop in English and on the phone in
    Chinese."""
    from axe_playwright_python.sync_playwright import Axe

    old, now = league
    _live(now)
    axe = Axe()
    violations = {}
    for width in (1280, 375):
        for lang, locale in (("en", "en-US"), ("zh", "zh-TW")):
            context = browser_context(width, 900, locale)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error"
                    else None)
            for name, path in _pages(old, now).items():
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                assert _no_overflow(page), f"{name} is wider than {width} px"
                if lang == "zh":
                    assert page.locator("html").get_attribute("lang") == "zh-hant"
                    if name != "home":
                        # the 繁體 page names teams in 繁體 (issue 10, part 6)
                        assert now.matches.get(slot="SF1").red.team.name_zh_hant in page.content()
                path_png = screenshot(page, f"public-{name}-{lang}-{width}")
                assert path_png.stat().st_size > 5000
                if (width, lang) in ((1280, "en"), (375, "zh")):
                    results = axe.run(page).response
                    assert results["testEngine"]["name"] == "axe-core"
                    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                           for v in results["violations"] if v["impact"] in ("serious", "critical")]
                    if bad:
                        violations[f"{name} {lang} {width}"] = bad
            assert not errors, errors  # e.g. a Content-Security-Policy violation
    assert not violations, violations


def test_overlay_is_transparent_for_streaming_software(live_server, browser_context, screenshot,
                                                       league):
    _old, now = league
    _live(now)
    page = browser_context(1920, 1080).new_page()
    page.goto(live_server.url + reverse("public:overlay", args=[now.slug, "SF1"]))
    background = page.evaluate("[getComputedStyle(document.documentElement).backgroundColor,"
                               " getComputedStyle(document.body).backgroundColor]")
    assert background == ["rgba(0, 0, 0, 0)", "rgba(0, 0, 0, 0)"]
    page.screenshot(path=str(screenshot(page, "public-overlay-transparent-1920")), omit_background=True)
    shown = page.inner_text("body").lower()
    assert "round 2" in shown and "kd 1" in shown


def test_keyboard_reaches_the_pages_links_in_order(live_server, browser_context, transactional_db):
    for name in roles.ALL:
        AuthGroup.objects.get_or_create(name=name)
    now = factories.season_at("knockout")
    page = browser_context(1280).new_page()
    page.goto(live_server.url + reverse("public:bracket", args=[now.slug]))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() in ("Skip to content",)
    page.keyboard.press("Enter")
    for _ in range(8):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused  # after the skip link, Tab moves through the bracket's links
