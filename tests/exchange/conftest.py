"""Fixtures of the season export / import tests.

Building a season through the services takes about a second, so each state is built once per
test session inside a transaction that is rolled back: the tests get the exported document (a
dict) and an empty database to import it into. Each test mutates its own deep copy.
"""
from __future__ import annotations

import copy
import random

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from league import services
from league.exchange import ImportRefused, import_season, season_document
from league.exchange.format import dt_in, dt_out
from league.models import (
    AllowanceUse,
    AuditEvent,
    Entry,
    FailureReport,
    Group,
    Match,
    Placing,
    Replacement,
    Reward,
    Robot,
    Round,
    Season,
    Team,
    TeamMember,
)
from league.services import RoundInput
from league.services.common import system_actor
from tests import factories

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def row_counts() -> dict[str, int]:
    """Rows of every table an import writes to."""
    models = [Season, Reward, Group, Team, Entry, TeamMember, Robot, Match, Match.referees.through,
              Round, AllowanceUse, FailureReport, Replacement, Placing, AuditEvent, get_user_model()]
    return {m._meta.label: m.objects.count() for m in models}


def refused(doc: dict) -> ImportRefused:
    """Import a file that must be refused; check that nothing at all was saved."""
    actor = system_actor()  # the caller's hand exists before; the import itself saves nothing
    before = row_counts()
    with pytest.raises(ImportRefused) as info:
        import_season(doc, actor=actor)
    assert row_counts() == before, "a refused import saved something"
    return info.value


def delete_season(season: Season) -> None:
    """Delete a season and what hangs off it (matches protect entries and robots)."""
    Replacement.objects.filter(entry__season=season).delete()
    FailureReport.objects.filter(entry__season=season).delete()
    Match.objects.filter(season=season).delete()
    Season.objects.filter(pk=season.pk).delete()


def build_document(blocker, build) -> dict:
    """Build a season, export it, and roll everything back."""
    with blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            doc = season_document(build())
            transaction.set_rollback(True)
    return doc


@pytest.fixture(scope="session")
def finished_doc(django_db_setup, django_db_blocker) -> dict:
    return build_document(django_db_blocker, lambda: factories.season_at("finished"))


@pytest.fixture(scope="session")
def knockout_doc(django_db_setup, django_db_blocker) -> dict:
    return build_document(django_db_blocker, lambda: factories.season_at("knockout"))


@pytest.fixture
def doc(finished_doc) -> dict:
    """A private copy of the finished season's file, to break."""
    return copy.deepcopy(finished_doc)


# --- finding things in a document -------------------------------------------------------------

def match_at(doc: dict, slot: str) -> int:
    return next(i for i, m in enumerate(doc["matches"]) if m["slot"] == slot)


def entry_at(doc: dict, team: str) -> int:
    return next(i for i, e in enumerate(doc["entries"]) if e["team"] == team)


def robot_serial(doc: dict, team: str, role: str) -> str:
    return next(r["serial"] for r in doc["entries"][entry_at(doc, team)]["robots"] if r["role"] == role)


def matches_of(doc: dict, team: str) -> list[int]:
    """Indices of a team's played matches, in the order they were fought."""
    played = [i for i, m in enumerate(doc["matches"])
              if team in (m["red"], m["blue"]) and m["started_at"]]
    return sorted(played, key=lambda i: dt_in(doc["matches"][i]["started_at"]))


def between(earlier: str, later: str) -> str:
    """An instant strictly between two instants of the file."""
    a, b = dt_in(earlier), dt_in(later)
    assert a < b
    return dt_out(a + (b - a) / 2)


