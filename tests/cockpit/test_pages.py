"""The dashboard's query count (pinned at 1 and 20 seasons), the print sheets and the season file
in the browser (export, preview, import; refusals with the rule and the place, nothing saved)."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from league import exchange
from league.models import AuditEvent, Entry, Season, Team
from league.services.common import system_actor
from tests import factories
from tests.admin_site.helpers import group_stage_season

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 12  # + the protests waiting for a ruling (R18)
INDEX_QUERIES = 17  # the dashboard's 12, the session, the user, its roles and the admin's own


def small_seasons(n: int) -> None:
    """Seasons in registration, each with two applicants (roster and robots: 2 queries' worth)."""
    for i in range(n):
        season = factories.SeasonFactory()
        for j in range(2):
            factories.apply_team(season, factories.catalogue_team((2 * i + j) % 20), 2 * i + j)


@pytest.mark.parametrize("extra", [0, 19])
def test_dashboard_query_count_is_pinned_at_1_and_20_seasons(org, django_assert_num_queries, extra):
    from league.selectors.dashboard import season_dashboard

    group_stage_season(played=False)
    small_seasons(extra)
    assert Season.objects.count() == 1 + extra
    with django_assert_num_queries(DASHBOARD_QUERIES):
        board = season_dashboard()
        assert len(board.panels) == 1 + extra
    client = org()
    client.get(reverse("admin:index"))  # warm the session
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get(reverse("admin:index")).status_code == 200


# --- print sheets ------------------------------------------------------------------------------------

@pytest.fixture
def knockout_season():
    return factories.season_at("knockout")


def test_print_sheets_render_for_staff(org, knockout_season):
    season = knockout_season
    client = org()
    bracket = client.get(reverse("admin:league_season_print", args=[season.pk, "bracket"])).content.decode()
    assert "Quarterfinals" in bracket and "league/print.css" in bracket
    qf1 = season.matches.get(slot="QF1")
    assert qf1.red.team.name_en in bracket
    groups = client.get(reverse("admin:league_season_print", args=[season.pk, "groups"])).content.decode()
    assert "Group A" in groups and "tie-break" in groups
    url = reverse("admin:league_season_print", args=[season.pk, "schedule"])
    schedule = client.get(url).content.decode()
    assert season.ring_list[0] in schedule and "Day 1" in schedule
    sf1 = season.matches.get(slot="SF1")
    assert "Referees" in schedule and sf1.referees.first().get_username() in schedule  # the ring's crew
    url = reverse("admin:league_season_print", args=[season.pk, "scoresheets"])
    sheets = client.get(url).content.decode()
    assert "Referee scoresheet · SF1" in sheets and "Referee scoresheet · QF1" not in sheets  # QFs are over
    assert "Winner of SF1" in sheets and "Loser of SF2" in sheets  # the final's corners, not yet known
    assert "battery seal number (R6)" in sheets and "Manual reset" in sheets and "Red team operator" in sheets
    one = client.get(url + "?slot=QF1")
    assert "Referee scoresheet · QF1" in one.content.decode()


def test_print_sheets_are_staff_only(client, people, knockout_season):
    url = reverse("admin:league_season_print", args=[knockout_season.pk, "bracket"])
    assert client.get(url).status_code == 302  # to the login
    people = factories.staff()
    client.force_login(people["ref1"])  # a referee is not admin staff
    assert client.get(url).status_code == 302
    client.force_login(people["organizer"])
    nothing = reverse("admin:league_season_print", args=[knockout_season.pk, "nothing"])
    assert client.get(nothing).status_code == 404


# --- the season file in the browser --------------------------------------------------------------------

def upload(client, content: bytes, name="season.json", slug=""):
    return client.post(reverse("admin:league_season_file_import"), {
        "file": SimpleUploadedFile(name, content, content_type="application/json"), "slug": slug,
        "_preview": "1"})


def counts():
    return (Season.objects.count(), Entry.objects.count(), Team.objects.count(), AuditEvent.objects.count())


def test_export_then_import_under_a_new_slug_with_a_preview(org):
    season = factories.season_at("drawn")
    client = org()
    download = client.get(reverse("admin:league_season_file", args=[season.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{season.slug}.season.json"'
    before = counts()
    preview = upload(client, download.content, slug="copy-of-season")
    text = preview.content.decode()
    assert "Preview: what confirming will do" in text and "copy-of-season" in text
    assert counts() == before  # the preview saved nothing
    token = preview.context["token"]
    done = client.post(reverse("admin:league_season_file_import"), {"token": token, "_confirm": "1"})
    copy = Season.objects.get(slug="copy-of-season")
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:league_season_change", args=[copy.pk])
    assert copy.entries.count() == season.entries.count() and copy.draw_seed == season.draw_seed


def test_importing_a_season_that_exists_is_refused_with_the_place(org):
    season = factories.season_at("qualified")
    client = org()
    data = exchange.export_season(season).encode()
    before = counts()
    response = upload(client, data)
    assert response.status_code == 200
    assert "season.slug" in response.content.decode() and "Nothing was saved." in response.content.decode()
    assert counts() == before


def test_r8_a_file_that_breaks_a_rule_is_refused_with_the_rule_and_the_place(org):
    season = factories.season_at("group_done")
    doc = json.loads(exchange.export_season(season))
    played = next(i for i, m in enumerate(doc["matches"]) if m.get("rounds"))
    doc["matches"][played]["rounds"] = doc["matches"][played]["rounds"][:1]  # a match of one round
    client = org()
    before = counts()
    response = upload(client, json.dumps(doc).encode(), slug="broken-copy")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"matches[{played}]" in text and "Refused by" in text
    assert counts() == before


@pytest.mark.parametrize("content", [
    b"{not json", b"\xff\xfe\x00garbage", b"[]", b'{"format": "someone-else", "version": 9}',
    json.dumps({"season": {"slug": 5}}).encode(), b"",
])
def test_a_broken_or_foreign_file_is_refused_never_a_500(org, content):
    client = org()
    before = counts()
    response = upload(client, content)
    assert response.status_code == 200
    text = response.content.decode()
    assert ("Place in the file" in text) or ("errorlist" in text)  # the empty file: the form says so
    assert counts() == before


@pytest.mark.parametrize("content", [
    b'{"format": "a", "format": "b"}',  # a duplicate key
    b"[" * 40 + b"]" * 40,  # nested beyond the reader's depth
    b'{"season": "\\u0000"}',  # a NUL character
    b'{"season": ',  # cut off
])
def test_the_browser_refuses_what_the_command_line_refuses_with_the_same_place(org, tmp_path, content):
    from django.core.management import CommandError, call_command
    from django.utils.html import escape

    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as command:
        call_command("import_season", str(path))
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_season(content, actor=system_actor())
    assert str(refused.value) in str(command.value)  # the command says the place and the reason
    before = counts()
    page = upload(org(), content).content.decode()
    assert escape(refused.value.path) in page and escape(refused.value.text) in page
    assert "Nothing was saved." in page
    assert counts() == before


def test_an_import_in_the_browser_names_who_uploaded_it(org, organizer):
    season = factories.season_at("qualified")
    client = org()
    preview = upload(client, exchange.export_season(season).encode(), slug="by-the-organizer")
    client.post(reverse("admin:league_season_file_import"),
                {"token": preview.context["token"], "_confirm": "1"})
    event = AuditEvent.objects.get(action="season_imported", season__slug="by-the-organizer")
    assert event.reason == f"season.json (uploaded by {organizer.get_username()})"
