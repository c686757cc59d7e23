"""Issue 11 §3, §4, §8: files that used to take a worker down or store garbage are refused with a
sentence that names the field or place and the limit; nothing is saved."""
from __future__ import annotations

import time

import pytest
from django.utils import translation

from league.errors import NotAllowed
from league.exchange import FormatError, ImportRefused, applications, import_season
from league.exchange.exports import safe_cell
from league.exchange.reading import (
    MAX_CELL,
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_TABLE_BYTES,
    iter_lines,
    load_json,
)
from league.services.common import system_actor

from .files import BILLION_LAUGHS, EXTERNAL_ENTITY, csv_bytes, team_row, xlsx_rows, xlsx_with_sheet


@pytest.fixture(autouse=True)
def english():
    """The assertions read the English sentences; the last test reads the Chinese ones."""
    with translation.override("en"):
        yield


def refusal(name: str, raw: bytes, **kwargs) -> FormatError:
    with pytest.raises(FormatError) as info:
        applications.read_table(name, raw, **kwargs)
    return info.value


# --- issue 11 §3: tables --------------------------------------------------------------------------

def test_xlsx_of_two_million_one_cell_rows_is_refused_fast():
    raw = xlsx_rows(2_000_000)
    assert len(raw) < 400_000  # a few hundred KB that unpack to 64 MB
    started = time.perf_counter()
    error = refusal("t.xlsx", raw)
    assert time.perf_counter() - started < 5
    assert "limit is 20 MB" in error.message


def test_xlsx_rows_are_counted_while_reading():
    raw = xlsx_rows(200_000)  # small enough to unpack, far more rows than a file may have
    started = time.perf_counter()
    with pytest.raises(FormatError) as info:
        for _line in iter_lines("t.xlsx", raw):
            pass
    error = info.value
    assert time.perf_counter() - started < 5
    assert error.path == "line 1001" and "more than 1000 lines" in error.message


def test_csv_field_over_131072_characters_is_refused_with_the_limit():
    error = refusal("t.csv", csv_bytes([team_row(name_zh="队" * 140_000)]))
    assert f"limit is {MAX_CELL}" in error.message


def test_csv_cell_over_the_cell_limit_names_line_and_column():
    error = refusal("t.csv", csv_bytes([team_row(organization="x" * (MAX_CELL + 1))]))
    assert error.path == "line 2, column organization"
    assert f"{MAX_CELL + 1} characters; the limit is {MAX_CELL}" in error.message


@pytest.mark.parametrize("sheet", [BILLION_LAUGHS, EXTERNAL_ENTITY],
                         ids=["billion-laughs", "external-entity"])
def test_xlsx_with_a_dtd_is_refused(sheet):
    started = time.perf_counter()
    error = refusal("t.xlsx", xlsx_with_sheet(sheet))
    assert time.perf_counter() - started < 2
    assert "DTD" in error.message and error.field == "file"


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # a second guard behind ours: entity declarations are refused


def test_csv_of_a_million_short_lines_is_refused_fast():
    """csv.Sniffer took 3 s (12 s on a busy server) on this 2 MB file before the first line."""
    head = ",".join(applications.COLUMNS).encode() + b"\n"
    raw = head + b"a\n" * ((MAX_TABLE_BYTES - len(head)) // 2)
    started = time.perf_counter()
    error = refusal("t.csv", raw)
    assert time.perf_counter() - started < 1.5
    assert error.path == "line 502" and "At most 500 teams" in error.message


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_of_every_spreadsheet_locale_is_read(delimiter):
    raw = csv_bytes([team_row(1, organization="Org, Ltd.; Tab")]).decode()
    if delimiter != ",":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(raw)))
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows(rows)
        raw = out.getvalue()
    rows = applications.read_table("t.csv", raw.encode())
    assert rows[0][1]["organization"] == "Org, Ltd.; Tab" and rows[0][1]["name_en"] == "Team 1"


def test_nul_byte_in_csv_is_refused():
    raw = csv_bytes([team_row(organization="Org\x00")])
    error = refusal("t.csv", raw)
    assert error.path == "line 2, column organization" and "NUL" in error.message


def test_cp1252_csv_is_not_imported_as_gb18030_mojibake():
    raw = csv_bytes([team_row(name_en="Müller Robotik", name_zh="", organization="Universität Zürich")],
                    encoding="cp1252")
    error = refusal("t.csv", raw)
    assert error.field == "encoding" and "choose it in the Encoding field" in error.message
    rows = applications.read_table("t.csv", raw, encoding="cp1252")
    assert rows[0][1]["name_en"] == "Müller Robotik"


def test_utf16_csv_with_bom_is_read():
    rows = applications.read_table("t.csv", csv_bytes([team_row(name_zh="深圳飞龙")], encoding="utf-16"))
    assert rows[0][1]["name_zh"] == "深圳飞龙"


def test_gb18030_is_still_detected_for_chinese_text():
    raw = csv_bytes([team_row(name_zh="深圳飞龙机器人队")], encoding="gb18030")
    rows = applications.read_table("t.csv", raw)
    assert rows[0][1]["name_zh"] == "深圳飞龙机器人队"


def test_a_named_encoding_that_does_not_fit_is_refused():
    error = refusal("t.csv", b"name_en\n\xff\xff\n", encoding="big5")
    assert error.field == "encoding" and "Big5" in error.message