def add_failure(doc: dict, team: str, *, after: int, role: str = "primary", status: str = "approved",
                irreversible: bool = True, filed_by: str = "ref1", decided_by: str | None = "head",
                replacement: bool = True) -> int:
    """Add a failure report of ``team``'s robot filed and decided between its match ``after`` and
    its next one; optionally the replacement it implies. Returns the report's index."""
    fought = matches_of(doc, team)
    position = fought.index(after)
    start = doc["matches"][after]["finished_at"]
    end = (doc["matches"][fought[position + 1]]["started_at"] if position + 1 < len(fought)
           else dt_out(dt_in(start) + (dt_in(start) - dt_in(doc["season"]["created_at"]))))
    filed_at = between(start, end)
    decided_at = between(filed_at, end)
    doc["failure_reports"].append({
        "team": team, "robot": robot_serial(doc, team, role), "match": None,
        "description": "The hip actuator seized and cannot be repaired at the venue.",
        "irreversible": irreversible, "status": status, "filed_by": filed_by, "filed_at": filed_at,
        "decided_by": decided_by if status != "pending" else None,
        "decided_at": decided_at if status != "pending" else None, "note": ""})
    doc["failure_reports"].sort(key=lambda r: r["filed_at"])
    index = next(j for j, r in enumerate(doc["failure_reports"]) if r["filed_at"] == filed_at)
    for other in doc["replacements"]:  # keep references pointing at the same reports
        if other["failure_report"] >= index:
            other["failure_report"] += 1
    if replacement:
        doc["replacements"].append({
            "team": team, "failure_report": index, "old_robot": robot_serial(doc, team, "primary"),
            "new_robot": robot_serial(doc, team, "backup"), "recorded_by": decided_by,
            "recorded_at": decided_at})
        doc["replacements"].sort(key=lambda r: (r["team"], r["old_robot"]))
    return index


def field_backup_after(doc: dict, team: str, after: int) -> None:
    """From the match after ``after`` on, the team checks in its backup (R5)."""
    fought = matches_of(doc, team)
    for i in fought[fought.index(after) + 1:]:
        match = doc["matches"][i]
        corner = "red" if match["red"] == team else "blue"
        match[f"{corner}_robot"] = robot_serial(doc, team, "backup")


# --- a season with every kind of event, built through the services ---------------------------

def _fight(match: Match, rounds: list[RoundInput], *, actor, allowances=()) -> Match:
    match.refresh_from_db()
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue),
                            red_seal=f"S{match.pk}R", blue_seal=f"S{match.pk}B", actor=actor)
    services.match_start(match=match, actor=actor)
    for corner, kind in allowances:
        services.allowance_use(match=match, corner=corner, kind=kind, actor=actor)
    for number, data in enumerate(rounds, start=1):
        services.round_record(match=match, number=number, data=data, actor=actor)
    match.refresh_from_db()
    return match


def _won(corner: str, winner_points: int = 20, loser_points: int = 10) -> RoundInput:
    other = "blue" if corner == "red" else "red"
    return RoundInput(winner=corner, method="points", **{f"{corner}_points": winner_points,
                                                          f"{other}_points": loser_points})


