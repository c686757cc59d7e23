import pytest
from tests import factories
from league import services
from .helpers import ensure_roles
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_shots(live_server, browser_context):
    ensure_roles()
    people = factories.staff()
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0))
    services.member_add(entry=entry, name="Li Wei", role="operator")
    ctx = browser_context(375, 800)
    page = ctx.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "organizer"); page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/league/season/add/")
    page.screenshot(path="/tmp/shot-add-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/admin/league/entry/{entry.pk}/change/")
    page.screenshot(path="/tmp/shot-entry-reg.png", full_page=True)
    page.goto(live_server.url + "/admin/league/entry/add/")
    page.screenshot(path="/tmp/shot-entry-add.png", full_page=True)
    page.goto(live_server.url + f"/admin/league/season/{season.pk}/import/")
    page.screenshot(path="/tmp/shot-import.png", full_page=True)
