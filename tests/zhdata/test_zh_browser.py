"""The groups page and a match page on a phone (375 px) in 繁體 (zh-TW): 繁體 team names,
venue and ring, nothing wider than the screen (artifacts/zhdata-*.png)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.public.conftest import knockout_with_replacement

from .conftest import TRILINGUAL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_groups_and_match_pages_in_traditional_chinese_on_a_phone(live_server, browser_context,
                                                                   screenshot, transactional_db):
    season = knockout_with_replacement(**TRILINGUAL)
    sf1 = season.matches.get(slot="SF1")
    page = browser_context(375, 812, "zh-TW").new_page()
    for name, url in (("groups", reverse("public:groups", args=[season.slug])),
                      ("match", reverse("public:match", args=[season.slug, "SF1"]))):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "zh-hant"
        text = page.locator("body").inner_text()
        assert "深圳灣體育中心" in text, name
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        path = screenshot(page, f"zhdata-{name}-zh-hant-375")
        assert path.stat().st_size > 5000
    html = page.content()
    assert sf1.red.team.name_zh_hant in html and sf1.blue.team.name_zh_hant in html
    assert {"Ring 1": "一號擂台", "Ring 2": "二號擂台"}[sf1.ring] in html