@pytest.mark.django_db
def test_r2_applications_match_a_known_team_by_slug_not_by_english_name():
    from tests import factories

    season = factories.SeasonFactory()
    known = factories.TeamFactory(slug="dragons", name_en="Dragons", organization="Org")
    # The known team's English name under another slug is a new team (refused: the name is taken).
    row = team_row(1, name_en="Dragons", slug="dragons-two")
    rows = applications.preview(season, applications.parse(
        applications.read_table("t.csv", csv_bytes([row]))), system_actor())
    assert not rows[0].existing_team and rows[0].errors
    # Its slug is the known team, whatever else the file says about it.
    row = team_row(2, name_en="Dragons", slug="dragons", organization="Other")
    rows = applications.parse(applications.read_table("t.csv", csv_bytes([row])))
    applications.run(season, rows, system_actor())
    assert rows[0].existing_team and season.entries.get().team == known


# --- issue 11 §4: season JSON ---------------------------------------------------------------------

def json_refusal(text: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        load_json(text.encode())
    return info.value


def test_deeply_nested_season_json_is_refused_with_its_place():
    error = json_refusal('{"format": "robot-league-season", "teams": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert error.path.startswith("teams" + "[0]" * (MAX_DEPTH - 2))
    assert "(line 1, column" in error.path and f"more than {MAX_DEPTH} levels" in error.message


def test_a_5000_digit_integer_is_refused_with_its_place():
    error = json_refusal('{"season": {"best_of": ' + "9" * 5000 + "}}")
    assert error.path.startswith("season.best_of (line 1, column 24)")
    assert f"5000 characters; the limit is {MAX_NUMBER_CHARS}" in error.message


def test_duplicate_keys_are_refused_with_their_place():
    error = json_refusal('{"season": {\n  "slug": "a",\n  "slug": "b"}}')
    assert error.path == "season.slug (line 3, column 3)"
    assert 'The key "slug" appears twice' in error.message


def test_nul_in_a_json_string_is_refused():
    error = json_refusal('{"teams": [{"name_en": "a\\u0000b"}]}')
    assert error.path.startswith("teams[0].name_en") and "NUL" in error.message


@pytest.mark.django_db
def test_import_season_takes_bytes_and_refuses_them_without_a_traceback():
    for text in ['{"a": ' + "[" * 5000, '{"a": 1, "a": 2}', "\xff\xfe", '{"n": ' + "1" * 5000 + "}"]:
        with pytest.raises(ImportRefused):
            import_season(text.encode("utf-8", "surrogateescape"), actor=system_actor())
    with pytest.raises(ImportRefused):
        import_season(b"\xff\xfe{}", actor=system_actor())


@pytest.mark.django_db
def test_a_valid_season_file_is_parsed_at_c_speed_and_never_scanned(monkeypatch, finished_doc):
    """A 20 MB file of a million keys took minutes token by token; only a refused file is."""
    import json

    from league.exchange import reading

    def scanned(text):
        raise AssertionError("a valid file was scanned token by token")

    monkeypatch.setattr(reading, "_scan", scanned)
    assert load_json(json.dumps(finished_doc).encode()) == finished_doc
    many = ('{"teams": [{' + ",".join(f'"k{i:07d}":0' for i in range(200_000)) + "}]}").encode()
    started = time.perf_counter()
    json.loads(many)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    assert len(load_json(many)["teams"][0]) == 200_000
    assert time.perf_counter() - started < 6 * plain  # the token scan alone was 12 times json.loads


@pytest.mark.parametrize("text, place", [
    ('{"a": [' + "[" * 18 + "]" * 18 + "]}", None),  # 20 levels with the outer object: the limit
    ('{"a": [' + "[" * 19 + "]" * 19 + "]}", "a" + "[0]" * 19),
], ids=["20-levels", "21-levels"])
def test_the_depth_limit_is_the_same_at_c_speed_and_in_the_scan(text, place):
    if place is None:
        assert load_json(text.encode())
    else:
        assert json_refusal(text).path.startswith(place + " (line 1")


def test_a_truncated_file_says_where_it_ends():
    error = json_refusal('{"format": "robot-league-season",\n "season": {')
    assert "line 2" in error.path and "This is not JSON" in error.message


# --- issue 11 §8: the formula guard ---------------------------------------------------------------

@pytest.mark.parametrize("value, safe", [
    ("Seoul;=1+1", "Seoul;'=1+1"),
    ("Seoul; =1+1", "Seoul; '=1+1"),
    ("a\t@SUM(A1)", "a\t'@SUM(A1)"),
    ("Seoul|+1", "Seoul|'+1"),
    ("=1+1", "'=1+1"),
    ("Seoul; Busan", "Seoul; Busan"),
])
def test_formula_guard_covers_semicolon_and_other_delimiter_locales(value, safe):
    assert safe_cell(value) == safe


def test_refusals_are_translated():
    with translation.override("zh-hans"):
        error = json_refusal('{"a": 1, "a": 2}')
        table = refusal("t.csv", csv_bytes([team_row(organization="x" * (MAX_CELL + 1))]))
    assert error.message == "键 \"a\" 在同一对象中出现两次；每个键只能出现一次。"
    assert table.path == "第 2 行，organization 列" and f"上限为 {MAX_CELL}" in table.message


def test_r7_import_season_names_its_actor():
    """The actor is a required keyword, as on every service: no silent default to anybody."""
    with pytest.raises(TypeError, match="actor"):
        import_season(b"{}")
    with pytest.raises(NotAllowed, match="R7"):
        import_season(b"{}", actor=None)
