"""League data in three languages: English, 简体 (zh-hans) and 繁體 (zh-hant).

A translated text lives in three fields named after its English field ("stem"):

    stem (or stem_en)   English          Team.name_en, Season.city, Reward.description
    stem_zh             简体中文          Team.name_zh, Season.city_zh, Reward.description_zh
    stem_zh_hant        繁體中文          Team.name_zh_hant, Season.city_zh_hant, ...

``name_zh`` was the one Chinese field before 繁體 existed and always held 简体, so "_zh" means
简体 everywhere and the older field names (feed, season files, CSV imports) keep their meaning.

- ``propose_hant`` fills a 繁體 field the writer left blank from its 简体 one with OpenCC
  (``s2hk``: characters and the glyph forms used in Hong Kong, where the league's 繁體 readers
  are, e.g. 眾 and 擂台 rather than OpenCC's reference forms 衆 and 擂臺; no vocabulary swaps
  such as s2twp's, so a proper name stays itself). The services call it; a 繁體 text given is
  kept as typed.
- ``pick`` reads a text in a language, falling back 繁體 -> 简体 -> English when one is blank.
- ``script`` maps a language code (the page's, ``?lang=`` of the feed) to en / zh-hans / zh-hant.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.utils import translation

EN, HANS, HANT = "en", "zh-hans", "zh-hant"
SCRIPTS = (EN, HANS, HANT)

OPENCC_CONFIG = "s2hk"
# Language codes that mean traditional characters (BCP 47 script or region).
_HANT_CODES = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


@cache
def _converter():
    import opencc  # the wheel ships its dictionaries: works offline

    return opencc.OpenCC(OPENCC_CONFIG)


def to_hant(text: str) -> str:
    """简体 -> 繁體 (OpenCC, OPENCC_CONFIG)."""
    return _converter().convert(text) if text else text


def script(language: str | None = None) -> str:
    """The script of a language code: ``zh-hant``, ``zh-TW`` -> zh-hant; ``zh``, ``zh-hans``,
    ``zh-CN`` -> zh-hans; anything else -> en. None means the active language."""
    code = (language if language is not None else translation.get_language() or EN).lower()
    code = code.replace("_", "-")
    if code.startswith(_HANT_CODES):
        return HANT
    if code == "zh" or code.startswith("zh-"):
        return HANS
    return EN


def parse_script(value: str | None) -> str | None:
    """A language asked for by name (the feed's ``?lang=``): exactly one of SCRIPTS, or None."""
    return value if value in SCRIPTS else None


def _fields(obj, stem: str) -> tuple[str, str, str]:
    english = f"{stem}_en" if hasattr(obj, f"{stem}_en") else stem
    return english, f"{stem}_zh", f"{stem}_zh_hant"


def pick(obj, stem: str, language: str | None = None) -> str:
    """``obj``'s ``stem`` text in ``language`` (default: the active one): 繁體 falls back to
    简体, 简体 to English, so a blank translation shows the nearest one there is."""
    english, hans, hant = _fields(obj, stem)
    wanted = script(language)
    order = {EN: (english,), HANS: (hans, english), HANT: (hant, hans, english)}[wanted]
    for name in order:
        value = getattr(obj, name, "") or ""
        if value:
            return value
    return ""


def chinese(obj, stem: str, language: str | None = None) -> str:
    """``obj``'s Chinese ``stem`` in the script of ``language``: 繁體 on a zh-hant page, 简体
    otherwise (a team's name is shown in both English and Chinese on every page)."""
    _english, hans, hant = _fields(obj, stem)
    if script(language) == HANT:
        return getattr(obj, hant, "") or getattr(obj, hans, "") or ""
    return getattr(obj, hans, "") or ""


def propose_hant(fields: dict, stems: Iterable[str], current=None) -> dict:
    """``fields`` with each blank ``<stem>_zh_hant`` proposed from its 简体 text: the
    ``<stem>_zh`` among ``fields``, else ``current``'s (the row an update changes). A missing
    ``<stem>_zh_hant`` is proposed only when ``fields`` bring a new 简体 text: an update that
    touches neither leaves the 繁體 one alone."""
    out = dict(fields)
    for stem in stems:
        hans, hant = f"{stem}_zh", f"{stem}_zh_hant"
        if (out.get(hant) or "").strip():
            continue
        if isinstance(out.get(hans), str):
            out[hant] = to_hant(out[hans].strip())
        elif hant in out and current is not None:
            out[hant] = to_hant(getattr(current, hans, "") or "")
    return out


def split_list(value: str) -> list[str]:
    """A comma list (Season.rings and its translations), each item stripped; empty items kept
    so the positions line up with the English list."""
    return [item.strip() for item in value.split(",")] if value and value.strip() else []
