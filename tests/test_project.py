"""Project-level checks: deploy settings, migrations, the demo command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from league.models import FailureReport, Match, Placing, Replacement, Season, Team
from league.selectors import season_standings
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_variables():
    dev_only = ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dev_only}
    env.update(SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
               ALLOWED_HOSTS="league.example", HTTPS="1", SECURE_HSTS_SECONDS="31536000")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked(settings):
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    code = "import config.settings as s; print(s.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60).stdout.strip()
    assert out == "False"


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_season(capsys):
    # The role groups come from a migration; a transactional test in this worker may have flushed
    # them, as no real database ever is.
    factories.ensure_roles()
    call_command("seed_demo")
    out = capsys.readouterr().out
    for login in ("organizer", "head", "ref1", "ref2"):
        assert login in out
    season = Season.objects.get(slug="shenzhen-2026")
    assert season.entries.count() == 20
    assert season.entries.filter(status="qualified").count() == 16
    assert season.phase == Season.Phase.KNOCKOUT and season.draw_seed is not None
    assert season.matches.filter(stage="group", status="finished").count() == 24
    assert season.matches.get(slot="QF2").status == Match.Status.LIVE
    assert Replacement.objects.filter(entry__season=season).count() == 1
    assert FailureReport.objects.filter(status="approved").count() == 1
    assert Team.objects.exclude(name_zh="").count() == Team.objects.count()
    assert len({t.country for t in Team.objects.all()}) >= 5
    assert {t.kind for t in Team.objects.all()} >= {"university", "company", "institute"}
    # a tie broken beyond head-to-head in group A
    group_a = next(t for t in season_standings(season=season) if t.group.name == "A")
    assert any(r.separated_by not in (None, "points", "head_to_head") for r in group_a.rows)
    assert not Placing.objects.exists()
    call_command("seed_demo", "--if-empty")
    assert Season.objects.count() == 2


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_serves_a_page_that_names_the_demo_season(tmp_path):
    """The README's run command, end to end: migrate, demo season, server, printed logins."""
    import signal
    import time
    import urllib.request

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    log = open(tmp_path / "run.log", "w+")
    proc = subprocess.Popen(["make", "run", f"PORT={port}", f"PYTHON={sys.executable}"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    body = ""
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    log.seek(0)
    output = log.read()
    assert "Shenzhen" in body, output[-3000:]
    assert "organizer" in output and "ref1" in output
