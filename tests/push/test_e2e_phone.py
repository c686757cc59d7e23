"""Phones at the venue (issue 9, item 7), in a real Chromium at 375 px: every tap target of the
public pages is at least 44 x 44 px, nothing runs off the right edge (tables included), and the
bracket does not shift while it loads (CLS < 0.1). Screenshots: artifacts/phone-*.png."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from league.models import Match
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Targets smaller than 44 px in one dimension, as (tag, class, text, width, height).
SMALL_TARGETS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, select, input:not([type=hidden]), summary')) {
    // a checkbox or radio is tapped through its label too: the label is its target
    const target = el.matches('input[type=checkbox], input[type=radio]') && el.closest('label');
    const r = (target || el).getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.skip-link') || el.closest('.visually-hidden')) continue;
    if (r.width < 43.5 || r.height < 43.5) {
      out.push([el.tagName, el.className, (el.textContent || '').trim().slice(0, 30),
                Math.round(r.width), Math.round(r.height)]);
    }
  }
  return out;
}"""

# The page running past the viewport's right edge, or a match-page or standings table wider than
# its box (the standings show their less important columns on a phone only when asked).
CUT_OFF_JS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width) out.push(['page', document.documentElement.scrollWidth]);
  for (const nav of document.querySelectorAll('.site-nav')) {
    if (nav.scrollWidth > nav.clientWidth + 1) out.push(['nav', nav.scrollWidth, nav.clientWidth]);
  }
  for (const t of document.querySelectorAll('.match-grid table, table.standings')) {
    const box = t.parentElement;
    if (t.offsetWidth > box.clientWidth + 1) out.push(['table', t.className, t.offsetWidth, box.clientWidth]);
  }
  return out;
}"""

CLS_JS = """() => new Promise(resolve => {
  let cls = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { if (!e.hadRecentInput) cls += e.value; }
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(cls), 1500);
})"""


def _pages(season) -> dict[str, str]:
    team = season.entries.select_related("team").first().team
    return {
        "home": reverse("public:home"),
        "season": reverse("public:season", args=[season.slug]),
        "groups": reverse("public:groups", args=[season.slug]),
        "bracket": reverse("public:bracket", args=[season.slug]),
        "match": reverse("public:match", args=[season.slug, "QF1"]),
        "team": reverse("public:team", args=[team.slug]),
        "venue": reverse("public:venue", args=[season.slug]),
    }


def test_phone_tap_targets_and_nothing_cut_off(live_server, browser_context, screenshot):
    season = factories.season_at("knockout")
    assert Match.objects.filter(season=season, slot="QF1").exists()
    cache.clear()
    page = browser_context(375, 812).new_page()
    problems = {}
    for name, path in _pages(season).items():
        page.goto(live_server.url + path)
        screenshot(page, f"phone-{name}-375")
        small = page.evaluate(SMALL_TARGETS_JS)
        cut = page.evaluate(CUT_OFF_JS)
        if small or cut:
            problems[name] = {"small": small, "cut": cut}
    assert problems == {}, __import__("json").dumps(problems, indent=0, ensure_ascii=False)


def test_standings_show_every_column_on_request(live_server, browser_context):
    season = factories.season_at("knockout")
    cache.clear()
    page = browser_context(375, 812).new_page()
    page.goto(live_server.url + reverse("public:groups", args=[season.slug]))
    table = page.locator("table.standings").first
    rounds_won = table.get_by_role("columnheader", name="RW")
    assert not rounds_won.is_visible()
    page.get_by_label("Show every column").first.check()
    assert rounds_won.is_visible()  # the table now scrolls sideways in its region


@pytest.mark.usefixtures("role_groups")
def test_referee_pages_tap_targets_and_nothing_cut_off(live_server, browser_context, screenshot,
                                                       people):
    from league.services.clock import clock_start
    from tests.referee.conftest import go_live, make_match, mini_season

    season = mini_season(name="Phone referee")
    match = go_live(make_match(season, slot="A1", referees=[people["ref1"]]))
    clock_start(match=match, actor=people["ref1"])  # the card with its running clock
    page = browser_context(375, 812).new_page()
    page.goto(live_server.url + reverse("referee:home"))
    problems = {}
    small = page.evaluate(SMALL_TARGETS_JS)
    if small:
        problems["login"] = small
    page.get_by_label("Username").fill("ref1")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My matches").wait_for()
    for name, path in {"home": reverse("referee:home"),
                       "match": reverse("referee:match", kwargs={"pk": match.pk}),
                       "failures": reverse("referee:failures")}.items():
        page.goto(live_server.url + path)
        screenshot(page, f"phone-referee-{name}-375")
        small, cut = page.evaluate(SMALL_TARGETS_JS), page.evaluate(CUT_OFF_JS)
        if small or cut:
            problems[name] = {"small": small, "cut": cut}
    assert problems == {}, __import__("json").dumps(problems, indent=0, ensure_ascii=False)


def test_bracket_does_not_shift_while_loading(live_server, browser_context):
    season = factories.season_at("knockout")
    cache.clear()
    for width in (375, 1280):
        page = browser_context(width, 812).new_page()
        page.goto(live_server.url + reverse("public:bracket", args=[season.slug]))
        cls = page.evaluate(CLS_JS)
        assert cls < 0.1, f"CLS {cls:.3f} at {width} px"
