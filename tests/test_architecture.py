"""The layers, checked over the source (plain AST, no import of the code it reads):

- league data is written only by league/services: everything else under league/ (the admin,
  the views, the teams' site, the protests, the exchange and the imports, the jobs, the push, the
  demo, the management commands, the forms, the selectors) calls services and never saves,
  creates, updates or deletes rows itself;
- league/rules is pure: it imports nothing of Django;
- league code never imports tests;
- league/ and config/ import only what production installs (requirements.txt and what it pulls
  in), never a test, lint or benchmark package of requirements-dev.txt.

Each check is also run on a deliberate violation planted in a temporary league/ tree (the
``test_the_..._fails_the_suite_...`` tests), so it is known to fail when it should.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEAGUE = ROOT / "league"

# The parts of league/ that may write rows: the services, and the models and migrations they
# use. Everything else under league/ is checked, so a new package (the teams' site, the jobs, the
# push, a future import package...) is covered the day it is added. rules/ is pure Python (no
# Django, so no rows; the next check).
WRITERS = {"services", "models", "migrations", "rules"}
WRITE_METHODS = {"save", "create", "update", "delete", "bulk_create", "bulk_update",
                 "get_or_create", "update_or_create", "save_base", "full_clean_and_save"}
# Method calls of these names that are not model writes (dicts, sets, forms...).
NOT_MODEL = {"dict", "set", "ctx", "ctx_forms", "data", "extra_context", "context", "kwargs",
             "headers", "response"}

# Direct writes that must stay, each with its reason. Nothing else is allowed.
ALLOWED = {
    # Accounts are Django's users, not league data; no league service manages them (yet).
    ("league/demo.py", "user.save"),
    # Files, not rows: a resized photo written to a buffer, and the private storage's own
    # save/delete of an upload (the row that names the file is written by the service).
    ("league/uploads.py", "image.convert(...).save"),
    ("league/uploads.py", "private_storage(...).save"),
    ("league/uploads.py", "private_storage(...).delete"),
}


def _describe(node: ast.AST) -> str:
    """`Match.objects.filter(...).update` for the receiver chain of a call."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_describe(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_describe(node.func)}(...)"
    return type(node).__name__


def _root_name(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def direct_writes(source: str) -> list[tuple[int, str]]:
    """The calls in ``source`` that write rows themselves: `obj.save()`, `X.objects.create()`,
    `qs.update()`, `x.delete()`, `bulk_create`... (line, call)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in WRITE_METHODS:
            continue
        receiver = node.func.value
        if name == "update" and (_root_name(receiver) in NOT_MODEL or isinstance(receiver, ast.Dict)
                                 or (isinstance(receiver, ast.Attribute) and receiver.attr == "__dict__")):
            continue  # dict.update / context.update
        if name == "update" and node.args and not node.keywords:
            continue  # QuerySet.update takes keywords only: d.update({...}) / s.update(items)
        if name == "save" and any(k.arg == "commit" for k in node.keywords):
            continue  # a ModelForm asked for its unsaved instance
        found.append((node.lineno, _describe(node.func)))
    return found


def django_imports(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [(node.lineno, n) for n in names if n == "django" or n.startswith("django.")]
    return found


def test_imports(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "tests"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "tests":
            found.append((node.lineno, node.module))
    return found


test_imports.__test__ = False  # a checker, not a test


def checked_files() -> list[Path]:
    """Every module of league/ outside WRITERS."""
    return [p for p in sorted(LEAGUE.rglob("*.py"))
            if p.relative_to(LEAGUE).parts[0] not in WRITERS]


def _files(*parts: str) -> list[Path]:
    out = []
    for part in parts:
        path = LEAGUE / part
        if path.is_dir():
            out += sorted(path.rglob("*.py"))
        elif path.exists():
            out.append(path)
    return out


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- the checks on the code --------------------------------------------------------------------

def test_only_services_write_league_data():
    offenders, used = [], set()
    for path in checked_files():
        for line, call in direct_writes(path.read_text(encoding="utf-8")):
            key = (_rel(path), call)
            if key in ALLOWED:
                used.add(key)
            else:
                offenders.append(f"{_rel(path)}:{line} {call}()")
    assert not offenders, "write through league.services instead:\n" + "\n".join(offenders)
    assert not ALLOWED - used, f"allow-list entries that no longer match anything: {ALLOWED - used}"


def test_rules_are_pure_python():
    offenders = [f"{_rel(p)}:{line} imports {name}" for p in _files("rules")
                 for line, name in django_imports(p.read_text(encoding="utf-8"))]
    assert not offenders, "\n".join(offenders)


def test_league_code_never_imports_tests():
    offenders = [f"{_rel(p)}:{line} imports {name}" for p in _files(".")
                 for line, name in test_imports(p.read_text(encoding="utf-8"))]
    assert not offenders, "\n".join(offenders)


def test_factory_boy_is_not_needed_at_runtime():
    offenders = [_rel(p) for p in _files(".") if any(
        n == "factory" or n.startswith("factory.") for _, n in _imports(p.read_text(encoding="utf-8")))]
    assert not offenders


CACHE_CALLS = {"patch_cache_control", "add_never_cache_headers", "cache_control", "never_cache",
               "cache_page", "patch_response_headers"}


def cache_header_writes(source: str) -> list[tuple[int, str]]:
    """Where ``source`` sets caching itself: ``response["Cache-Control"] = ...`` or Django's
    cache decorators and helpers (line, what)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) \
                and isinstance(node.slice, ast.Constant) and str(node.slice.value).lower() == "cache-control":
            found.append((node.lineno, "Cache-Control"))
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in CACHE_CALLS and not isinstance(getattr(node, "ctx", None), ast.Store):
                found.append((node.lineno, name))
    return found


