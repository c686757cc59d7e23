"""A new team in a real Chromium: sign up, read the verification e-mail from the test mailbox
(the live server runs in this process), verify, apply with an upload, enter the roster and both
robots. Screenshots at 375 and 1280 px, English and Chinese: artifacts/teamsite-*.png."""
from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from league.models import Entry, Robot, TeamMember
from tests import factories

from .conftest import PDF, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Rookie-pass-2026!"


def test_a_new_team_signs_up_applies_and_keeps_its_roster(live_server, browser_context, screenshot,
                                                          tmp_path):
    season = factories.season_at("registration", applicants=0, slug="s2-hk",
                                 name="Season 2 Hong Kong", city="Hong Kong", time_zone="Asia/Hong_Kong")
    proof, photo = tmp_path / "registration.pdf", tmp_path / "robot.png"
    proof.write_bytes(PDF)
    photo.write_bytes(png_bytes((800, 600)))
    base = live_server.url
    phone = browser_context(375, 800).new_page()

    # Sign up: an e-mail address and a password; the address is verified by a link.
    phone.goto(f"{base}/my-team/account/signup/")
    screenshot(phone, "teamsite-01-signup-375")
    phone.locator("input[name=email]").fill("captain@rookie.example")
    phone.locator("input[name=password1]").fill(PASSWORD)
    phone.locator("input[name=password2]").fill(PASSWORD)
    phone.get_by_role("button", name="Sign Up").click()
    expect(phone.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    phone.goto(link)
    screenshot(phone, "teamsite-02-confirm-375")
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_role("heading", name="My teams")).to_be_visible()

    # Apply with a new team and the proof of registration.
    phone.get_by_role("link", name="Apply with a new team").click()
    phone.get_by_label("Team name (English)").fill("Rookie Robotics")
    phone.get_by_label("Team name (Chinese)").fill("新秀机器人")
    phone.get_by_label("Organization").fill("Rookie Robotics Ltd.")
    phone.get_by_label("Legal registration number").fill("91440300MA5F")
    phone.get_by_label("Kind").select_option("company")
    phone.get_by_label("Country").fill("HK")
    phone.get_by_label("Proof of registration").set_input_files(str(proof))
    screenshot(phone, "teamsite-03-apply-375")
    phone.get_by_role("button", name="Send the application").click()
    expect(phone.get_by_role("heading", name=re.compile("Rookie Robotics"))).to_be_visible()
    expect(phone.get_by_role("status").filter(has_text="Application received")).to_be_visible()

    # A roster of 2 is refused with the rule, then 4 members are saved.
    rows = [("Li Wei", "operator"), ("Chan Mei", "substitute_operator"), ("Ada Ng", "technical_staff"),
            ("Bo Lam", "coach")]
    for i, (name, role) in enumerate(rows[:2], start=1):
        phone.get_by_label(f"Name of member {i}", exact=True).fill(name)
        phone.get_by_label(f"Role of member {i}", exact=True).select_option(role)
    phone.get_by_role("button", name="Save the roster").click()
    expect(phone.get_by_text("R2: A team has 3-10 members; this roster has 2.")).to_be_visible()
    for i, (name, role) in enumerate(rows, start=1):
        phone.get_by_label(f"Name of member {i}", exact=True).fill(name)
        phone.get_by_label(f"Role of member {i}", exact=True).select_option(role)
    phone.get_by_role("button", name="Save the roster").click()
    expect(phone.get_by_text("Roster saved.")).to_be_visible()

    # Both robots, the primary with a photo; the model defaults to the EngineAI T800.
    primary = phone.locator("form.ts-robot-form").filter(has_text="Register the primary robot")
    expect(primary.get_by_label("Model")).to_have_value("EngineAI T800")
    primary.get_by_label("Robot name").fill("Rookie One")
    primary.get_by_label("Serial number").fill("T800-RK-01")
    primary.get_by_label("Firmware version").fill("2.4.1")
    primary.get_by_label("Photo").set_input_files(str(photo))
    primary.get_by_role("button", name="Register").click()
    expect(phone.get_by_text("Robot registered.")).to_be_visible()
    backup = phone.locator("form.ts-robot-form").filter(has_text="Register the backup robot")
    backup.get_by_label("Robot name").fill("Rookie Two")
    backup.get_by_label("Serial number").fill("T800-RK-02")
    backup.get_by_role("button", name="Register").click()
    expect(phone.get_by_role("img", name="Photo of Rookie One")).to_be_visible()
    screenshot(phone, "teamsite-04-team-en-375")

    entry = Entry.objects.get(season=season, team__slug="rookie-robotics")
    assert TeamMember.objects.filter(entry=entry).count() == 4
    assert sorted(Robot.objects.filter(entry=entry).values_list("serial", flat=True)) == [
        "T800-RK-01", "T800-RK-02"]
    assert entry.proof.name.endswith(".pdf")

    wide = phone.context
    desk = browser_context(1280, 900).new_page()
    desk.context.add_cookies(wide.cookies())
    desk.goto(f"{base}/my-team/rookie-robotics/")
    screenshot(desk, "teamsite-05-team-en-1280")

    # Chinese: the language switch keeps the page.
    for page, width in ((desk, 1280), (phone, 375)):
        page.goto(f"{base}/my-team/rookie-robotics/")
        page.locator("#lang-select").select_option("zh-hans")
        page.locator(".lang-switch button").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        screenshot(page, f"teamsite-06-team-zh-{width}")
    phone.goto(f"{base}/my-team/account/logout/")
    screenshot(phone, "teamsite-07-signout-zh-375")


def test_the_team_follows_its_season_in_the_browser(live_server, browser_context, screenshot):
    """A finished season's champion: schedule in the venue's time and the viewer's (the browser
    runs in UTC), results, place and reward, the private calendar link."""
    from league.models import TeamManager

    from .conftest import team_account

    season = factories.season_at("finished")
    entry = Entry.objects.select_related("team").get(season=season, placing__place=1)
    user = team_account("champ@team.example", password=PASSWORD)
    TeamManager.objects.create(user=user, team=entry.team)
    base = live_server.url
    for width, lang in ((1280, "en"), (375, "en"), (375, "zh-hant")):
        ctx = browser_context(width, 900)
        ctx.add_cookies([{"name": "django_language", "value": lang, "url": base}])
        page = ctx.new_page()
        page.emulate_media(color_scheme="dark")
        page.goto(f"{base}/my-team/account/login/")
        page.locator("input[name=login]").fill("champ@team.example")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.goto(f"{base}/my-team/{entry.team.slug}/")
        expect(page.locator(".place-1")).to_be_visible()
        if lang == "en" and width == 1280:
            page.get_by_role("button", name="Create the link").click()
            expect(page.get_by_role("textbox", name="Calendar link")).to_have_value(
                re.compile(r"/my-team/calendar/.+\.ics$"))
        screenshot(page, f"teamsite-08-season-{lang}-{width}")
