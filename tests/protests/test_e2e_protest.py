"""R18 end to end in a real Chromium: a team manager protests a signed-off result on a phone with a
file, a head referee who did not referee the match upholds it with corrected rounds (a second,
confirming step), and the public match page shows the corrected result and the ruling.
Screenshots at 375 and 1280 px, in English and 繁體中文: artifacts/protest-*.png."""
from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from league import services
from league.models import Protest
from tests import factories
from tests.referee.conftest import finish, make_match, mini_season

from .conftest import PNG, team_manager

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """A transactional test starts from a flushed database: the role groups come back."""
    factories.ensure_roles()


def signed_in(context, base: str, user) -> None:
    """Give the browser a session of ``user`` (as force_login does for the test client)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def test_r18_a_team_protests_a_head_referee_upholds_the_public_sees_the_correction(
        live_server, browser_context, screenshot, people, tmp_path, _private_storage):
    season = mini_season(name="Shenzhen 2026")
    match = make_match(season, slot="A1", referees=[people["ref1"]])
    finish(match, winner="red")  # red wins 2-0
    services.match_sign_off(match=match, actor=people["ref1"])
    match.refresh_from_db()
    blue = match.blue.team
    manager = team_manager(blue, "blue-manager")
    base = live_server.url
    still = tmp_path / "round2.png"
    still.write_bytes(PNG)

    # The blue team's manager, on a phone: the match, the form, a file, filed.
    phone_ctx = browser_context(375, 812)
    signed_in(phone_ctx, base, manager)
    phone = phone_ctx.new_page()
    phone.goto(f"{base}{reverse('protests:mine')}")
    phone.get_by_role("heading", name="Protest a result").wait_for()
    screenshot(phone, "protest-01-team-list-375")
    phone.get_by_role("link", name="Protest this result").click()
    phone.get_by_role("heading", name="Protest A1").wait_for()
    phone.get_by_label("What is wrong with the result?").fill(
        "Round 2: our robot stood up after 7 s, the referee counted it out.")
    phone.get_by_label("Video links (one per line)").fill("https://video.example/a1#t=312")
    phone.get_by_label("Files").set_input_files(str(still))
    screenshot(phone, "protest-02-team-form-375")
    phone.get_by_role("button", name="File the protest").click()
    phone.get_by_text("Your protest of A1 is filed").wait_for()
    expect(phone.get_by_text("Under protest")).to_be_visible()
    screenshot(phone, "protest-03-team-filed-375")
    protest = Protest.objects.get(match=match, entry=match.blue)
    assert protest.evidence.count() == 2

    # The public sees "under protest" (and not the statement).
    public_url = f"{base}{reverse('public:match', args=[season.slug, 'A1'])}"
    fan = browser_context(1280, 900).new_page()
    fan.goto(public_url)
    expect(fan.locator(".scoreboard").get_by_text("Under protest")).to_be_visible()
    assert "counted it out" not in fan.content()
    screenshot(fan, "protest-04-public-under-protest-1280")

    # A head referee who did not referee A1 (ref1 did): queue, ruling page, uphold, confirm.
    desk_ctx = browser_context(1280, 900)
    signed_in(desk_ctx, base, people["head"])
    desk = desk_ctx.new_page()
    desk.goto(f"{base}{reverse('referee_protests:queue')}")
    desk.get_by_role("heading", name="Protests", exact=True).wait_for()
    screenshot(desk, "protest-05-referee-queue-1280")
    desk.get_by_role("link", name="Open and rule").click()
    desk.get_by_role("heading", name=re.compile("protests A1")).wait_for()
    assert desk.get_by_role("link", name="round2.png").is_visible()
    desk.get_by_label("Uphold: correct the result").check()
    desk.get_by_label("Reason for the ruling (public)").fill(
        "The video shows the robot standing at 7 s: round 2 goes to blue, and round 3 too.")
    desk.get_by_text("Corrected rounds (when upheld)").click()
    for number in (1, 2):
        row = desk.get_by_role("group", name=f"Round {number}")
        winner = "red" if number == 1 else "blue"
        row.get_by_label("Winner").select_option(winner)
        row.get_by_label("Won by").select_option("points")
        row.get_by_label("Red points").fill("20" if winner == "red" else "5")
        row.get_by_label("Blue points").fill("5" if winner == "red" else "20")
    third = desk.get_by_role("group", name="Round 3")
    third.get_by_label("Winner").select_option("blue")
    third.get_by_label("Won by").select_option("ko")
    screenshot(desk, "protest-06-referee-ruling-1280")
    desk.get_by_role("button", name="Rule…").click()
    desk.get_by_text("Upheld: the result is corrected.").wait_for()
    expect(desk.locator("#confirm-ruling")).to_contain_text(f"{blue.name_en} wins 2–1")
    screenshot(desk, "protest-07-referee-confirm-1280")
    desk.get_by_role("button", name="Yes, uphold and correct the result").click()
    desk.get_by_text("Protest by").wait_for()
    match.refresh_from_db()
    assert match.winner_id == match.blue_id and (match.red_rounds, match.blue_rounds) == (1, 2)
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.UPHELD

    # The public match page: the corrected result and the ruling, phone and desktop, en and 繁體.
    for width, locale, lang in ((375, "en-US", "en"), (1280, "en-US", "en"),
                                (375, "zh-TW", "zh-hant"), (1280, "zh-TW", "zh-hant")):
        page = browser_context(width, 900, locale=locale).new_page()
        page.goto(public_url)
        assert page.locator("html").get_attribute("lang") == lang
        protests = page.locator("section.protests")
        expect(protests).to_contain_text("The video shows the robot standing at 7 s")
        if lang == "en":
            expect(page.locator(".result-line")).to_contain_text(f"{blue.name_en} wins 2–1")
            expect(protests).to_contain_text("protest was upheld")
        else:
            expect(protests).to_contain_text("抗議成立")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"protest-08-public-ruling-{lang}-{width}")

    # The team sees the ruling too.
    phone.goto(f"{base}{reverse('protests:mine')}")
    expect(phone.get_by_text("The video shows the robot standing")).to_be_visible()
    screenshot(phone, "protest-09-team-ruled-375")
