"""Findings 3 and 4 of issue 11 over HTTP, as an organizer meets them: the admin's two import
pages (applications from CSV/XLSX, the season file) answer every hostile file with a sentence
that names the place and the limit, in the reader's language, never a 500, and save nothing."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from league.exchange.reading import MAX_CELL, MAX_DEPTH, MAX_NUMBER_CHARS
from tests import factories
from tests.exchange.conftest import row_counts
from tests.exchange.files import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    csv_bytes,
    team_row,
    xlsx_rows,
    xlsx_with_sheet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(people):
    """An organizer's browser; a server error is answered 500 (not raised into the test)."""
    client = Client(raise_request_exception=False)
    client.force_login(people["organizer"])
    return client


# --- the season file (finding 4): the admin read it with json.loads, past every limit ------------

def season_file(client, content: bytes, **headers):
    return client.post(reverse("admin:league_season_file_import"), {
        "file": SimpleUploadedFile("season.json", content, content_type="application/json"),
        "_preview": "1"}, **headers)


@pytest.mark.parametrize("content, place, sentence", [
    (b'{"format": "robot-league-season", "teams": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "teams" + "[0]" * (MAX_DEPTH - 2), f"more than {MAX_DEPTH} levels deep"),
    (b'{"season": {"best_of": ' + b"9" * 5000 + b"}}", "season.best_of (line 1, column 24)",
     f"The number has 5000 characters; the limit is {MAX_NUMBER_CHARS}."),
    (b'{"format": "robot-league-season",\n "format": "robot-league-season"}', "format (line 2, column 2)",
     "The key &quot;format&quot; appears twice in the same object"),
    (b'{"teams": [{"name_en": "a\\u0000b"}]}', "teams[0].name_en", "NUL character"),
    (b'\xff\xfe{}', "(file)", "byte 0 is not UTF-8"),
], ids=["deep", "5000-digits", "duplicate-key", "nul", "not-utf8"])
def test_season_file_page_refuses_a_hostile_file_with_its_place(org, content, place, sentence):
    before = row_counts()
    response = season_file(org, content)
    assert response.status_code == 200  # it was a 500 for "deep" and "5000-digits"
    refusal = response.context["refusal"]
    assert refusal is not None and response.context["token"] == ""
    html = response.content.decode()
    assert place in html and sentence in html
    assert row_counts() == before


def test_season_file_refusal_is_translated(org):
    response = season_file(org, b'{"a": 1, "a": 2}', HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200
    assert "同一物件中出現兩次" in response.content.decode()


def test_season_file_over_20_mb_is_refused_with_the_limit(org):
    response = season_file(org, b" " * (20 * 1024 * 1024 + 1))
    assert response.status_code == 200
    assert "the limit is 20 MB" in response.content.decode()


# --- applications (finding 3) -------------------------------------------------------------------

@pytest.mark.parametrize("name, content, sentence", [
    ("t.xlsx", xlsx_rows(2_000_000), "the limit is 20 MB"),
    ("t.csv", csv_bytes([team_row(name_zh="队" * 140_000)]), f"the limit is {MAX_CELL}"),
    ("t.xlsx", xlsx_with_sheet(BILLION_LAUGHS), "declares a DTD"),
    ("t.xlsx", xlsx_with_sheet(EXTERNAL_ENTITY), "declares a DTD"),
    ("t.csv", csv_bytes([team_row(organization="Org\x00")]), "line 2, column organization"),
    ("t.csv", csv_bytes([team_row(name_en="Müller", name_zh="", organization="Zürich")],
                        encoding="cp1252"), "choose it in the Encoding field"),
    ("t.csv", b"name_en\n" + b"a\n" * 1_100_000, "the limit is 2 MB"),
], ids=["xlsx-2m-rows", "csv-big-field", "billion-laughs", "external-entity", "nul", "cp1252",
        "over-2-mb"])
def test_applications_page_refuses_a_hostile_file_with_a_sentence(org, name, content, sentence):
    season = factories.SeasonFactory()
    before = row_counts()
    response = org.post(reverse("admin:league_season_import", args=[season.pk]), {
        "file": SimpleUploadedFile(name, content), "encoding": ""})
    assert response.status_code == 200
    assert response.context["form"].errors and response.context["token"] == ""
    assert sentence in response.content.decode()
    assert row_counts() == before


def test_applications_page_reads_utf16_and_shows_a_preview(org):
    season = factories.SeasonFactory()
    response = org.post(reverse("admin:league_season_import", args=[season.pk]), {
        "file": SimpleUploadedFile("t.csv", csv_bytes([team_row(name_zh="深圳飞龙")], encoding="utf-16")),
        "encoding": ""})
    assert response.status_code == 200 and "深圳飞龙" in response.content.decode()
    assert response.context["token"]