def rich_season() -> Season:
    """A mid-knockout season with allowances, a battery swap, forfeits (one double), a result
    correction, sign-offs, an approved failure with its replacement, a rejected and a pending
    failure report, a three-way tie in group A broken by lots, a live and a checked-in
    quarterfinal."""
    rng = random.Random(7)
    season = factories.season_at("drawn", seed=2026, slug="rich-season")
    people = factories.staff()
    services.group_schedule_generate(season=season, actor=system_actor())
    services.referees_assign_round_robin(season=season, actor=system_actor())
    heads = [people["head"], people["head2"]]
    group_a = list(season.groups.get(name="A").entries.order_by("pot").values_list("pk", flat=True))
    t1, t2, t3, t4 = group_a
    beats = {frozenset((t1, t2)): t1, frozenset((t2, t3)): t2, frozenset((t1, t3)): t3,
             frozenset((t1, t4)): t1, frozenset((t2, t4)): t2, frozenset((t3, t4)): t3}
    special = 0
    for match in season.matches.select_related("group").order_by("scheduled_at", "ring"):
        ref = match.referees.get()
        if match.group.name == "A":  # t1, t2, t3 level on every criterion: lots decide (R12)
            corner = "red" if beats[frozenset((match.red_id, match.blue_id))] == match.red_id else "blue"
            _fight(match, [_won(corner), _won(corner)], actor=ref)
            services.match_sign_off(match=match, actor=ref)
            continue
        special += 1
        if special == 1:  # every allowance a corner has (R9)
            _fight(match, [_won("red"), _won("blue"), _won("red")], actor=ref, allowances=[
                ("red", AllowanceUse.Kind.MANUAL_RESET), ("red", AllowanceUse.Kind.MANUAL_RESET),
                ("blue", AllowanceUse.Kind.TACTICAL_TIMEOUT), ("red", AllowanceUse.Kind.EMERGENCY_REPAIR)])
        elif special == 2:  # a battery swap after round 1 disqualifies the blue corner (R6)
            _fight(match, [_won("blue")], actor=ref)
            services.battery_swap_report(match=match, corner="blue", confirmed=True, actor=ref)
        elif special == 3:
            services.match_forfeit(match=match, corners=["red"], reason="Red failed the safety check.",
                                   actor=ref)
        elif special == 4:  # a double forfeit: a loss for both (R12)
            services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                    blue_robot=services.active_robot(match.blue), red_seal="X1",
                                    blue_seal="X2", actor=ref)
            services.match_forfeit(match=match, corners=["red", "blue"],
                                   reason="Neither corner came to the ring.", actor=ref)
        elif special == 5:  # a head referee corrects the result, with a reason (R7)
            _fight(match, [_won("red"), _won("red")], actor=ref)
            services.match_sign_off(match=match, actor=ref)
            services.match_result_correct(match=match, rounds=[_won("blue"), _won("blue", 30, 5)],
                                          reason="Video review: both red knockdowns were slips.",
                                          actor=people["head"])
        elif special == 6:  # the red primary fails for good; the panel approves (R4, R5)
            match = _fight(match, [_won("blue"), _won("blue")], actor=ref)
            report = services.failure_report_file(
                entry=match.red, robot=match.red_robot, match=match, irreversible=True,
                description="Cracked pelvis frame.", actor=ref)
            decider = next(h for h in heads if h.pk != ref.pk)
            services.failure_report_decide(report=report, approve=True, note="Frame beyond repair.",
                                           actor=decider)
        elif special == 7:  # a reversible failure, rejected; and one still pending
            match = factories.play_match(match, winner="red", actor=ref, rng=rng)
            report = services.failure_report_file(entry=match.blue, robot=match.blue_robot,
                                                  description="Loose battery cover.",
                                                  irreversible=False, actor=people["ref1"])
            services.failure_report_decide(report=report, approve=False, note="Fixed in the pit.",
                                           actor=people["head2"])
            services.failure_report_file(entry=match.red, robot=match.red_robot,
                                         description="Camera flicker.", irreversible=False,
                                         actor=people["ref2"])
        else:
            factories.play_match(match, winner=rng.choice(["red", "blue"]), actor=ref, rng=rng)
    factories._draw_any_lots(season, rng, people["organizer"])
    services.knockout_start(season=season, seed=5, actor=system_actor())
    services.referees_assign_round_robin(season=season, actor=system_actor())
    qf = {m.slot: m for m in season.matches.filter(stage=Match.Stage.QUARTERFINAL)}
    ref = qf["QF1"].referees.get()
    factories.play_match(qf["QF1"], winner="blue", actor=ref, rng=rng)
    services.match_sign_off(match=qf["QF1"], actor=ref)
    ref = qf["QF2"].referees.get()
    _fight(qf["QF2"], [_won("red")], actor=ref, allowances=[("blue", AllowanceUse.Kind.TACTICAL_TIMEOUT)])
    services.match_check_in(match=qf["QF3"], red_robot=services.active_robot(qf["QF3"].red),
                            blue_robot=services.active_robot(qf["QF3"].blue), red_seal="Q3R",
                            blue_seal="Q3B", actor=system_actor())
    season.refresh_from_db()
    return season
