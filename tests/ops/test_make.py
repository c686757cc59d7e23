"""The Makefile installs what each command needs: `make run` and `make serve` production's
packages only (requirements.txt), `make test`, `make lint` and the benchmarks the development
set too; each install is redone only when its requirements change (two stamp files)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = "pip install --quiet -r requirements.txt"
DEV = "pip install --quiet -r requirements-dev.txt"


@pytest.fixture
def venv(tmp_path) -> Path:
    return tmp_path / "venv"


def plan(target: str, venv: Path) -> str:
    """What make would run (-n: nothing is run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    result = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("target", ["run", "serve"])
def test_run_and_serve_install_only_what_production_runs(target, venv):
    steps = plan(target, venv)
    assert f"-m venv {venv}" in steps and BASE in steps
    assert "requirements-dev.txt" not in steps


def test_serve_starts_the_production_script(venv):
    assert "tools/serve.sh" in plan("serve", venv)


@pytest.mark.parametrize("target", ["test", "lint", "bench-public"])
def test_tests_lint_and_benchmarks_install_the_development_set(target, venv):
    steps = plan(target, venv)
    assert BASE in steps and DEV in steps
    assert steps.index(BASE) < steps.index(DEV)


def test_each_stamp_is_redone_only_when_out_of_date(venv):
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / ".installed").touch()
    (venv / ".installed-dev").touch()
    assert "pip install" not in plan("test", venv)  # both up to date
    os.utime(venv / ".installed-dev", (0, 0))  # older than requirements-dev.txt
    steps = plan("test", venv)
    assert DEV in steps and BASE not in steps
    assert "pip install" not in plan("run", venv)  # production's packages are still current


def test_ci_lints_with_the_development_set_installed():
    script = (ROOT / ".ci" / "run").read_text()
    assert "make install-dev" in script and script.index("make install-dev") < script.index("ruff check")


def _make(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "ALLOWED_HOSTS"}
    result = subprocess.run(["make", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_host_serves_the_venue_network_and_allows_the_machines_addresses(venv):
    """Issue 9, item 7: referees' phones on the venue Wi-Fi reach `make run HOST=0.0.0.0`."""
    assert "runserver --noreload 127.0.0.1:8000" in plan("run", venv)  # the default: this machine
    steps = _make("-n", "run", f"VENV={venv}", "HOST=0.0.0.0")
    assert "runserver --noreload 0.0.0.0:8000" in steps and "Venue network" in steps
    shown = "print-hosts: ; @echo $(ALLOWED_HOSTS)"
    hosts = _make(f"--eval={shown}", "print-hosts", "HOST=0.0.0.0").strip().split(",")
    addresses = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    assert hosts[:3] == ["127.0.0.1", "localhost", "0.0.0.0"]
    assert hosts[3:] == [f"[{a}]" if ":" in a else a for a in addresses]  # IPv6 in brackets
    assert "" not in hosts
    assert _make(f"--eval={shown}", "print-hosts").strip() == ""  # the settings' own default
