"""The season file: its shape, value encodings, canonical order and structural check.

docs/season-format.md documents the same format for people; this module is what the code holds
to. A file is refused here, before anything touches the database, when its shape is wrong
(format name or version, a missing or unknown key, a wrong type or value) or when it names
something it does not define (a user, a team, a robot, a match slot, a failure report).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..zh import to_hant
from .errors import FormatError, ImportRefused  # noqa: F401  (re-exported: the one refusal)

FORMAT = "robot-league-season"
VERSION = 1

ROLES = ("head_referee", "organizer", "referee")
SEASON_PHASES = ("registration", "auditions", "draw", "group_stage", "knockout", "finished")
ENTRY_STATUSES = ("applied", "audition_passed", "audition_rejected", "qualified", "withdrawn")
MEMBER_ROLES = ("operator", "substitute_operator", "technical_staff", "coach")
TEAM_KINDS = ("university", "company", "institute", "other")
ROBOT_ROLES = ("primary", "backup")
ROBOT_STATUSES = ("ready", "failed")
STAGES = ("group", "quarterfinal", "semifinal", "third_place", "final")
MATCH_STATUSES = ("scheduled", "checked_in", "live", "finished", "forfeited")
CORNERS = ("red", "blue")
MATCH_METHODS = ("ko", "tko", "points", "overtime", "forfeit", "dq")
ROUND_METHODS = ("ko", "tko", "points", "overtime")
ALLOWANCE_KINDS = ("manual_reset", "tactical_timeout", "emergency_repair")
FAILURE_STATUSES = ("pending", "approved", "rejected")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# --- value encodings ------------------------------------------------------------------------

def dt_out(value: dt.datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a Z; microseconds only when there are any."""
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def dt_in(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def money_out(value: Decimal) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


# --- the schema -----------------------------------------------------------------------------

class Spec:
    def check(self, value: Any, path: str) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class Str(Spec):
    def __init__(self, max_length: int | None = None, *, blank: bool = True, pattern: str | None = None):
        self.max_length = max_length
        self.blank = blank
        self.pattern = re.compile(pattern) if pattern else None

    def check(self, value, path):
        if not isinstance(value, str):
            raise FormatError(path, f"expected a string, got {_kind(value)}")
        if not self.blank and not value.strip():
            raise FormatError(path, "must not be empty")
        if self.max_length is not None and len(value) > self.max_length:
            raise FormatError(path, f"at most {self.max_length} characters, got {len(value)}")
        if self.pattern and not self.pattern.fullmatch(value):
            raise FormatError(path, f"{value!r} does not match {self.pattern.pattern}")

    def describe(self):
        return "string"


class Int(Spec):
    def __init__(self, lo: int | None = None, hi: int | None = None):
        self.lo, self.hi = lo, hi

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            raise FormatError(path, f"expected a whole number, got {_kind(value)}")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise FormatError(path, f"{value} is out of range {self.lo}..{self.hi}")

    def describe(self):
        return "integer"


class Bool(Spec):
    def check(self, value, path):
        if not isinstance(value, bool):
            raise FormatError(path, f"expected true or false, got {_kind(value)}")

    def describe(self):
        return "boolean"


class Enum(Spec):
    def __init__(self, values):
        self.values = tuple(values)

    def check(self, value, path):
        if value not in self.values or isinstance(value, bool):
            raise FormatError(path, f"{value!r} is not one of {', '.join(map(str, self.values))}")

    def describe(self):
        return " | ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in self.values)


class Parsed(Spec):
    """A string that a parser must accept (dates, times, instants, money)."""

    def __init__(self, name: str, parse: Callable[[str], Any], hint: str):
        self.name, self.parse, self.hint = name, parse, hint

    def check(self, value, path):
        if not isinstance(value, str):
            raise FormatError(path, f"expected {self.hint}, got {_kind(value)}")
        try:
            self.parse(value)
        except (ValueError, InvalidOperation, TypeError) as exc:
            raise FormatError(path, f"{value!r} is not {self.hint}") from exc

    def describe(self):
        return self.name


def _instant(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive")
    return parsed


def _money(value: str) -> Decimal:
    if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", value):
        raise ValueError(value)
    return Decimal(value)


INSTANT = Parsed("instant", _instant, "an ISO 8601 instant in UTC such as 2026-03-06T06:00:00Z")
DATE = Parsed("date", dt.date.fromisoformat, "a date such as 2026-03-06")
TIME = Parsed("time", dt.time.fromisoformat, "a time of day such as 14:00:00")
MONEY = Parsed("money", _money, "an amount as a string such as \"10000000.00\"")


class Null(Spec):
    def __init__(self, inner: Spec):
        self.inner = inner

    def check(self, value, path):
        if value is not None:
            self.inner.check(value, path)

    def describe(self):
        return f"{self.inner.describe()} or null"


class ListOf(Spec):
    def __init__(self, item: Spec, max_items: int = 10_000):
        self.item = item
        self.max_items = max_items

    def check(self, value, path):
        if not isinstance(value, list):
            raise FormatError(path, f"expected a list, got {_kind(value)}")
        if len(value) > self.max_items:
            raise FormatError(path, f"at most {self.max_items} items, got {len(value)}")
        for index, item in enumerate(value):
            self.item.check(item, join(path, index))

    def describe(self):
        return f"list of {self.item.describe()}"


class Optional(Spec):
    """A key a file may leave out: one added after files of this version were written (the
    Chinese texts). A file without it reads as ``default(the object)``: what the services would
    have made (the OpenCC proposal for a 繁體 text, nothing for a 简体 one)."""

    def __init__(self, inner: Spec, default: Callable[[dict], Any]):
        self.inner = inner
        self.default = default

    def check(self, value, path):
        self.inner.check(value, path)

    def describe(self):
        return f"{self.inner.describe()} (optional)"


class Obj(Spec):
    def __init__(self, name: str, fields: dict[str, Spec]):
        self.name = name
        self.fields = fields

    def check(self, value, path):
        if not isinstance(value, dict):
            raise FormatError(path, f"expected an object ({self.name}), got {_kind(value)}")
        for key, spec in self.fields.items():
            if key not in value and not isinstance(spec, Optional):
                raise FormatError(join(path, key), "missing")
        for key in value:
            if key not in self.fields:
                raise FormatError(join(path, key), f"unknown key in {self.name}")
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], join(path, key))

    def describe(self):
        return self.name


