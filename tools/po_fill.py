#!/usr/bin/env python3
"""Fill the Chinese catalogs from a JSON file of translations, so several branches can add strings
without fighting over the .po files.

  tools/i18n.sh                                   extract (new strings appear untranslated)
  .venv/bin/python tools/po_fill.py --missing     print the untranslated msgids as a JSON skeleton
  .venv/bin/python tools/po_fill.py tr.json       fill them: {"msgid": {"zh_Hant": "...", "zh_Hans": "..."}}
  tools/i18n.sh compile                           compile the .mo files

On a rebase conflict in league/locale: take main's catalogs, run tools/i18n.sh, then po_fill.py with
your JSON again and compile.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("zh_Hant", "zh_Hans")


def catalog(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "league" / "locale" / lang / "LC_MESSAGES" / "django.po"),
                        wrapwidth=79)


def missing() -> dict:
    todo: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        for entry in catalog(lang):
            if entry.obsolete:
                continue
            done = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
            if not done or "fuzzy" in entry.flags:
                todo.setdefault(entry.msgid, {"zh_Hant": "", "zh_Hans": ""})
    return todo


def fill(translations: dict) -> int:
    changed = 0
    for lang in LANGS:
        po = catalog(lang)
        before = changed
        for entry in po:
            text = translations.get(entry.msgid, {}).get(lang)
            if not text:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgctxt = None  # a "#|" line left alone breaks msgfmt
                entry.previous_msgid_plural = None
            changed += 1
        if changed > before:
            po.save()
    return changed


if __name__ == "__main__":
    if sys.argv[1:] == ["--missing"]:
        print(json.dumps(missing(), ensure_ascii=False, indent=1))
    elif len(sys.argv) == 2:
        print(f"filled {fill(json.loads(Path(sys.argv[1]).read_text(encoding='utf-8')))} entries")
    else:
        sys.exit(__doc__)
