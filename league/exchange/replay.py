"""Read a season file back by replaying it through the services, so every rule runs again.

The import never writes league state itself: it calls the same services an organizer, a
referee and the panel call (entry_apply ... season_finish), in the order the file's phases and
timestamps give, and compares what they produce with what the file says at each step where a
difference would derail the rest (the draw, the schedule, each match's result, the bracket).
A RuleViolation on the way is refused with its rule id and the place in the file. What the
services do not take as input is then restored from the file: the instants (applied, started,
finished, recorded, filed, decided ...), the fixture times and rings, result notes. Last, the
season is exported again and compared with the file, key by key; any difference is refused.
All of it runs in one transaction: a refusal leaves the database as it was.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from .. import services
from ..errors import RuleViolation
from ..models import (
    Entry,
    FailureReport,
    Match,
    Replacement,
    Robot,
    Round,
    Season,
    Team,
)
from ..rules.schedule import schedule_violations
from ..selectors import group_standings
from ..services import imports as import_services
from ..services.common import dry_run as rolled_back  # the one dry run (import_season's dry_run= names it)
from ..services.common import require_actor, system_actor
from ..services.matches import RoundInput
from ..zh import to_hant
from .errors import ImportRefused
from .export import dumps, season_document
from .format import SEASON_PHASES, SORT_KEYS, check_structure, dt_in, normalized
from .reading import load_json

RULE_PREFIX = re.compile(r"^(R\d{1,2}):")
NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
TEAM_FIELDS = ("name_en", "name_zh", "name_zh_hant", "organization", "registration_number", "kind",
               "country")
SEASON_FIELDS = ("slug", "name", "name_zh", "name_zh_hant", "city", "city_zh", "city_zh_hant",
                 "venue", "venue_zh", "venue_zh_hant", "time_zone", "rings", "rings_zh",
                 "rings_zh_hant", "best_of",
                 "round_minutes", "slot_minutes", "min_rest_minutes", "third_place_match")
ROUND_STATS = ("red_points", "blue_points", "red_knockdowns", "blue_knockdowns", "red_fouls",
               "blue_fouls")


@contextmanager
def at(path: str, rule: str | None = None) -> Iterator[None]:
    """Turn a refusal of a service into an ImportRefused that names the place in the file."""
    try:
        yield
    except ImportRefused:
        raise
    except RuleViolation as exc:
        text = "; ".join(exc.messages)
        if exc.field:
            path = f"{path}.{exc.field}"
        found = RULE_PREFIX.match(text)
        raise ImportRefused(path, text, exc.rule or (found.group(1) if found else rule)) from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # full_clean(): name the field
            field, errors = next(iter(exc.error_dict.items()))
            if field != "__all__":
                path = f"{path}.{field}"
            text = "; ".join(m for e in errors for m in e.messages)
        else:
            text = "; ".join(exc.messages)
        found = RULE_PREFIX.match(text)
        raise ImportRefused(path, text, found.group(1) if found else rule) from exc


def import_season(data: bytes | str | dict, *, actor, dry_run: bool = False,
                  source: str = "") -> Season:
    """Read a season file (bytes or text: parsed with the limits of ``reading``; a dict: already
    parsed), check its shape, then replay it through the services in one transaction as
    ``actor`` (required, like every service's: the admin and the command pass
    ``system_actor()``, the league's own hand, which the audit trail names). Raises
    ImportRefused with the place in the file and the rule; nothing is saved then. With
    ``dry_run`` everything is checked and rolled back: the returned season is no longer in the
    database."""
    require_actor(actor)
    if isinstance(data, (bytes, str)):
        data = load_json(data)
    check_structure(data)

    def work() -> Season:
        with transaction.atomic():
            return Replay(normalized(data), actor=actor, source=source).run()

    return rolled_back(work) if dry_run else work()


class Replay:
    def __init__(self, data: dict, *, actor, source: str = ""):
        self.d = data
        self.actor = actor
        self.system = system_actor()  # the hand of what the file names nobody for ("recorded by")
        self.source = source
        self.target = SEASON_PHASES.index(data["season"]["phase"])
        self.season: Season | None = None
        self.users: dict[str, Any] = {}
        self.teams: dict[str, Team] = {}
        self.entries: dict[str, Entry] = {}
        self.entry_path: dict[str, int] = {}
        self.reports: dict[int, FailureReport] = {}
        self.replaced: set[int] = set()
        self.allowance_times: list[tuple[int, str]] = []
        self.knockout_started = False
        self.lots_done = False
        self.order = sorted(range(len(data["entries"])),
                            key=lambda i: (dt_in(data["entries"][i]["applied_at"]),
                                           data["entries"][i]["team"], i))

    def reached(self, phase: str) -> bool:
        return self.target >= SEASON_PHASES.index(phase)

    def user(self, name: str | None):
        return self.users[name] if name is not None else self.system

    # --- the whole replay ----------------------------------------------------------------

    def run(self) -> Season:
        self.make_users()
        self.make_teams()
        self.make_season()
        self.registration()
        self.auditions()
        self.draw()
        self.schedule()
        self.timeline()
        if self.reached("finished"):
            with at("placings", "R15"):
                services.season_finish(season=self.season, actor=self.actor)
        self.restore()
        self.compare()
        self.season.refresh_from_db()
        return self.season

    # --- people and teams ------------------------------------------------------------------

    def make_users(self) -> None:
        """Use the accounts that exist; create the missing ones, in their role groups, without a
        usable password. An existing account keeps its roles: the services refuse if it lacks one."""
        User = get_user_model()
        for i, row in enumerate(self.d["users"]):
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                with at(f"users[{i}]"):
                    user = import_services.account_create(actor=self.actor, username=row["username"],
                                                          roles=row["roles"])
            user._league_roles = None
            self.users[row["username"]] = user

    def make_teams(self) -> None:
        """A team's identity lasts across seasons (R2): reuse it when its slug exists here, and
        refuse a file that describes it differently; create it otherwise."""
        for i, row in enumerate(self.d["teams"]):
            team = Team.objects.filter(slug=row["slug"]).first()
            if team is not None:
                if row["name_zh_hant"] == to_hant(row["name_zh"]):
                    # Only the OpenCC proposal (or a file written before 繁體 names): the
                    # league's own 繁體 name, perhaps edited, stands.
                    row["name_zh_hant"] = team.name_zh_hant
                for field in TEAM_FIELDS:
                    if getattr(team, field) != row[field]:
                        raise ImportRefused(
                            f"teams[{i}].{field}",
                            f"team {row['slug']!r} exists here with {field} {getattr(team, field)!r}, "
                            f"the file says {row[field]!r}; a team's identity lasts across seasons, "
                            "so the import does not change it", "R2")
            else:
                with at(f"teams[{i}]", "R2"):
                    team = services.team_create(actor=self.actor, slug=row["slug"],
                                                **{f: row[f] for f in TEAM_FIELDS})
            self.teams[row["slug"]] = team

    def make_season(self) -> None:
        row = self.d["season"]
        if Season.objects.filter(slug=row["slug"]).exists():
            raise ImportRefused("season.slug", f"a season {row['slug']!r} already exists here; "
                                               "delete it first to import this file")
        with at("season"):
            self.season = services.season_create(
                actor=self.actor, with_default_rewards=False,
                starts_on=dt.date.fromisoformat(row["starts_on"]),
                day_start=dt.time.fromisoformat(row["day_start"]),
                **{f: row[f] for f in SEASON_FIELDS})
        for i, reward in enumerate(row["rewards"]):
            with at(f"season.rewards[{i}]", "R16"):
                services.reward_set(actor=self.actor, season=self.season, place=reward["place"],
                                    description=reward["description"], value=reward["value"],
                                    currency=reward["currency"],
                                    description_zh=reward["description_zh"],
                                    description_zh_hant=reward["description_zh_hant"])

    # --- registration, auditions, draw -------------------------------------------------------

    def registration(self) -> None:
        for i in self.order:
            row, path = self.d["entries"][i], f"entries[{i}]"
            with at(path, "R2"):
                entry = services.entry_apply(actor=self.actor, season=self.season,
                                             team=self.teams[row["team"]])
            self.entries[row["team"]] = entry
            self.entry_path[row["team"]] = i
            for j, member in enumerate(row["members"]):
                with at(f"{path}.members[{j}]", "R2"):
                    services.member_add(actor=self.actor, entry=entry, name=member["name"],
                                        role=member["role"])
            for k, robot in enumerate(row["robots"]):
                with at(f"{path}.robots[{k}]", "R3"):
                    services.robot_register(actor=self.actor, entry=entry, role=robot["role"],
                                            serial=robot["serial"],
                                            name=robot["name"], model=robot["model"])
            if row["status"] == Entry.Status.WITHDRAWN:
                with at(f"{path}.status"):
                    services.entry_withdraw(actor=self.actor, entry=entry, reason=row["reason"])

    def auditions(self) -> None:
        if self.reached("auditions"):
            with at("season.phase", "R1"):
                services.season_registration_close(actor=self.actor, season=self.season)
        auditioned = (Entry.Status.AUDITION_PASSED, Entry.Status.AUDITION_REJECTED,
                      Entry.Status.QUALIFIED)
        for i in self.order:
            row = self.d["entries"][i]
            if row["status"] in auditioned:
                reason = "" if row["status"] == Entry.Status.QUALIFIED else row["reason"]
                with at(f"entries[{i}].status"):
                    services.entry_audition(actor=self.actor, entry=self.entries[row["team"]], reason=reason,
                                            passed=row["status"] != Entry.Status.AUDITION_REJECTED)
        for i in self.order:
            row = self.d["entries"][i]
            if row["status"] == Entry.Status.QUALIFIED:
                with at(f"entries[{i}]", "R1"):
                    services.entry_qualify(actor=self.actor, entry=self.entries[row["team"]])

    def qualified_rows(self) -> list[int]:
        return [i for i in self.order if self.d["entries"][i]["status"] == Entry.Status.QUALIFIED]

    def draw(self) -> None:
        entries = self.d["entries"]
        if self.reached("draw"):
            for i in self.qualified_rows():  # the service says the same; here with the place
                row = entries[i]
                if not 3 <= len(row["members"]) <= 10:
                    raise ImportRefused(f"entries[{i}].members", f"a team has 3-10 members; "
                                        f"{row['team']} has {len(row['members'])}", "R2")
                if sorted(r["role"] for r in row["robots"]) != ["backup", "primary"]:
                    raise ImportRefused(f"entries[{i}].robots", f"{row['team']} must register one "
                                        "primary and one backup robot before the draw", "R3")
            with at("season.phase", "R1"):
                services.season_auditions_close(actor=self.actor, season=self.season)
        seeded = [i for i in self.order if entries[i]["seed"] is not None]
        if seeded:
            qualified = set(self.qualified_rows())
            for i in self.order:
                if (i in qualified) != (entries[i]["seed"] is not None):
                    raise ImportRefused(f"entries[{i}].seed", "every qualified team, and only a "
                                        "qualified team, has a seed from 1 to 16", "R10")
            seeded.sort(key=lambda i: (entries[i]["seed"], i))
            with at("entries", "R10"):
                services.pots_seed(actor=self.actor, season=self.season,
                                   order=[self.entries[entries[i]["team"]].pk for i in seeded])
            self.expect_entries(("seed", "pot"), "R10")
        seed = self.d["season"]["draw_seed"]
        if seed is not None:
            with at("season.draw_seed", "R10"):
                services.draw_run(actor=self.actor, season=self.season, seed=seed)
        self.expect_entries(("group",), "R10", why="the draw from its stored seed gives")
        replayed = {g.name: [e.team.slug for e in g.entries.select_related("team").order_by("pot")]
                    for g in self.season.groups.all()}
        for g, row in enumerate(self.d["groups"]):
            if replayed.get(row["name"]) != row["teams"]:
                raise ImportRefused(f"groups[{g}]", f"the file's group {row['name']} is "
                                    f"{', '.join(row['teams'])}; the draw from its stored seed gives "
                                    f"{', '.join(replayed.get(row['name'], [])) or 'no such group'}",
                                    "R10")
        if len(replayed) != len(self.d["groups"]):
            raise ImportRefused("groups", f"the draw gives {len(replayed)} groups; the file lists "
                                          f"{len(self.d['groups'])}", "R10")

    def expect_entries(self, fields: tuple[str, ...], rule: str, why: str = "the replay gives") -> None:
        for entry in Entry.objects.filter(season=self.season).select_related("team", "group"):
            i = self.entry_path[entry.team.slug]
            for field in fields:
                got = entry.group.name if field == "group" and entry.group else getattr(entry, field)
                want = self.d["entries"][i][field]
                if got != want:
                    raise ImportRefused(f"entries[{i}].{field}", f"{entry.team.slug}: the file says "
                                        f"{field} {want!r}; {why} {got!r}", rule)

    # --- the group schedule --------------------------------------------------------------------

    def match_rows(self, *stages: str) -> list[int]:
        return [i for i, m in enumerate(self.d["matches"]) if m["stage"] in stages]

    def schedule(self) -> None:
        rows = self.match_rows("group")
        if not self.reached("group_stage"):
            if self.d["matches"]:
                raise ImportRefused("matches[0]", f"the season is in the phase "
                                    f"{self.d['season']['phase']}: it has no matches yet")
            return
        with at("season.phase", "R11"):
            services.group_schedule_generate(actor=self.actor, season=self.season)
        generated = {(m.group.name, frozenset((m.red_id, m.blue_id))): m
                     for m in self.season.matches.select_related("group")}
        taken: dict[tuple, int] = {}
        updates: dict[int, dict] = {}
        for i in rows:
            row, path = self.d["matches"][i], f"matches[{i}]"
            if row["group"] is None or row["red"] is None or row["blue"] is None:
                raise ImportRefused(path, "a group match names its group and both corners", "R11")
            if row["scheduled_at"] is None:
                raise ImportRefused(f"{path}.scheduled_at", "a group match has a time", "R11")
            if not re.fullmatch(rf"{re.escape(row['group'])}[1-6]", row["slot"]):
                raise ImportRefused(f"{path}.slot", f"the group {row['group']} matches are "
                                    f"{row['group']}1-{row['group']}6", "R11")
            if row["day"] not in (1, 2, 3):
                raise ImportRefused(f"{path}.day", "a group's round robin has 3 match days", "R11")
            key = (row["group"], frozenset((self.entries[row["red"]].pk, self.entries[row["blue"]].pk)))
            if key not in generated:
                raise ImportRefused(path, f"{row['red']} v {row['blue']} is not a match of the round "
                                    f"robin of group {row['group']}", "R11")
            if key in taken:
                raise ImportRefused(path, f"{row['red']} v {row['blue']} meet twice in group "
                                    f"{row['group']} (also matches[{taken[key]}]); a single round "
                                    "robin has each pair once", "R11")
            taken[key] = i
            updates[generated[key].pk] = {
                "slot": row["slot"], "day": row["day"], "ring": row["ring"],
                "scheduled_at": dt_in(row["scheduled_at"]),
                "red_id": self.entries[row["red"]].pk, "blue_id": self.entries[row["blue"]].pk}
        missing = [m for key, m in generated.items() if key not in taken]
        if missing:
            raise ImportRefused("matches", f"the round robin of group {missing[0].group.name} has "
                                f"{missing[0].red.team.slug} v {missing[0].blue.team.slug}; the file "
                                "does not list it", "R11")
        self.check_rest(rows)
        with at("matches", "R11"):
            import_services.fixtures_place(season=self.season, fixtures=updates, actor=self.actor,
                                           check_groups=True)
        self.assign_referees(rows)

    def check_rest(self, rows: list[int]) -> None:
        """R11 per team, so the refusal points at the match that breaks it."""
        season = self.season
        slot = dt.timedelta(minutes=season.slot_minutes)
        rest = dt.timedelta(minutes=season.min_rest_minutes)
        fights: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
        days: dict[tuple[str, int], int] = {}
        for i in rows:
            row = self.d["matches"][i]
            for corner in ("red", "blue"):
                fights[row[corner]].append((dt_in(row["scheduled_at"]), i))
                if (row[corner], row["day"]) in days:
                    raise ImportRefused(f"matches[{i}].day", f"{row[corner]} fights twice on match day "
                                        f"{row['day']} (also matches[{days[row[corner], row['day']]}]); "
                                        "a team fights once per match day", "R11")
                days[row[corner], row["day"]] = i
        for team in sorted(fights):
            times = sorted(fights[team])
            for n in range(2, len(times) + 1):
                problems = schedule_violations([(team, start, start + slot) for start, _ in times[:n]],
                                               tz=season.tz, min_rest=rest)
                if problems:
                    raise ImportRefused(f"matches[{times[n - 1][1]}].scheduled_at", problems[0], "R11")

    def assign_referees(self, rows: list[int]) -> None:
        for i in rows:
            row = self.d["matches"][i]
            if row["referees"]:
                with at(f"matches[{i}].referees", "R7"):
                    services.referees_assign(actor=self.actor, match=self.match(row["slot"]),
                                             referees=[self.users[u] for u in row["referees"]])

    def match(self, slot: str) -> Match:
        return Match.objects.select_related("red__team", "blue__team").get(season=self.season, slot=slot)

    # --- the season's events in time order --------------------------------------------------

    def timeline(self) -> None:
        events = []
        for i, row in enumerate(self.d["matches"]):
            if row["status"] == Match.Status.SCHEDULED and row["red_robot"] is None \
                    and row["blue_robot"] is None and row["started_at"] is None:
                continue
            when = dt_in(row["started_at"] or row["finished_at"]) or NEVER
            events.append((when, 0, i))
        for j, row in enumerate(self.d["failure_reports"]):
            filed = dt_in(row["filed_at"])
            events.append((filed, 1, j))
            if row["status"] != FailureReport.Status.PENDING:
                events.append((max(filed, dt_in(row["decided_at"]) or filed), 2, j))
        for _when, kind, index in sorted(events):
            if kind == 0:
                if self.d["matches"][index]["stage"] != Match.Stage.GROUP:
                    self.start_knockout(f"matches[{index}]")
                self.play(index)
            elif kind == 1:
                self.file_report(index)
            else:
                self.decide_report(index)
        if self.reached("knockout"):
            self.start_knockout("season.phase")
        elif self.reached("group_stage"):
            self.record_lots()
        for k in range(len(self.d["replacements"])):
            if k not in self.replaced:
                self.replace(k)

    def record_lots(self) -> None:
        """The organizer's drawing of lots, where the file records them (R12)."""
        if self.lots_done:
            return
        self.lots_done = True
        by_group: dict[str, list[int]] = defaultdict(list)
        for i in self.order:
            row = self.d["entries"][i]
            if row["lot"] is not None:
                if row["group"] is None:
                    raise ImportRefused(f"entries[{i}].lot", "only a team in a group draws lots", "R12")
                by_group[row["group"]].append(i)
        groups = {g.name: g for g in self.season.groups.all()}
        for name, rows in sorted(by_group.items()):
            rows.sort(key=lambda i: (self.d["entries"][i]["lot"], i))
            with at(f"entries[{rows[0]}].lot", "R12"):
                services.lots_record(actor=self.actor, group=groups[name], order=[
                    self.entries[self.d["entries"][i]["team"]].pk for i in rows])
        self.expect_entries(("lot",), "R12", why="the drawing of lots gives")
        if not self.reached("knockout"):
            return  # a tie may wait for its lots while the group stage lasts
        group_rows = {row["name"]: g for g, row in enumerate(self.d["groups"])}
        for name, group in sorted(groups.items()):
            table = group_standings(group=group)
            if table.complete and table.lots_needed:
                tied = ", ".join(row.entry.team.slug for row in table.rows
                                 if row.entry.pk in set(table.lots_needed[0]))
                raise ImportRefused(f"groups[{group_rows.get(name, 0)}]", f"group {name}: {tied} are "
                                    "level on every criterion; the file records no drawing of lots "
                                    "for them", "R12")

    def start_knockout(self, path: str) -> None:
        if self.knockout_started:
            return
        if not self.reached("knockout"):
            raise ImportRefused(path, f"the season is in the phase {self.d['season']['phase']}: it "
                                      "has no knockout matches yet", "R13")
        self.record_lots()
        seed = self.d["season"]["knockout_seed"]
        if seed is None:
            raise ImportRefused("season.knockout_seed", "the quarterfinal draw stores its seed", "R13")
        with at(path, "R13"):
            services.knockout_start(actor=self.actor, season=self.season, seed=seed)
        self.knockout_started = True
        rows = self.match_rows(*(s for s in Match.Stage.values if s != Match.Stage.GROUP))
        created = {m.slot: m for m in self.season.matches.exclude(stage=Match.Stage.GROUP)
                   .select_related("red__team", "blue__team")}
        in_file = {self.d["matches"][i]["slot"]: i for i in rows}
        for slot in sorted(created):
            if slot not in in_file:
                raise ImportRefused("matches", f"the bracket has {slot}; the file does not list it",
                                    "R13")
        fixtures = {}
        for slot, i in in_file.items():
            row, path = self.d["matches"][i], f"matches[{i}]"
            match = created.get(slot)
            if match is None or match.stage != row["stage"]:
                raise ImportRefused(f"{path}.slot", f"the bracket has no {row['stage']} {slot}", "R13")
            if match.stage == Match.Stage.QUARTERFINAL:
                self.expect_corners(i, match, "R13", "the quarterfinal draw from its stored seed")
            fixtures[match.pk] = {"ring": row["ring"], "scheduled_at": dt_in(row["scheduled_at"])}
        with at("matches", "R13"):
            import_services.fixtures_place(season=self.season, fixtures=fixtures, actor=self.actor)
        self.assign_referees(rows)

    def expect_corners(self, i: int, match: Match, rule: str, source: str) -> None:
        row = self.d["matches"][i]
        for corner in ("red", "blue"):
            entry = match.entry_of(corner)
            got = entry.team.slug if entry else None
            if row[corner] != got:
                raise ImportRefused(f"matches[{i}].{corner}", f"{row['slot']}: the file puts "
                                    f"{row[corner]} in the {corner} corner; {source} puts "
                                    f"{got or 'nobody'} there", rule)

    # --- one match ---------------------------------------------------------------------------

    def play(self, i: int) -> None:
        row, path = self.d["matches"][i], f"matches[{i}]"
        match = self.match(row["slot"])
        if match.stage in (Match.Stage.SEMIFINAL, Match.Stage.THIRD_PLACE, Match.Stage.FINAL):
            self.expect_corners(i, match, "R14", "the bracket")
        robot = {c: Robot.objects.filter(season=self.season, serial=row[f"{c}_robot"]).first()
                 for c in ("red", "blue")}
        if robot["red"] or robot["blue"] or row["started_at"] or row["status"] in (
                Match.Status.CHECKED_IN, Match.Status.LIVE, Match.Status.FINISHED):
            with at(path, "R6"):
                services.match_check_in(actor=self.actor, match=match, red_robot=robot["red"],
                                        blue_robot=robot["blue"],
                                        red_seal=row["red_seal"], blue_seal=row["blue_seal"])
        if row["started_at"] is not None:
            with at(f"{path}.started_at", "R7"):
                services.match_start(actor=self.actor, match=match)
        self.fight(i, match)
        if row["battery_swap"] is not None:
            status = Match.objects.values_list("status", flat=True).get(pk=match.pk)
            if status != Match.Status.LIVE:
                raise ImportRefused(f"{path}.battery_swap", f"{row['slot']}: a battery swap is "
                                    "reported during a match and disqualifies that corner, but after "
                                    f"the file's check-in and rounds the match is {status}", "R6")
            with at(f"{path}.battery_swap", "R6"):
                services.battery_swap_report(actor=self.actor, match=match, corner=row["battery_swap"],
                                             confirmed=True)
        if row["status"] == Match.Status.FORFEITED:
            if row["winner"] is None:
                corners = ["red", "blue"]
            else:
                corners = ["blue" if row["winner"] == row["red"] else "red"]
            with at(f"{path}.status", "R8"):
                services.match_forfeit(actor=self.actor, match=match, corners=corners, reason=row["note"])
        if row["signed_off_at"] is not None:
            with at(f"{path}.signed_off_by", "R7"):
                services.match_sign_off(match=match, actor=self.user(row["signed_off_by"]))
        for c, correction in enumerate(row["corrections"]):
            with at(f"{path}.corrections[{c}]", "R7"):
                services.match_result_correct(
                    match=match, rounds=[self.round_input(r) for r in row["rounds"]],
                    reason=correction["reason"], actor=self.user(correction["by"]))
        match.refresh_from_db()
        got = {"status": match.status, "winner": match.winner.team.slug if match.winner else None,
               "red_rounds": match.red_rounds, "blue_rounds": match.blue_rounds,
               "method": match.method}
        for field, value in got.items():
            if row[field] != value:
                rule = "R6" if "dq" in (row["method"], match.method) else (
                    "R7" if field == "status" else "R8")
                raise ImportRefused(f"{path}.{field}", f"{row['slot']}: the file says {field} "
                                    f"{row[field]!r}; its check-in, rounds and events give {value!r}",
                                    rule)

    @staticmethod
    def round_input(row: dict) -> RoundInput:
        return RoundInput(winner=row["winner"], method=row["method"],
                          **{stat: row[stat] for stat in ROUND_STATS})

    def fight(self, i: int, match: Match) -> None:
        """Rounds, with the allowances used during each round before it is recorded (R8, R9)."""
        row, path = self.d["matches"][i], f"matches[{i}]"
        uses = sorted(range(len(row["allowances"])), key=lambda a: (row["allowances"][a]["round"], a))
        need = self.season.rounds_to_win
        won = {"red": 0, "blue": 0}
        corrected = bool(row["corrections"])

        def use_allowances(up_to: int | None) -> None:
            while uses and (up_to is None or row["allowances"][uses[0]]["round"] <= up_to):
                a = uses.pop(0)
                use, where = row["allowances"][a], f"{path}.allowances[{a}]"
                current = Round.objects.filter(match=match).count() + 1
                if use["round"] != current:
                    raise ImportRefused(f"{where}.round", f"used in round {use['round']}, but round "
                                        f"{current} is being fought", "R9")
                with at(where, "R9"):
                    created = services.allowance_use(match=match, corner=use["corner"],
                                                     kind=use["kind"],
                                                     actor=self.user(use["recorded_by"]))
                self.allowance_times.append((created.pk, f"{where}.recorded_at"))

        for r, rnd in enumerate(row["rounds"]):
            where = f"{path}.rounds[{r}]"
            use_allowances(rnd["number"])
            if max(won.values()) >= need:
                raise ImportRefused(where, f"the match was decided before round {rnd['number']}: "
                                    f"a corner had won {need} rounds", "R8")
            if rnd["number"] > self.season.best_of:
                raise ImportRefused(f"{where}.number", f"a match has at most {self.season.best_of} "
                                    "rounds", "R8")
            with at(where, "R8"):
                services.round_record(match=match, number=rnd["number"], data=self.round_input(rnd),
                                      actor=self.system if corrected else self.user(rnd["recorded_by"]))
            won[rnd["winner"]] += 1
        use_allowances(None)

    # --- failures and replacements (R4, R5) ---------------------------------------------------

    def file_report(self, j: int) -> None:
        row, path = self.d["failure_reports"][j], f"failure_reports[{j}]"
        match = None
        if row["match"]:
            match = Match.objects.filter(season=self.season, slot=row["match"]).first()
            if match is None:
                raise ImportRefused(f"{path}.match", f"{row['match']} does not exist yet when the "
                                    "report is filed", "R4")
        with at(path, "R4"):
            self.reports[j] = services.failure_report_file(
                entry=self.entries[row["team"]],
                robot=Robot.objects.get(season=self.season, serial=row["robot"]),
                description=row["description"], irreversible=row["irreversible"], match=match,
                actor=self.user(row["filed_by"]))

    def decide_report(self, j: int) -> None:
        row, path = self.d["failure_reports"][j], f"failure_reports[{j}]"
        with at(f"{path}.decided_by", "R4"):
            services.failure_report_decide(report=self.reports[j],
                                           approve=row["status"] == FailureReport.Status.APPROVED,
                                           note=row["note"], actor=self.user(row["decided_by"]))
        listed = [k for k, r in enumerate(self.d["replacements"]) if r["failure_report"] == j]
        for k in listed:
            self.replace(k)
        if not listed and Replacement.objects.filter(failure_report=self.reports[j]).exists():
            raise ImportRefused(path, f"the panel approved an irreversible failure of {row['team']}'s "
                                "primary robot, so its backup replaces it; the file lists no "
                                "replacement for this report", "R4")

    def replace(self, k: int) -> None:
        row, path = self.d["replacements"][k], f"replacements[{k}]"
        self.replaced.add(k)
        report = self.reports[row["failure_report"]]
        entry = self.entries[row["team"]]
        if Replacement.objects.filter(entry=entry, failure_report=report).exists():
            return  # the panel's approval made it, as the service does
        with at(path, "R4"):
            services.robot_replace(entry=entry, report=report, actor=self.user(row["recorded_by"]))

    # --- what the services do not take: instants, fixture times, notes -------------------------

    def restore(self) -> None:
        d = self.d
        entries = {entry.pk: dt_in(d["entries"][self.entry_path[slug]]["applied_at"])
                   for slug, entry in self.entries.items()}
        by_slot = {m.slot: m for m in self.season.matches.prefetch_related("rounds")}
        matches: dict[int, dict] = {}
        rounds: dict[int, Any] = {}
        for i, row in enumerate(d["matches"]):
            match = by_slot.get(row["slot"])
            if match is None:
                raise ImportRefused(f"matches[{i}].slot", f"the season has no match {row['slot']}")
            fields = self.instants(f"matches[{i}]", row, match,
                                   ("started_at", "finished_at", "signed_off_at"))
            matches[match.pk] = {**fields, "result_note": row["note"]}
            by_number = {r.number: r for r in match.rounds.all()}
            for rnd in row["rounds"]:
                rounds[by_number[rnd["number"]].pk] = dt_in(rnd["recorded_at"])
        reports = FailureReport.objects.in_bulk([r.pk for r in self.reports.values()])
        report_times = {report.pk: self.instants(f"failure_reports[{j}]", d["failure_reports"][j],
                                                 reports[report.pk], ("filed_at", "decided_at"))
                        for j, report in self.reports.items()}
        replacements = {}
        for row in d["replacements"]:
            made = Replacement.objects.filter(entry=self.entries[row["team"]])
            for pk in made.values_list("pk", flat=True):
                replacements[pk] = dt_in(row["recorded_at"])
        import_services.history_restore(
            season=self.season, actor=self.actor, created_at=dt_in(d["season"]["created_at"]),
            entries=entries, matches=matches, rounds=rounds,
            allowances={pk: dt_in(self._at(where)) for pk, where in self.allowance_times},
            reports=report_times, replacements=replacements, source=self.source,
            data={"format": d["format"], "version": d["version"],
                  "sha256": hashlib.sha256(dumps(d).encode()).hexdigest()})

    def instants(self, path: str, row: dict, obj, fields: tuple[str, ...]) -> dict:
        out = {}
        for field in fields:
            if (row[field] is None) != (getattr(obj, field) is None):
                raise ImportRefused(f"{path}.{field}", f"the file says {row[field]!r}, but replaying "
                                    "the season " + ("sets it" if row[field] is None else
                                                     "leaves it empty"))
            out[field] = dt_in(row[field])
        return out

    def _at(self, where: str):
        """The value at a path like matches[3].allowances[1].recorded_at."""
        value: Any = self.d
        for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", where):
            value = value[name]
            if index:
                value = value[int(index)]
        return value

    # --- last: the season, exported again, is the file ----------------------------------------

    def compare(self) -> None:
        replayed = season_document(self.season)
        expected = dict(self.d)
        order = sorted(range(len(self.d["failure_reports"])),
                       key=lambda j: (SORT_KEYS["failure_reports"](self.d["failure_reports"][j]), j))
        position = {j: n for n, j in enumerate(order)}
        expected["replacements"] = [{**r, "failure_report": position[r["failure_report"]]}
                                    for r in self.d["replacements"]]
        for key in expected:
            if key == "users":  # accounts belong to this installation
                continue
            found = first_difference(expected[key], replayed[key], key, key)
            if found:
                where, want, got = found
                text = f"the file says {want!r}; replaying the season gives {got!r}"
                if where.startswith("placings"):
                    text = f"places and rewards come from the bracket and the season's rewards, " \
                           f"never typed in: {text}"
                raise ImportRefused(where, text, rule_of(where, self.d))


def first_difference(a: Any, b: Any, path: str, pattern: str) -> tuple[str, Any, Any] | None:
    """The first place where two documents differ; lists with a canonical order are compared
    in that order, and the path names the position in ``a`` (the file)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            found = first_difference(a.get(key), b.get(key), f"{path}.{key}", f"{pattern}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        key = SORT_KEYS.get(pattern)
        ia = list(range(len(a)))
        ib = list(range(len(b)))
        if key is not None:
            ia.sort(key=lambda i: (key(a[i]), i))
            ib.sort(key=lambda i: (key(b[i]), i))
        for x, y in zip(ia, ib, strict=False):
            found = first_difference(a[x], b[y], f"{path}[{x}]", f"{pattern}[]")
            if found:
                return found
        if len(a) != len(b):
            return path, f"{len(a)} items", f"{len(b)} items"
        return None
    if a != b or type(a) is not type(b):
        return path, a, b
    return None


DIFF_RULES = [
    (r"season\.draw_seed|groups.*|entries\[\]\.(seed|pot|group)", "R10"),
    (r"season\.knockout_seed", "R13"),
    (r"entries\[\]\.lot", "R12"),
    (r"entries\[\]\.robots\[\]\.status", "R5"),
    (r"entries\[\]\.members.*", "R2"),
    (r"entries\[\]\.robots.*", "R3"),
    (r"entries|entries\[\]\.status", "R1"),
    (r"matches\[\]\.(red_robot|blue_robot)", "R5"),
    (r"matches\[\]\.(red_seal|blue_seal|battery_swap)", "R6"),
    (r"matches\[\]\.(referees.*|status|signed_off_by|corrections.*)", "R7"),
    (r"matches\[\]\.(rounds.*|winner|red_rounds|blue_rounds|method)", "R8"),
    (r"matches\[\]\.allowances.*", "R9"),
    (r"matches\[\]\.(scheduled_at|day|ring)", "R11"),
    (r"failure_reports.*|replacements.*", "R4"),
    (r"placings\[\]\.reward.*", "R16"),
    (r"placings.*", "R15"),
]


def rule_of(path: str, data: dict) -> str | None:
    """The rule a difference at this place in the file breaks (None: no rule, just a mismatch)."""
    pattern = re.sub(r"\[\d+\]", "[]", path)
    found = re.fullmatch(r"matches\[(\d+)\]\.(red|blue)", path)
    if found:
        stage = data["matches"][int(found.group(1))]["stage"]
        return {"group": "R11", "quarterfinal": "R13"}.get(stage, "R14")
    for regex, rule in DIFF_RULES:
        if re.fullmatch(regex, pattern):
            return rule
    return None