def _kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


USERNAME = Str(150, blank=False)
SLUG = Str(50, blank=False, pattern=r"[-a-zA-Z0-9_]+")
SERIAL = Str(64, blank=False)
SLOT = Str(8, blank=False)



def translations(stem: str, max_length: int) -> dict[str, Spec]:
    """``<stem>_zh`` (简体) and ``<stem>_zh_hant`` (繁體), optional (league/zh.py)."""
    hans = f"{stem}_zh"
    return {hans: Optional(Str(max_length), lambda obj: ""),
            f"{stem}_zh_hant": Optional(Str(max_length), lambda obj: to_hant(obj.get(hans, "")))}


def hant_of(stem: str, max_length: int) -> dict[str, Spec]:
    """``<stem>_zh_hant`` only, for a 简体 field the format had from the start (``name_zh``)."""
    return {key: spec for key, spec in translations(stem, max_length).items() if key.endswith("_hant")}


REWARD = Obj("reward", {
    "place": Int(1, 5), "description": Str(200), **translations("description", 200),
    "value": MONEY, "currency": Str(3),
})
SEASON = Obj("season", {
    "slug": SLUG, "name": Str(120, blank=False), "name_zh": Str(120), **hant_of("name", 120),
    "city": Str(80), **translations("city", 80), "venue": Str(160), **translations("venue", 160),
    "time_zone": Str(64, blank=False), "starts_on": DATE, "day_start": TIME,
    "rings": Str(120), **translations("rings", 120), "phase": Enum(SEASON_PHASES), "best_of": Int(1, 7),
    "round_minutes": Int(1, 30), "slot_minutes": Int(5, 24 * 60),
    "min_rest_minutes": Int(0, 7 * 24 * 60), "third_place_match": Bool(),
    "draw_seed": Null(Int(-(2**63), 2**63 - 1)), "knockout_seed": Null(Int(-(2**63), 2**63 - 1)),
    "created_at": INSTANT, "rewards": ListOf(REWARD, 5),
})
USER = Obj("user", {"username": USERNAME, "roles": ListOf(Enum(ROLES), 3)})
TEAM = Obj("team", {
    "slug": SLUG, "name_en": Str(120, blank=False), "name_zh": Str(120), **hant_of("name", 120),
    "organization": Str(160),
    "registration_number": Str(64), "kind": Enum(TEAM_KINDS), "country": Str(2),
})
MEMBER = Obj("member", {"name": Str(120, blank=False), "role": Enum(MEMBER_ROLES)})
ROBOT = Obj("robot", {
    "role": Enum(ROBOT_ROLES), "model": Str(80), "serial": SERIAL, "name": Str(80),
    "status": Enum(ROBOT_STATUSES),
})
ENTRY = Obj("entry", {
    "team": SLUG, "status": Enum(ENTRY_STATUSES), "reason": Str(300), "seed": Null(Int(1, 16)),
    "pot": Null(Int(1, 4)), "group": Null(Str(1, blank=False)), "lot": Null(Int(0, 32767)),
    "applied_at": INSTANT, "members": ListOf(MEMBER, 100), "robots": ListOf(ROBOT, 100),
})
GROUP = Obj("group", {"name": Str(1, blank=False), "teams": ListOf(SLUG, 100)})
ROUND = Obj("round", {
    "number": Int(1, 7), "winner": Enum(CORNERS), "method": Enum(ROUND_METHODS),
    "red_points": Int(0, 32767), "blue_points": Int(0, 32767),
    "red_knockdowns": Int(0, 32767), "blue_knockdowns": Int(0, 32767),
    "red_fouls": Int(0, 32767), "blue_fouls": Int(0, 32767),
    "recorded_by": Null(USERNAME), "recorded_at": INSTANT,
})
ALLOWANCE = Obj("allowance", {
    "corner": Enum(CORNERS), "kind": Enum(ALLOWANCE_KINDS), "round": Int(1, 7),
    "recorded_by": Null(USERNAME), "recorded_at": INSTANT,
})
CORRECTION = Obj("correction", {"by": Null(USERNAME), "reason": Str(500, blank=False)})
MATCH = Obj("match", {
    "slot": SLOT, "stage": Enum(STAGES), "group": Null(Str(1, blank=False)),
    "day": Null(Int(1, 32767)), "red": Null(SLUG), "blue": Null(SLUG), "ring": Str(40),
    "scheduled_at": Null(INSTANT), "status": Enum(MATCH_STATUSES),
    "referees": ListOf(USERNAME, 50),
    "red_robot": Null(SERIAL), "blue_robot": Null(SERIAL), "red_seal": Str(32), "blue_seal": Str(32),
    "started_at": Null(INSTANT), "battery_swap": Null(Enum(CORNERS)),
    "rounds": ListOf(ROUND, 50), "allowances": ListOf(ALLOWANCE, 100),
    "winner": Null(SLUG), "red_rounds": Int(0, 32767), "blue_rounds": Int(0, 32767),
    "method": Enum(("", *MATCH_METHODS)), "note": Str(300), "finished_at": Null(INSTANT),
    "signed_off_by": Null(USERNAME), "signed_off_at": Null(INSTANT),
    "corrections": ListOf(CORRECTION, 50),
})
FAILURE = Obj("failure report", {
    "team": SLUG, "robot": SERIAL, "match": Null(SLOT), "description": Str(2000, blank=False),
    "irreversible": Bool(), "status": Enum(FAILURE_STATUSES), "filed_by": USERNAME,
    "filed_at": INSTANT, "decided_by": Null(USERNAME), "decided_at": Null(INSTANT),
    "note": Str(500),
})
REPLACEMENT = Obj("replacement", {
    "team": SLUG, "failure_report": Int(0), "old_robot": SERIAL, "new_robot": SERIAL,
    "recorded_by": USERNAME, "recorded_at": INSTANT,
})
PLACING = Obj("placing", {
    "place": Int(1, 5), "team": SLUG,
    "reward": Obj("placing reward", {"description": Str(200), **translations("description", 200),
                                     "value": MONEY, "currency": Str(3)}),
})
FILE = Obj("season file", {
    "format": Enum((FORMAT,)), "version": Enum((VERSION,)), "season": SEASON,
    "users": ListOf(USER), "teams": ListOf(TEAM), "entries": ListOf(ENTRY), "groups": ListOf(GROUP),
    "matches": ListOf(MATCH), "failure_reports": ListOf(FAILURE), "replacements": ListOf(REPLACEMENT),
    "placings": ListOf(PLACING),
})