def test_http_caching_is_declared_only_in_http_cache():
    """Point 4 of issue 8: views declare (@public_cached, @uncached, @private) and only render;
    the headers are written in league/http_cache.py alone."""
    offenders = [f"{_rel(p)}:{line} {what}" for p in _files(".") if p.name != "http_cache.py"
                 for line, what in cache_header_writes(p.read_text(encoding="utf-8"))]
    assert not offenders, "declare it with league.http_cache instead:\n" + "\n".join(offenders)


def _imports(source: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            out.append((node.lineno, node.module or ""))
    return out


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path: Path) -> set[str]:
    """The distributions a requirements file names itself (not those of its ``-r`` files)."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(re.split(r"[\[=<>!~; ]", line, maxsplit=1)[0]))
    return names


def with_dependencies(names: set[str]) -> set[str]:
    """The distributions and, recursively, what they require (extras and markers aside)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        todo += [canonical(re.split(r"[\[=<>!~; (]", need, maxsplit=1)[0])
                 for need in needs if "extra ==" not in need]
    return seen


FIRST_PARTY = {"league", "config"}


def outside_production(modules: list[tuple[int, str]], production: set[str],
                       owners: dict[str, list[str]]) -> list[tuple[int, str]]:
    """The imported modules that no production distribution provides."""
    found = []
    for line, module in modules:
        top = module.split(".")[0]
        if not top or top in FIRST_PARTY or top in sys.stdlib_module_names:
            continue
        if not {canonical(d) for d in owners.get(top, [])} & production:
            found.append((line, module))
    return found


def _configured_modules() -> list[tuple[int, str]]:
    """Modules the settings name as strings: apps, middleware, backends."""
    from django.conf import settings

    names = [*settings.INSTALLED_APPS, *settings.MIDDLEWARE, *settings.AUTHENTICATION_BACKENDS,
             *(c["BACKEND"] for c in settings.CACHES.values()),
             *(s["BACKEND"] for s in settings.STORAGES.values()),
             *(d["ENGINE"] for d in settings.DATABASES.values())]
    return [(0, name) for name in names]


def test_runtime_code_imports_only_production_packages():
    production = with_dependencies(requirement_names(ROOT / "requirements.txt"))
    dev_only = requirement_names(ROOT / "requirements-dev.txt") - production
    assert {"pytest", "factory-boy", "hypothesis", "ruff"} <= dev_only
    owners = packages_distributions()
    offenders = [f"{_rel(p)}:{line} imports {name}"
                 for p in [*_files("."), *sorted((ROOT / "config").rglob("*.py"))]
                 for line, name in outside_production(_imports(p.read_text(encoding="utf-8")),
                                                      production, owners)]
    offenders += [f"settings name {name}"
                  for _, name in outside_production(_configured_modules(), production, owners)]
    assert not offenders, "production does not install these (requirements.txt):\n" + "\n".join(offenders)


