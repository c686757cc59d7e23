"""Import applications (teams, their members and robots) from a CSV or XLSX file.

One row per team. Columns (header names are case-insensitive; spaces and dashes count as
underscores):

    name_en, name_zh, organization, registration_number, kind, country     required
    slug                                                                   optional
    name_zh_hant   the 繁體 name (name_zh is 简体); blank: proposed by OpenCC  optional
    members        "Li Wei: operator; Chen Jing: coach; ..."               3-10 for R2
    primary_name, primary_serial, primary_model                            the primary robot
    backup_name, backup_serial, backup_model                               the backup robot

A team is known by its slug (R2, docs/rules.md): the ``slug`` column, or the slug of
``name_en`` when the column is empty. A known team enters as the league knows it (differences in
the file are shown as a warning); a new team is created with its identity.

``read_table`` reads the file with the limits of ``reading`` checked while reading. ``preview``
checks every row and returns the rows with their errors, saving nothing: it runs the real import
through ``services.common.dry_run``, so it finds exactly what the import would refuse (R2 a team
entering twice, R3 a serial already taken, the season's phase...). ``run`` imports all rows or
none (ImportRefused). Every write goes through the services.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import services
from ..errors import RuleViolation
from ..models import Robot, Season, Team, TeamMember
from ..services.common import dry_run
from .errors import FormatError, ImportRefused, cell_place
from .reading import MAX_ROWS, iter_lines

REQUIRED = ["name_en", "name_zh", "organization", "registration_number", "kind", "country"]
OPTIONAL = ["slug", "members", "primary_name", "primary_serial", "primary_model",
            "backup_name", "backup_serial", "backup_model", "name_zh_hant"]
COLUMNS = REQUIRED + OPTIONAL
ROBOT_ROLES = [Robot.Role.PRIMARY, Robot.Role.BACKUP]
IDENTITY = ["name_zh", "name_zh_hant", "organization", "registration_number", "kind", "country"]


@dataclass
class ImportRow:
    line: int  # the row's line in the file (the header is line 1)
    team: dict[str, str]
    members: list[tuple[str, str]] = field(default_factory=list)
    robots: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing_team: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ------------------------------------------------------------------------------------

def _header(name) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_table(name: str, raw: bytes, *, encoding: str = "") -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as (line number, {column: text}); blank rows are skipped.
    Raises ImportRefused (a FormatError) with the place and the limit."""
    lines = iter_lines(name, raw, encoding=encoding)
    first = next(lines, None)
    if first is None:
        raise FormatError("", _("The file is empty."), field="file")
    header = [_header(h) for h in first]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FormatError(cell_place(1), _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)})
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise FormatError(cell_place(1), _("Unknown columns: %(cols)s. The columns are: %(all)s.") % {
            "cols": ", ".join(unknown), "all": ", ".join(COLUMNS)})
    rows = []
    for number, cells in enumerate(lines, start=2):
        if not any(cells):
            continue
        if len(rows) == MAX_ROWS:
            raise FormatError(cell_place(number), _("At most %(n)d teams per file.") % {"n": MAX_ROWS})
        rows.append((number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
    if not rows:
        raise FormatError("", _("The file has a header but no team."))
    return rows


# --- parsing ------------------------------------------------------------------------------------

def _choice(value: str, choices) -> str | None:
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for code, label in choices:
        if wanted in (code.replace("_", " "), str(label).lower()):
            return code
    return None


def parse_row(line: int, cells: dict[str, str]) -> ImportRow:
    """Check the row's own fields: what is missing or malformed, before any rule is asked."""
    team = {c: cells.get(c, "") for c in ["name_en", "name_zh", "name_zh_hant", "organization",
                                          "registration_number", "kind", "country", "slug"]}
    row = ImportRow(line=line, team=team)
    for column in REQUIRED:
        if not team[column]:
            row.errors.append(_("%(col)s is empty.") % {"col": column})
    if team["kind"]:
        kind = _choice(team["kind"], Team.Kind.choices)
        if kind is None:
            row.errors.append(_("kind %(v)s is not one of %(all)s.") % {
                "v": team["kind"], "all": ", ".join(Team.Kind.values)})
        team["kind"] = kind or team["kind"]
    if team["country"]:
        if len(team["country"]) != 2 or not team["country"].isalpha():
            row.errors.append(_("country %(v)s is not a two-letter ISO code (CN, HK, US...).") % {
                "v": team["country"]})
        team["country"] = team["country"].upper()
    team["slug"] = slugify(team["slug"] or team["name_en"])[:50]
    if not team["slug"] and team["name_en"]:
        row.errors.append(_("Give the team a slug (letters, digits, dashes)."))
    for part in filter(None, (p.strip() for p in cells.get("members", "").split(";"))):
        name, sep, role_text = part.rpartition(":")
        role = _choice(role_text, TeamMember.Role.choices) if sep else None
        if not sep or not name.strip() or role is None:
            row.errors.append(_("Member %(m)s: write it as 'name: role', the role one of %(roles)s.") % {
                "m": part, "roles": ", ".join(TeamMember.Role.values)})
            continue
        row.members.append((name.strip(), role))
    if not TeamMember.roster_size_ok(len(row.members)):
        row.warnings.append(_("R2: %(n)d members; a team needs %(lo)d-%(hi)d to qualify.") % {
            "n": len(row.members), "lo": TeamMember.MIN_ROSTER, "hi": TeamMember.MAX_ROSTER})
    for role in ROBOT_ROLES:
        robot = {"role": str(role), "name": cells.get(f"{role}_name", ""),
                 "serial": cells.get(f"{role}_serial", ""),
                 "model": cells.get(f"{role}_model", "") or Robot.DEFAULT_MODEL}
        if robot["name"] or robot["serial"]:
            if not (robot["name"] and robot["serial"]):
                row.errors.append(_("The %(role)s robot needs both a name and a serial number.") % {
                    "role": str(Robot.Role(role).label).lower()})
            row.robots.append(robot)
    if len(row.robots) < len(ROBOT_ROLES):
        row.warnings.append(_("R3: a team registers a primary and a backup robot before the draw."))
    return row


def parse(table: list[tuple[int, dict[str, str]]]) -> list[ImportRow]:
    return [parse_row(line, cells) for line, cells in table]


# --- importing through the services -------------------------------------------------------------

def _import_row(season: Season, row: ImportRow, actor) -> None:
    data = row.team
    team = Team.objects.filter(slug=data["slug"]).first()
    if team is None:
        team = services.team_create(actor=actor, **{k: data[k] for k in [
            "slug", "name_en", "name_zh", "name_zh_hant", "organization", "registration_number",
            "kind", "country"]})
    else:
        # A team's identity (its slug) lasts across seasons (R2): the import enters it as known.
        if data["name_en"] != team.name_en:
            raise RuleViolation("R2", _("The slug %(slug)s belongs to the known team %(team)s; the "
                                        "file names it %(name)s. Give a new team a slug of its own.")
                                % {"slug": team.slug, "team": team.name_en, "name": data["name_en"]})
        row.existing_team = True
        differ = [f for f in IDENTITY if data[f] and str(getattr(team, f)) != data[f]]
        if differ:
            row.warnings.append(_("Known team: its %(fields)s in the file differ from the league's "
                                  "records, which are kept.") % {
                "fields": pgettext("list separator", ", ").join(
                    str(Team._meta.get_field(f).verbose_name) for f in differ)})
    entry = services.entry_apply(season=season, team=team, actor=actor)
    for name, role in row.members:
        services.member_add(entry=entry, name=name, role=role, actor=actor)
    for robot in row.robots:
        services.robot_register(entry=entry, role=robot["role"], serial=robot["serial"],
                                name=robot["name"], model=robot["model"], actor=actor)


def _apply(season: Season, rows: list[ImportRow], actor) -> list[ImportRow]:
    for row in rows:
        if row.errors:
            continue
        try:
            with transaction.atomic():
                _import_row(season, row, actor)
        except RuleViolation as exc:
            row.errors.append(exc.text)
    return rows


def preview(season: Season, rows: list[ImportRow], actor) -> list[ImportRow]:
    """Every row with what the import would refuse in it; nothing is saved."""
    return dry_run(lambda: _apply(season, rows, actor))


def refusal(rows: list[ImportRow]) -> ImportRefused:
    """The one refusal for a table: the first row's first error, with its line; every row kept."""
    first = next(r for r in rows if r.errors)
    found = re.match(r"(R\d{1,2}): ", first.errors[0])
    return ImportRefused(cell_place(first.line), first.errors[0], found.group(1) if found else None,
                         rows=rows)


def refusal_text(exc: ImportRefused) -> str:
    return _("Nothing was imported: %(place)s: %(error)s") % {"place": exc.path, "error": exc.text}


def run(season: Season, rows: list[ImportRow], actor) -> int:
    """Import every row or none (ImportRefused). Returns the number of teams entered."""
    with transaction.atomic():
        _apply(season, rows, actor)
        if any(r.errors for r in rows):
            raise refusal(rows)
    return len(rows)


TEMPLATE_ROWS = [
    ["Shenzhen Dragons", "深圳飞龙", "Southern University of Science and Technology", "REG-0001",
     "university", "CN", "shenzhen-dragons",
     "Li Wei: operator; Chen Jing: substitute_operator; Wang Fang: technical_staff; Zhang Min: coach",
     "Thunder", "T800-00011", "EngineAI T800", "Thunder II", "T800-00012", "EngineAI T800", "深圳飛龍"],
]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()