def check_structure(data: Any) -> None:
    """Refuse a file whose shape is wrong: format and version first, then every key and type."""
    if not isinstance(data, dict):
        raise FormatError("", f"expected a JSON object, got {_kind(data)}")
    if data.get("format") != FORMAT:
        raise FormatError("format", f"this is not a {FORMAT!r} file (format {data.get('format')!r})")
    if data.get("version") != VERSION:
        raise FormatError("version", f"version {data.get('version')!r} is not supported; this "
                                     f"program reads version {VERSION}")
    FILE.check(data, "")
    check_references(data)


def check_references(data: dict) -> None:
    """Everything the file names must be defined in it: users, teams, robots, slots, reports."""
    _unique(data["users"], "users", "username")
    _unique(data["teams"], "teams", "slug")
    _unique(data["matches"], "matches", "slot")
    _unique(data["season"]["rewards"], "season.rewards", "place")
    users = {u["username"] for u in data["users"]}
    teams = {t["slug"] for t in data["teams"]}
    entered = {e["team"] for e in data["entries"]}
    serials = {r["serial"] for e in data["entries"] for r in e["robots"]}
    slots = {m["slot"] for m in data["matches"]}

    def need(value, known, path, what):
        if value is not None and value not in known:
            raise FormatError(path, f"{what} {value!r} is not defined in this file")

    for i, entry in enumerate(data["entries"]):
        need(entry["team"], teams, f"entries[{i}].team", "team")
    for g, group in enumerate(data["groups"]):
        for t, slug in enumerate(group["teams"]):
            need(slug, entered, f"groups[{g}].teams[{t}]", "entry of team")
    for i, match in enumerate(data["matches"]):
        path = f"matches[{i}]"
        for key in ("red", "blue", "winner"):
            need(match[key], entered, f"{path}.{key}", "entry of team")
        for key in ("red_robot", "blue_robot"):
            need(match[key], serials, f"{path}.{key}", "robot serial")
        for r, name in enumerate(match["referees"]):
            need(name, users, f"{path}.referees[{r}]", "user")
        need(match["signed_off_by"], users, f"{path}.signed_off_by", "user")
        for r, rnd in enumerate(match["rounds"]):
            need(rnd["recorded_by"], users, f"{path}.rounds[{r}].recorded_by", "user")
        for a, use in enumerate(match["allowances"]):
            need(use["recorded_by"], users, f"{path}.allowances[{a}].recorded_by", "user")
        for c, correction in enumerate(match["corrections"]):
            need(correction["by"], users, f"{path}.corrections[{c}].by", "user")
    for i, report in enumerate(data["failure_reports"]):
        path = f"failure_reports[{i}]"
        need(report["team"], entered, f"{path}.team", "entry of team")
        need(report["robot"], serials, f"{path}.robot", "robot serial")
        need(report["match"], slots, f"{path}.match", "match slot")
        need(report["filed_by"], users, f"{path}.filed_by", "user")
        need(report["decided_by"], users, f"{path}.decided_by", "user")
    for i, replacement in enumerate(data["replacements"]):
        path = f"replacements[{i}]"
        need(replacement["team"], entered, f"{path}.team", "entry of team")
        for key in ("old_robot", "new_robot"):
            need(replacement[key], serials, f"{path}.{key}", "robot serial")
        need(replacement["recorded_by"], users, f"{path}.recorded_by", "user")
        if replacement["failure_report"] >= len(data["failure_reports"]):
            raise FormatError(f"{path}.failure_report",
                              f"there is no failure report {replacement['failure_report']} "
                              f"(the file has {len(data['failure_reports'])})")
    for i, placing in enumerate(data["placings"]):
        need(placing["team"], entered, f"placings[{i}].team", "entry of team")


