"""Backups (docs/operations.md): tools/backup_restore.py dumps the PostgreSQL database, restores
it into a fresh database and proves every season's export from the copy is byte-identical.
Runs where the tests run on PostgreSQL and its client programs are installed (CI)."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "backup_restore.py"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="backups are of PostgreSQL (DATABASE_URL=postgres://...)"),
    pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"),
                       reason="needs PostgreSQL's client programs (apt-get install postgresql-client)"),
]


def _module():
    spec = importlib.util.spec_from_file_location("backup_restore", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _url() -> str:
    """The test database's URL (the data the test committed is in it)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _run(*args: str, **env) -> subprocess.CompletedProcess:
    full = {**os.environ, "DATABASE_URL": _url(), **env}
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=300)


def _databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {row[0] for row in cursor.fetchall()}


def test_a_backup_restores_into_a_fresh_database_with_byte_identical_season_exports(tmp_path):
    factories.season_at("group_stage")
    factories.season_at("registration")
    before = _databases()
    result = _run("check", "-o", str(tmp_path / "league.dump"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "league.dump").stat().st_size > 10_000
    lines = result.stdout.splitlines()
    identical = [line for line in lines if line.startswith("season ") and "byte-identical" in line]
    assert len(identical) == 2, result.stdout
    assert lines[-1].startswith("OK: 2 season(s), 0 different")
    assert _databases() == before  # the fresh database is dropped again


def test_a_restored_export_that_differs_fails_the_check(tmp_path, monkeypatch, capsys):
    factories.season_at("registration")
    module = _module()
    real = module.export
    url = _url()
    monkeypatch.setattr(module, "export", lambda u, slug, folder: real(u, slug, folder)
                        + (b"" if u == url else b" "))
    assert module.check(url, tmp_path / "league.dump") == 1
    out = capsys.readouterr().out
    assert "DIFFERENT" in out and "FAILED: 1 season(s), 1 different" in out


def test_restore_never_writes_over_an_existing_database(tmp_path):
    factories.season_at("registration")
    assert _run("backup", "-o", str(tmp_path / "league.dump")).returncode == 0
    name = connection.settings_dict["NAME"]
    result = _run("restore", str(tmp_path / "league.dump"), "--into", name)
    assert result.returncode == 2 and f"database {name!r} already exists" in result.stderr


def test_the_script_refuses_a_database_that_is_not_postgresql():
    result = _run("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode == 2 and "must name a PostgreSQL database" in result.stderr
