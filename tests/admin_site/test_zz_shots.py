import pytest
from tests import factories
from .helpers import ensure_roles, season_at
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_shots(live_server, browser_context):
    ensure_roles()
    season = factories.season_at("knockout")
    people = factories.staff()
    ctx = browser_context(375, 800)
    page = ctx.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "organizer"); page.fill("#id_password", factories.PASSWORD)
    page.click("input[type=submit]")
    for name, url in [("season", f"/admin/league/season/{season.pk}/change/"),
                      ("entries", f"/admin/league/entry/?season__id__exact={season.pk}"),
                      ("knockout", f"/admin/league/season/{season.pk}/phase/finish-season/"),
                      ("matches", f"/admin/league/match/?season__id__exact={season.pk}"),
                      ("audit", f"/admin/league/auditevent/"),
                      ("draw", f"/admin/league/season/{season.pk}/draw/")]:
        page.goto(live_server.url + url)
        page.screenshot(path=f"/tmp/shot-{name}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, url in [("entries-wide", f"/admin/league/entry/?season__id__exact={season.pk}"),
                      ("audit-wide", f"/admin/league/auditevent/"),
                      ("matches-wide", f"/admin/league/match/?season__id__exact={season.pk}"),
                      ("entry-wide", f"/admin/league/entry/{season.entries.first().pk}/change/"),
                      ("ko-wide", f"/admin/league/season/{season.pk}/phase/finish-season/"),
                      ("lots-wide", f"/admin/league/season/{season.pk}/phase/record-lots/")]:
        page.goto(live_server.url + url)
        page.screenshot(path=f"/tmp/shot-{name}.png", full_page=True)
