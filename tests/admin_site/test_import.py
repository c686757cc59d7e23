"""Importing applications from CSV or XLSX: a preview with the errors of each row, then all rows
or none, every write through the services (R2, R3)."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from league.catalogue import MEMBER_NAMES, ROBOT_NAMES, TEAMS
from league.exchange import applications as importing
from league.models import AuditEvent, Entry, Robot, Team, TeamMember
from tests import factories
from tests.exchange.files import csv_bytes as hardening_csv
from tests.exchange.files import team_row

pytestmark = pytest.mark.django_db

ROLES = ["operator", "substitute_operator", "technical_staff", "coach"]


def catalogue_rows(count: int = 20, *, prefix: str = "IMP") -> list[list[str]]:
    rows = []
    for i, (slug, en, zh, org, kind, country) in enumerate(TEAMS[:count]):
        members = "; ".join(f"{MEMBER_NAMES[(i + k) % len(MEMBER_NAMES)]}: {ROLES[k]}" for k in range(4))
        robot = ROBOT_NAMES[i % len(ROBOT_NAMES)]
        rows.append([en, zh, org, f"REG-{i:04d}", kind, country, slug, members,
                     robot, f"{prefix}-{i:03d}-P", "", f"{robot} II", f"{prefix}-{i:03d}-B", "EngineAI T800"])
    return rows


def csv_bytes(rows, header=importing.COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=importing.COLUMNS) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, season, name, content):
    return client.post(reverse("admin:league_season_import", args=[season.pk]),
                       {"file": SimpleUploadedFile(name, content), "_upload": "1"})


def confirm(client, season, token):
    return client.post(reverse("admin:league_season_import", args=[season.pk]),
                       {"_confirm": "1", "token": token})


@pytest.mark.parametrize("name, make", [("teams.csv", csv_bytes), ("teams.xlsx", xlsx_bytes)])
def test_r2_r3_twenty_teams_with_members_and_robots(org, organizer, name, make):
    season = factories.SeasonFactory()
    preview = upload(org, season, name, make(catalogue_rows()))
    assert preview.status_code == 200
    assert "20 teams are ready to import" in preview.content.decode()
    assert not Entry.objects.exists() and not Team.objects.exists()  # the preview saved nothing
    response = confirm(org, season, preview.context["token"])
    assert response.status_code == 302
    assert season.entries.count() == 20
    assert TeamMember.objects.filter(entry__season=season).count() == 80
    assert Robot.objects.filter(season=season).count() == 40
    assert AuditEvent.objects.filter(action="robot_registered", actor=organizer).count() == 40
    assert AuditEvent.objects.filter(action="team_created", actor=organizer).count() == 20
    team = Team.objects.get(slug="shenzhen-dragons")
    assert (team.name_zh, team.kind, team.country) == ("深圳飞龙", "university", "CN")


def test_errors_are_shown_per_row_and_nothing_is_imported(org):
    season = factories.SeasonFactory()
    rows = catalogue_rows(5)
    rows[1][4] = "startup"  # kind
    rows[2][5] = "China"  # country
    rows[3][12] = rows[0][9]  # the backup's serial is row 1's primary (R3)
    rows[4][7] = "Li Wei operator"  # member without a role
    preview = upload(org, season, "teams.csv", csv_bytes(rows))
    page = preview.content.decode()
    assert "4 rows have errors" in page
    by_line = {r.line: r.errors for r in preview.context["rows"]}
    assert by_line[2] == []
    assert "kind startup is not one of" in by_line[3][0]
    assert "country China is not a two-letter ISO code" in by_line[4][0]
    assert by_line[5] == [f"R3: Serial {rows[0][9]} is already registered to {rows[0][0]}."]
    assert "write it as 'name: role'" in by_line[6][0]
    assert 'name="_confirm"' not in page
    assert not Entry.objects.exists()


def test_r2_a_team_twice_in_the_file_is_refused_on_its_second_row(org):
    season = factories.SeasonFactory()
    rows = catalogue_rows(2)
    rows.append(catalogue_rows(1, prefix="DUP")[0])
    by_line = {r.line: r.errors for r in upload(org, season, "t.csv", csv_bytes(rows)).context["rows"]}
    assert by_line[4] == ["R2: Shenzhen Dragons has already entered this season."]


def test_r2_a_known_team_keeps_its_identity(org):
    season = factories.SeasonFactory()
    existing = factories.catalogue_team(0)
    rows = catalogue_rows(1)
    rows[0][2] = "SUSTech"
    preview = upload(org, season, "t.csv", csv_bytes(rows))
    assert preview.context["rows"][0].existing_team
    assert "its organization, legal registration number in the file differ" in preview.content.decode()
    confirm(org, season, preview.context["token"])
    assert Team.objects.count() == 1 and season.entries.get().team == existing
    existing.refresh_from_db()
    assert existing.organization == "Southern University of Science and Technology"


def test_r2_a_new_team_cannot_take_a_known_teams_slug(org):
    season = factories.SeasonFactory()
    factories.catalogue_team(0)
    rows = catalogue_rows(1)
    rows[0][0] = "Shenzhen Dragons Two"  # a new name with the known team's slug
    row = upload(org, season, "t.csv", csv_bytes(rows)).context["rows"][0]
    assert row.errors and "slug" in row.errors[0].lower()


def test_r2_import_refused_once_registration_is_closed(org):
    season = factories.season_at("qualified")
    rows = upload(org, season, "t.csv", csv_bytes(catalogue_rows(1, prefix="LATE"))).context["rows"]
    assert rows[0].errors and "Applying is possible only in the phase Registration" in rows[0].errors[0]


def test_a_row_refused_at_confirmation_rolls_everything_back(org):
    season = factories.SeasonFactory()
    preview = upload(org, season, "t.csv", csv_bytes(catalogue_rows(3)))
    # Between the preview and the confirmation, somebody registers a serial of the file (R3).
    other = factories.apply_team(season, factories.catalogue_team(10), 10)
    Robot.objects.filter(entry=other, role="primary").update(serial="IMP-002-P")
    response = confirm(org, season, preview.context["token"])
    assert response.status_code == 200
    assert "Nothing was imported: line 4: R3: Serial IMP-002-P" in " ".join(
        str(m) for m in response.context["messages"])
    assert season.entries.count() == 1  # only the other team


def test_file_level_errors(org):
    season = factories.SeasonFactory()
    cases = [
        ("t.csv", csv_bytes([["x"]], header=["name_en"]), "Missing columns: name_zh"),
        ("t.csv", csv_bytes([], header=importing.COLUMNS), "header but no team"),
        ("t.csv", csv_bytes(catalogue_rows(1), header=[*importing.COLUMNS[:-1], "colour"]),
         "Unknown columns: colour"),
        ("t.xlsx", b"not a zip", "not a readable XLSX file"),
        ("t.txt", b"hello", "Upload a .csv or .xlsx file."),
        ("t.csv", b"", "The submitted file is empty."),
    ]
    for name, content, error in cases:
        response = upload(org, season, name, content)
        assert response.status_code == 200
        assert error in response.content.decode(), (name, error)
    assert not Team.objects.exists()


def test_gb18030_csv_from_a_chinese_spreadsheet(org):
    season = factories.SeasonFactory()
    preview = upload(org, season, "t.csv", csv_bytes(catalogue_rows(2), encoding="gb18030"))
    assert [r.team["name_zh"] for r in preview.context["rows"]] == ["深圳飞龙", "清华泰坦"]
    assert all(r.ok for r in preview.context["rows"])


def test_an_expired_preview_asks_to_upload_again(org):
    season = factories.SeasonFactory()
    response = confirm(org, season, "forged-token")
    assert response.status_code == 302
    assert not Entry.objects.exists()


def test_the_template_is_a_valid_import_file(org):
    response = org.get(reverse("admin:league_season_import_template"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    table = importing.read_table("template.csv", content)
    rows = importing.parse(table)
    assert len(rows) == 1 and rows[0].ok and not rows[0].warnings


@pytest.mark.django_db
def test_admin_asks_for_the_encoding_and_imports_with_it(org):
    season = factories.SeasonFactory()
    url = reverse("admin:league_season_import", args=[season.pk])
    raw = hardening_csv([team_row(name_en="Müller Robotik", name_zh="")], encoding="cp1252")
    page = org.post(url, {"file": SimpleUploadedFile("t.csv", raw), "_upload": "1"})
    assert page.status_code == 200
    assert "choose it in the Encoding field" in str(page.context["form"].errors["encoding"])
    page = org.post(url, {"file": SimpleUploadedFile("t.csv", raw), "encoding": "cp1252", "_upload": "1"})
    assert [r.team["name_en"] for r in page.context["rows"]] == ["Müller Robotik"]


@pytest.mark.django_db
def test_admin_refuses_a_nul_byte_with_a_sentence_not_a_500(org):
    season = factories.SeasonFactory()
    url = reverse("admin:league_season_import", args=[season.pk])
    raw = hardening_csv([team_row(organization="Org\x00")])
    page = org.post(url, {"file": SimpleUploadedFile("t.csv", raw), "_upload": "1"})
    assert page.status_code == 200
    assert "line 2, column organization" in page.content.decode()
    assert not Team.objects.exists() and not Entry.objects.exists()


