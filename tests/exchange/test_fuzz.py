"""Fuzzing the importers (issue 11): random bytes, truncated files and nested structures end in a
clear refusal (ImportRefused) or a success, never another exception, and a refusal saves
nothing. The worst cases are read within a bounded amount of memory."""
from __future__ import annotations

import copy
import io
import json
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from league.exchange import ImportRefused, applications, import_season
from league.exchange.reading import MAX_TABLE_BYTES, load_json
from league.services.common import system_actor
from tests import factories

from .conftest import row_counts
from .files import csv_bytes, team_row, xlsx_rows, xlsx_with_sheet

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

VALID_CSV = csv_bytes([team_row(i) for i in range(3)])


def _valid_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(applications.COLUMNS)
    for i in range(3):
        book.active.append(team_row(i))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


VALID_XLSX = _valid_xlsx()


def read_or_refuse(name: str, raw: bytes, season=None) -> None:
    """Read (and with a season, dry-run) a table: a refusal or rows, nothing else."""
    try:
        table = applications.read_table(name, raw)
    except ImportRefused as exc:
        assert exc.message and exc.path
        return
    if season is not None:
        actor = system_actor()
        before = row_counts()
        applications.preview(season, applications.parse(table), actor)
        assert row_counts() == before, "a preview saved something"


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_as_csv_or_xlsx(raw):
    read_or_refuse("t.csv", raw)
    read_or_refuse("t.xlsx", raw)


@FUZZ
@given(st.integers(0, len(VALID_CSV)), st.binary(max_size=64))
def test_truncated_or_spliced_csv(cut, junk):
    read_or_refuse("t.csv", VALID_CSV[:cut] + junk)


@FUZZ
@given(st.integers(0, len(VALID_XLSX)), st.binary(max_size=64))
def test_truncated_or_spliced_xlsx(cut, junk):
    read_or_refuse("t.xlsx", VALID_XLSX[:cut] + junk)


@FUZZ
@given(st.text(alphabet=st.sampled_from('<>/="abcrvst x0123\n'), max_size=400))
def test_garbage_sheet_xml(sheet):
    read_or_refuse("t.xlsx", xlsx_with_sheet(sheet.encode()))


@pytest.mark.django_db
@FUZZ
@given(st.lists(st.lists(st.text(max_size=30), max_size=16), max_size=6))
def test_random_tables_preview_without_saving(rows):
    season = factories.SeasonFactory()
    read_or_refuse("t.csv", csv_bytes(rows), season)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=40)


@pytest.mark.django_db
@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_as_a_season_file(raw):
    actor = system_actor()
    before = row_counts()
    with pytest.raises(ImportRefused):
        import_season(raw, actor=actor)
    assert row_counts() == before


@pytest.mark.django_db
@FUZZ
@given(json_values)
def test_nested_structures_as_a_season_file(value):
    actor = system_actor()
    before = row_counts()
    with pytest.raises(ImportRefused):
        import_season(json.dumps(value).encode(), actor=actor)
    assert row_counts() == before


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_real_season_file_truncated_or_mutated(finished_doc, data):
    """A real file, cut short or with one value replaced: a refusal that saved nothing, or an
    import (then the season is deleted again for the next example)."""
    text = json.dumps(finished_doc)
    actor = system_actor()
    before = row_counts()
    if data.draw(st.booleans()):
        raw = text[:data.draw(st.integers(0, len(text) - 1))].encode()
    else:
        doc = copy.deepcopy(finished_doc)
        key = data.draw(st.sampled_from(sorted(doc)))
        doc[key] = data.draw(json_values)
        raw = json.dumps(doc).encode()
    try:
        import_season(raw, dry_run=True, actor=actor)
    except ImportRefused as exc:
        assert exc.path and exc.message
    assert row_counts() == before


def test_peak_memory_of_the_worst_cases(capsys):
    """The largest hostile inputs each stay within a small, bounded amount of memory."""
    cases = {
        "xlsx, 2,000,000 one-cell rows": ("t.xlsx", xlsx_rows(2_000_000)),
        "xlsx, 200,000 rows (unpacks)": ("t.xlsx", xlsx_rows(200_000)),
        "csv, 2 MB in one field": ("t.csv", csv_bytes([team_row(organization="x" * (MAX_TABLE_BYTES
                                                                                    - 500))])),
        "csv, 2 MB of short lines": ("t.csv", b"name_en\n" + b"a\n" * (MAX_TABLE_BYTES // 2 - 10)),
    }
    peaks = {}
    for label, (name, raw) in cases.items():
        tracemalloc.start()
        with pytest.raises(ImportRefused):
            applications.read_table(name, raw)
        peaks[label] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    deep = b'{"a": ' + b"[" * 5_000_000 + b"]" * 5_000_000 + b"}"
    tracemalloc.start()
    with pytest.raises(ImportRefused):
        load_json(deep)
    peaks["json, 10 MB of nesting"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with capsys.disabled():
        for label, peak in peaks.items():
            print(f"\npeak memory, {label}: {peak / 1048576:.1f} MiB", end="")
    assert max(peaks.values()) < 64 * 1048576