# --- the checkers catch a deliberate violation ------------------------------------------------

VIOLATING_VIEW = '''
from league.models import Match, Season, Team

def sneaky(request, pk):
    team = Team.objects.get(pk=pk)
    team.name_en = request.POST["name"]
    team.save()
    Season.objects.filter(pk=1).update(phase="finished")
    Match.objects.create(slot="X1")
    Match.objects.bulk_create([])
    team.delete()
    context = {}
    context.update({"ok": True})   # a dict: not a write
    return context
'''


def test_the_write_checker_reports_a_deliberate_violation():
    found = [call for _line, call in direct_writes(VIOLATING_VIEW)]
    assert found == ["team.save", "Season.objects.filter(...).update", "Match.objects.create",
                     "Match.objects.bulk_create", "team.delete"]


def _plant(tmp_path, monkeypatch, where: str, source: str) -> None:
    """A league/ tree in tmp_path holding one module ``where`` with ``source``; the checks run
    over it instead of the real one."""
    path = tmp_path / "league" / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    module = sys.modules[__name__]
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "LEAGUE", tmp_path / "league")
    monkeypatch.setattr(module, "ALLOWED", set())


# The old faces and the newer ones (the teams' site, protests, jobs, push), a module at the top
# of league/, and a package that does not exist yet: the check covers each.
@pytest.mark.parametrize("where", ["views/sneaky.py", "admin/sneaky.py", "exchange/sneaky.py",
                                   "views/teamsite.py", "views/protests.py", "jobs/notify.py",
                                   "push/views.py", "management/commands/sneaky.py", "demo.py",
                                   "imports/sneaky.py"])
def test_the_write_checker_fails_the_suite_on_a_violating_file(tmp_path, monkeypatch, where):
    _plant(tmp_path, monkeypatch, where, VIOLATING_VIEW)
    with pytest.raises(AssertionError, match=rf"league/{where}:7 team.save\(\)"):
        test_only_services_write_league_data()


def test_the_write_checker_lets_the_services_write(tmp_path, monkeypatch):
    _plant(tmp_path, monkeypatch, "services/teams.py", VIOLATING_VIEW)
    test_only_services_write_league_data()


def test_the_purity_checker_fails_the_suite_on_django_in_rules(tmp_path, monkeypatch):
    _plant(tmp_path, monkeypatch, "rules/sneaky.py", "from django.db import models\n")
    with pytest.raises(AssertionError, match=r"league/rules/sneaky.py:1 imports django.db"):
        test_rules_are_pure_python()


def test_the_tests_checker_fails_the_suite_on_league_code_importing_tests(tmp_path, monkeypatch):
    _plant(tmp_path, monkeypatch, "jobs/sneaky.py", "x = 1\nfrom tests.factories import TeamFactory\n")
    with pytest.raises(AssertionError, match=r"league/jobs/sneaky.py:2 imports tests.factories"):
        test_league_code_never_imports_tests()


def test_the_cache_checker_fails_the_suite_on_a_view_setting_its_own_header(tmp_path, monkeypatch):
    _plant(tmp_path, monkeypatch, "views/sneaky.py",
           "from django.views.decorators.cache import never_cache\n\n\n@never_cache\ndef v(request):\n"
           "    response = render(request)\n    response['Cache-Control'] = 'public, max-age=60'\n"
           "    return response\n")
    with pytest.raises(AssertionError) as info:
        test_http_caching_is_declared_only_in_http_cache()
    assert "league/views/sneaky.py:4 never_cache" in str(info.value)
    assert "league/views/sneaky.py:7 Cache-Control" in str(info.value)


def test_the_purity_checker_reports_django_in_rules():
    assert django_imports("import django\nfrom django.db import models\nimport random\n") == [
        (1, "django"), (2, "django.db")]


def test_the_tests_checker_reports_an_import_of_tests():
    assert test_imports("from tests import factories\nimport tests.factories\nfrom . import x\n") == [
        (1, "tests"), (2, "tests.factories")]


def test_the_production_checker_reports_test_packages():
    production = with_dependencies(requirement_names(ROOT / "requirements.txt"))
    source = "import json\nimport factory\nfrom hypothesis import given\nfrom django.db import models\n" \
             "from league import demo\nimport redis\n"
    assert outside_production(_imports(source), production, packages_distributions()) == [
        (2, "factory"), (3, "hypothesis")]