def _unique(items: list[dict], path: str, key: str) -> None:
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        if item[key] in seen:
            raise FormatError(f"{path}[{index}].{key}", f"{item[key]!r} appears twice (also at "
                                                        f"{path}[{seen[item[key]]}])")
        seen[item[key]] = index


# --- canonical order ------------------------------------------------------------------------
# The exporter writes every list in this order; the importer compares lists by these keys, so
# a hand-edited file may list things in another order.

STAGE_ORDER = {stage: index for index, stage in enumerate(STAGES)}
ROBOT_ORDER = {"primary": 0, "backup": 1}


def match_key(match: dict) -> tuple:
    return (STAGE_ORDER.get(match["stage"], 99), match["slot"])


SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "season.rewards": lambda r: r["place"],
    "users": lambda u: u["username"],
    "teams": lambda t: t["slug"],
    "entries": lambda e: e["team"],
    "entries[].members": lambda m: (m["role"], m["name"]),
    "entries[].robots": lambda r: (ROBOT_ORDER.get(r["role"], 9), r["serial"]),
    "groups": lambda g: g["name"],
    "matches": match_key,
    "matches[].referees": lambda name: name,
    "matches[].rounds": lambda r: r["number"],
    "matches[].allowances": lambda a: (a["round"], dt_in(a["recorded_at"])),
    "failure_reports": lambda f: dt_in(f["filed_at"]),
    "replacements": lambda r: (r["team"], r["old_robot"]),
    "placings": lambda p: (p["place"], p["team"]),
}


def normalized(data: dict) -> dict:
    """A copy of a checked file with instants written in UTC with a Z and amounts with two
    decimals, the way the exporter writes them, so equal values compare equal."""
    return _normalize(FILE, data)


def _normalize(spec: Spec, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(spec, Null | Optional):
        return _normalize(spec.inner, value)
    if spec is INSTANT:
        return dt_out(dt_in(value))
    if spec is MONEY:
        return money_out(Decimal(value))
    if isinstance(spec, ListOf):
        return [_normalize(spec.item, item) for item in value]
    if isinstance(spec, Obj):
        out = {key: _normalize(spec.fields[key], item) for key, item in value.items()}
        for key, field in spec.fields.items():  # a file written before the key existed
            if key not in out and isinstance(field, Optional):
                out[key] = field.default(value)
        return out
    return value
