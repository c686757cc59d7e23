"""The Chinese catalogs (繁體中文 zh_Hant, 简体中文 zh_Hans): complete, consistent, compiled.

The catalogs live in league/locale and are regenerated with tools/i18n.sh. The .po files are read
with a small parser and the committed .mo files with the standard library, so these tests need
neither polib nor GNU gettext; the one test that re-extracts the strings is skipped without it.
"""
from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "league" / "locale"
LANGS = {"zh-hant": "zh_Hant", "zh-hans": "zh_Hans"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key GNU gettext (and Python's gettext) use: context EOT msgid."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """A .po file as (header entry, message entries); obsolete (#~) entries are dropped."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None

    def flush():
        nonlocal current
        if target is not None or current.msgstr:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and current.msgstr:
                flush()
                target = None
            if line.startswith("#,"):
                current.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            if keyword in ("msgctxt", "msgid") and current.msgstr:
                flush()
            if keyword == "msgctxt":
                target = ("msgctxt", None)
                current.msgctxt = ""
                current.line = number
            elif keyword == "msgid":
                target = ("msgid", None)
                current.line = current.line or number
            elif keyword == "msgid_plural":
                target = ("msgid_plural", None)
                current.msgid_plural = ""
            elif keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                target = ("msgstr", index)
                current.msgstr[index] = ""
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
        name, index = target
        if name == "msgstr":
            current.msgstr[index] += value
        else:
            setattr(current, name, getattr(current, name) + value)
    flush()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def catalog(lang: str) -> tuple[Entry, list[Entry]]:
    return parse_po(LOCALE / LANGS[lang] / "LC_MESSAGES" / "django.po")


# Named and positional printf placeholders, str.format fields, HTML tags and rule ids (R4, R12).
TOKENS = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-zA-Z][^>]*>|\bR\d{1,2}\b")


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    header, entries = catalog(lang)
    assert "fuzzy" not in header.flags
    assert f"Language: {LANGS[lang]}" in header.msgstr[0]
    assert len(entries) > 500  # the whole project, not an empty extraction
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated in {lang}: run tools/i18n.sh"
    assert fuzzy == [], f"fuzzy entries in {lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders_html_and_rule_ids(lang):
    _header, entries = catalog(lang)
    wrong = []
    for e in entries:
        expected = set(TOKENS.findall(e.msgid)) | set(TOKENS.findall(e.msgid_plural or ""))
        for text in e.msgstr.values():
            if set(TOKENS.findall(text)) != expected:
                wrong.append((e.msgid, text))
            if not re.search(r"[\u4e00-\u9fff]", text) and e.msgid not in ("English",) \
                    and re.search(r"[a-z]{3,}", e.msgid):
                wrong.append((e.msgid, f"not Chinese: {text}"))
    assert wrong == []


def test_both_languages_translate_the_same_strings():
    hant = {e.key for e in catalog("zh-hant")[1]}
    hans = {e.key for e in catalog("zh-hans")[1]}
    assert hant == hans


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_mo_matches_the_po(lang):
    """The committed .mo is what the .po says, so a machine without gettext serves the same text."""
    _header, entries = catalog(lang)
    mo = LOCALE / LANGS[lang] / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = {}
    for e in entries:
        if e.msgid_plural is not None:
            for index, text in e.msgstr.items():
                expected[(e.key, index)] = text
        else:
            expected[e.key] = e.msgstr[0]
    compiled.pop("", None)  # the header
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, f"{mo} is stale for {len(stale)} strings: run tools/i18n.sh compile"


@pytest.mark.parametrize(("lang", "texts"), [
    ("zh-hant", {"Knockout": "淘汰賽", "Group stage": "小組賽", "Manual reset": "人工復位",
                 "Champion": "冠軍", "primary robot": "主戰機器人", "backup robot": "備用機器人"}),
    ("zh-hans", {"Knockout": "淘汰赛", "Group stage": "小组赛", "Manual reset": "人工复位",
                 "Champion": "冠军", "primary robot": "主战机器人", "backup robot": "备用机器人"}),
])
def test_the_league_own_chinese_terms_are_used(lang, texts):
    with translation.override(lang):
        assert {k: translation.gettext(k) for k in texts} == texts
        # "Knockout" the season phase is 淘汰賽; "Knockout" how a round was won is 擊倒 (a context).
        assert translation.pgettext("round method", "Knockout") == ("擊倒" if lang == "zh-hant" else "击倒")


@pytest.mark.parametrize(("lang", "home", "login"), [
    ("zh-hant", ["機器人格鬥聯賽", "所有賽季", '<html lang="zh-hant">'], ["裁判登入", "使用者名稱", "密碼"]),
    ("zh-hans", ["机器人格斗联赛", "所有赛季", '<html lang="zh-hans">'], ["裁判登录", "用户名", "密码"]),
])
def test_pages_render_in_chinese(client, db, lang, home, login):
    page = client.get(reverse("public:home"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert all(text in page for text in home), page[:400]
    client.cookies["django_language"] = lang
    page = client.get(reverse("referee:login")).content.decode()
    assert all(text in page for text in login)
    assert "Referee sign-in" not in page


def test_a_rule_violation_reads_in_chinese():
    """Services build their refusals from translated pieces (the phase names, what was tried)."""
    from league.errors import RuleViolation
    from league.models import Season
    from league.services.common import require_phase

    with translation.override("zh-hant"), pytest.raises(RuleViolation) as refused:
        require_phase(Season(phase="draw"), "registration", rule="R1",
                      doing=translation.gettext("Applying"))
    assert refused.value.text == "R1: 只有在「報名」階段才能報名；本賽季目前處於「抽籤」階段。"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalog_covers_every_marked_string(tmp_path):
    """Re-extract into a copy of the project: a string marked since the last tools/i18n.sh fails
    here (run the script and translate the new entries)."""
    copy = tmp_path / "src"
    for name in ("config", "league", "templates", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, copy / name)
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hant", "--no-obsolete",
                    "--no-location", "--no-wrap"], cwd=copy, check=True, capture_output=True)
    fresh = {e.key for e in parse_po(copy / "league/locale/zh_Hant/LC_MESSAGES/django.po")[1]
             if "fuzzy" in e.flags or not all(s.strip() for s in e.msgstr.values())}
    assert fresh == set(), f"new strings to translate: {sorted(fresh)[:20]}"


def test_dates_follow_the_language():
    """Dates are written in the reader's order: "Fri 27 Nov, 14:00", "11月27日（星期五） 14:00"."""
    import datetime as dt

    from league.datefmt import date_format

    moment = dt.datetime(2026, 11, 27, 14, 0)
    expected = {"en": "Fri 27 Nov, 14:00", "zh-hant": "11月27日（星期五） 14:00",
                "zh-hans": "11月27日（星期五） 14:00"}
    for lang, text in expected.items():
        with translation.override(lang):
            assert date_format(moment, "D j M, H:i") == text
    with translation.override("zh-hans"):
        assert date_format(moment.date(), "l j F Y") == "2026年11月27日 星期五"
    with pytest.raises(ValueError):
        date_format(moment, "j/n")  # a format missing from the catalogs is refused


def test_every_date_format_the_pages_use_is_translatable():
    from league.datefmt import FORMATS

    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r'\|ldate:"([^"]+)"', path.read_text(encoding="utf-8")))
    for path in (ROOT / "league").rglob("*.py"):
        used |= set(re.findall(r'date_format\([^,]+, "([^"]+)"\)', path.read_text(encoding="utf-8")))
    assert len(used) >= 8
    assert used <= set(FORMATS)
    plain = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
             if re.search(r'\|date:"[^"]*[DlMFNEb][^"]*"', p.read_text(encoding="utf-8"))]
    assert plain == [], "month or weekday names in a fixed English order: use |ldate"


def test_every_audit_action_has_a_label():
    """The audit trail shows what happened in words, not the stored code (season_phase, draw_run)."""
    from league.models import Entry
    from league.models.audit import ACTION_LABELS

    codes = set()
    for path in (ROOT / "league").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"audit\((?:[^()]|\([^()]*\))*\)", text):
            codes |= set(re.findall(r'action="(\w+)"', call.group(0)))
    codes |= {f"entry_{status}" for status in Entry.Status.values}
    assert {"draw_run", "season_phase", "round_recorded"} <= codes
    assert codes - set(ACTION_LABELS) == set()
    with translation.override("zh-hant"):
        assert str(ACTION_LABELS["draw_run"]) == "已進行小組抽籤"
