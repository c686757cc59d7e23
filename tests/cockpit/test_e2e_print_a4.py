"""The print sheets as A4 pages in a real Chromium (print media, the page's own width): nothing is
cut off or wider than the paper, each scoresheet is one page, and the zh-hant sheets and dashboard
read in 繁體 (no English label left). Screenshots: artifacts/print-*.png, artifacts/dashboard-*.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from league import zh
from league.models import Match
from tests import factories
from tests.factories import ensure_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MM = 96 / 25.4  # CSS pixels per millimetre
# The printable width of A4 with the sheets' @page margins (portrait 12 mm, landscape 10 mm).
PAPER = {"portrait": round((210 - 2 * 12) * MM), "landscape": round((297 - 2 * 10) * MM)}
SHEETS = {"bracket": "landscape", "groups": "landscape", "schedule": "portrait", "scoresheets": "portrait"}
# English words of each sheet that a zh-hant page must not show (labels, headings, notes).
ENGLISH = {
    "bracket": ["Bracket", "Quarterfinals", "Printed", "Group winners take"],
    "groups": ["Group tables", "played", "points", "tie-break", "Ties are broken"],
    "schedule": ["Ring schedules", "Day 1", "red corner", "status"],
    "scoresheets": ["Referee scoresheet", "battery seal", "Manual reset", "Red team operator", "Result"],
}

# Elements beyond the paper's width (a cut-off table, a line that runs off), and the sheet's own width.
OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    const clipped = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
    if (r.width && (r.right > limit + 1 || clipped))
      bad.push(el.tagName + '.' + el.className + ' right=' + Math.round(r.right));
  }
  const sheets = [...document.querySelectorAll('.sheet')];
  const sheet = Math.min(...sheets.map(e => e.getBoundingClientRect().width));
  return {limit, sheet, page: document.documentElement.scrollWidth, bad: bad.slice(0, 5)};
}"""


def log_in(page, base):
    page.goto(f"{base}/admin/")
    page.get_by_label(re.compile("^Username:?$")).fill("organizer")
    page.get_by_label(re.compile("^Password:?$")).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Season dashboard")).to_be_visible()


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_print_sheets_fit_a4_in_english_and_zh_hant(live_server, browser_context, screenshot):
    ensure_roles()
    season = factories.season_at("knockout")
    base = live_server.url
    page = browser_context(1280, 900).new_page()
    log_in(page, base)
    open_matches = season.matches.exclude(status__in=Match.DONE).count()
    qf1 = season.matches.select_related("red__team").get(slot="QF1")
    assert open_matches > 0

    for language in ("en", "zh-hant"):
        page.goto(f"{base}/lang/?language={language}&next=/admin/")  # the page's own switch
        for sheet, orientation in SHEETS.items():
            page.set_viewport_size({"width": PAPER[orientation], "height": 1100})
            page.emulate_media(media="print")
            page.goto(f"{base}/admin/league/season/{season.pk}/print/{sheet}/")
            expect(page.locator(".print-tools")).to_be_hidden()
            fit = page.evaluate(OVERFLOW_JS)
            assert fit["bad"] == [] and fit["page"] <= fit["limit"], (language, sheet, fit)
            assert fit["sheet"] >= fit["limit"] - 2, (language, sheet, fit)  # the sheet uses the paper
            screenshot(page, f"print-{sheet}-{language}")
            text = page.locator("main").inner_text()
            if language == "zh-hant":
                left = [w for w in ENGLISH[sheet] if re.search(rf"\b{re.escape(w)}\b", text)]
                assert left == [], (sheet, left)
                if sheet in ("bracket", "schedule"):  # the teams' names in 繁體 too
                    assert zh.pick(qf1.red.team, "name", "zh-hant") in text, sheet
            else:
                assert ENGLISH[sheet][0] in text
            pdf = page.pdf(format="A4", landscape=orientation == "landscape", print_background=True,
                           prefer_css_page_size=True)
            if sheet == "scoresheets":  # one A4 page per match still to be played
                assert pdf_pages(pdf) == open_matches, (language, pdf_pages(pdf))
            if sheet == "bracket":
                assert pdf_pages(pdf) == 1
        page.emulate_media(media="screen")

    # The dashboard, in 繁體, on a desktop and on a phone: nothing wider than the screen.
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/admin/")
        expect(page.get_by_role("heading", name="賽季總覽")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        text = page.locator("#league-dashboard").inner_text()
        assert not re.search(r"\b(Next|Print sheets|What blocks|Today's matches)\b", text), text[:400]
        screenshot(page, f"dashboard-zh-hant-{width}")
