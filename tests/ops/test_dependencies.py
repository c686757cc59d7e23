"""Production installs requirements.txt only (make run, make serve): the app must start, load
every module and build the demo without any package of requirements-dev.txt. The import scan of
tests/test_architecture.py reads the source; this runs the code with those packages hidden."""
from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.test_architecture import canonical, requirement_names, with_dependencies

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: hide the dev-only modules, start Django, import every module of
# league/ and config/, resolve every URL pattern, run the system checks.
HIDE = r"""
import importlib, pkgutil, sys
HIDDEN = set(sys.argv[1].split(","))

class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"{name} is a development package (requirements-dev.txt)")
        return None

sys.meta_path.insert(0, Hide())
"""
PROBE = HIDE + r"""
import django
django.setup()
import config, league
names = []
for package in (config, league):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations." not in info.name:
            importlib.import_module(info.name)
            names.append(info.name)
import config.asgi, config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
from django.core.management import call_command
call_command("check")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HIDDEN)
assert not loaded, loaded
print("loaded", len(names), "modules")
"""


def dev_only_modules() -> set[str]:
    production = with_dependencies(requirement_names(ROOT / "requirements.txt"))
    dev_only = with_dependencies(requirement_names(ROOT / "requirements-dev.txt")) - production
    return {module for module, dists in packages_distributions().items()
            if {canonical(d) for d in dists} & dev_only and not module.startswith("_")}


def test_the_app_loads_every_module_without_development_packages():
    hidden = dev_only_modules()
    assert {"factory", "pytest", "hypothesis", "playwright", "gunicorn", "polib"} <= hidden
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="probe-" + "x" * 50)
    result = subprocess.run([sys.executable, "-c", PROBE, ",".join(sorted(hidden))], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = [line for line in result.stdout.splitlines() if line.startswith("loaded ")]
    assert loaded and int(loaded[0].split()[1]) > 50, result.stdout


def test_the_probe_notices_a_development_import():
    result = subprocess.run([sys.executable, "-c", HIDE + "import json\nimport factory\n", "factory"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "factory is a development package" in result.stderr
