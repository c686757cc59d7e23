"""An import runs every rule: a file that breaks one is refused with the rule id and the place in
the file, and nothing is saved (the row counts of every table are unchanged)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from league.exchange import import_season, season_document
from league.exchange.format import dt_in, dt_out
from league.models import Season, Team
from league.selectors import group_standings
from league.services.common import system_actor

from .conftest import add_failure, entry_at, field_backup_after, match_at, matches_of, refused, robot_serial

pytestmark = pytest.mark.django_db


def _qualified(doc: dict) -> list[int]:
    return [i for i, e in enumerate(doc["entries"]) if e["status"] == "qualified"]


def _group_match(doc: dict, rounds: int | None = None) -> int:
    """The first group match fought (with this many rounds): the replay reaches it early."""
    candidates = [i for i, m in enumerate(doc["matches"]) if m["stage"] == "group"
                  and (rounds is None or len(m["rounds"]) == rounds)]
    return min(candidates, key=lambda i: dt_in(doc["matches"][i]["started_at"]))


# --- R1, R2, R3: the field, rosters and robots ------------------------------------------------

def test_r1_import_refuses_a_17th_qualified_team(doc):
    rejected = next(i for i, e in enumerate(doc["entries"]) if e["status"] == "audition_rejected")
    doc["entries"][rejected].update(status="qualified", reason="")
    error = refused(doc)
    assert error.rule == "R1"
    assert error.path.startswith("entries[")
    assert "16" in error.message


def test_r2_import_refuses_a_team_entered_twice(doc):
    doc["entries"].append(copy.deepcopy(doc["entries"][0]))
    error = refused(doc)
    assert error.rule == "R2"
    assert error.path in ("entries[0]", f"entries[{len(doc['entries']) - 1}]")
    assert "already entered" in error.message


def test_r2_import_refuses_a_roster_of_two(doc):
    i = _qualified(doc)[0]
    doc["entries"][i]["members"] = doc["entries"][i]["members"][:2]
    error = refused(doc)
    assert (error.rule, error.path) == ("R2", f"entries[{i}]")
    assert "3-10 members" in error.message


def test_r2_import_refuses_a_roster_of_eleven(doc):
    i = _qualified(doc)[0]
    doc["entries"][i]["members"] += [{"name": f"Extra {n}", "role": "technical_staff"}
                                     for n in range(7)]
    error = refused(doc)
    assert (error.rule, error.path) == ("R2", f"entries[{i}].members[10]")


def test_r2_import_refuses_a_team_without_legal_registration(doc):
    team = doc["entries"][0]["team"]
    t = next(i for i, row in enumerate(doc["teams"]) if row["slug"] == team)
    doc["teams"][t]["registration_number"] = ""
    error = refused(doc)
    assert (error.rule, error.path) == ("R2", f"teams[{t}].registration_number")
    assert "blank" in error.message


def test_r2_import_refuses_an_existing_team_without_legal_registration(doc):
    team = doc["entries"][0]["team"]
    t = next(i for i, row in enumerate(doc["teams"]) if row["slug"] == team)
    doc["teams"][t]["registration_number"] = ""
    Team.objects.create(**doc["teams"][t])  # bypasses validation, as an old row might
    error = refused(doc)
    assert (error.rule, error.path) == ("R2", "entries[0]")
    assert "legally registered" in error.message


def test_r2_import_refuses_to_rewrite_a_lasting_team_identity(doc):
    row = doc["teams"][3]
    Team.objects.create(**{**row, "name_en": "Someone Else"})
    error = refused(doc)
    assert (error.rule, error.path) == ("R2", "teams[3].name_en")
    assert "Someone Else" in error.message


def test_r3_import_refuses_a_third_robot(doc):
    i = _qualified(doc)[0]
    doc["entries"][i]["robots"].append({"role": "primary", "model": "EngineAI T800",
                                        "serial": "T800-EXTRA", "name": "Spare", "status": "ready"})
    error = refused(doc)
    assert (error.rule, error.path) == ("R3", f"entries[{i}].robots[2]")


def test_r3_import_refuses_a_serial_registered_to_two_teams(doc):
    a, b = _qualified(doc)[:2]
    doc["entries"][b]["robots"][1]["serial"] = doc["entries"][a]["robots"][1]["serial"]
    error = refused(doc)
    assert error.rule == "R3"
    assert error.path in (f"entries[{a}].robots[1]", f"entries[{b}].robots[1]")
    assert "already registered" in error.message


# --- R4, R5: failures and the one replacement --------------------------------------------------

def _failing_team(doc: dict) -> tuple[str, int, int]:
    team = doc["matches"][_group_match(doc)]["red"]
    first, second = matches_of(doc, team)[:2]
    return team, first, second


def test_r4_import_refuses_a_second_replacement(doc):
    team, first, second = _failing_team(doc)
    add_failure(doc, team, after=first)
    field_backup_after(doc, team, first)
    second_report = add_failure(doc, team, after=second, role="backup", replacement=False,
                                filed_by="ref2", decided_by="head2")
    doc["replacements"].append({
        "team": team, "failure_report": second_report, "old_robot": robot_serial(doc, team, "backup"),
        "new_robot": robot_serial(doc, team, "primary"), "recorded_by": "head2",
        "recorded_at": doc["failure_reports"][second_report]["decided_at"]})
    error = refused(doc)
    assert error.rule == "R4"
    assert error.path == f"replacements[{len(doc['replacements']) - 1}]"
    assert "already replaced its primary robot once" in error.message


def test_r4_import_refuses_a_replacement_without_an_approved_failure(doc):
    team, first, _ = _failing_team(doc)
    add_failure(doc, team, after=first, status="rejected")
    error = refused(doc)
    assert (error.rule, error.path) == ("R4", "replacements[0]")
    assert "approved" in error.message


def test_r4_import_refuses_a_failure_approved_by_the_referee_who_filed_it(doc):
    team, first, _ = _failing_team(doc)
    add_failure(doc, team, after=first, filed_by="head", decided_by="head")
    error = refused(doc)
    assert (error.rule, error.path) == ("R4", "failure_reports[0].decided_by")
    assert "Four eyes" in error.message


def test_r4_import_refuses_an_approved_failure_whose_replacement_is_missing(doc):
    team, first, _ = _failing_team(doc)
    add_failure(doc, team, after=first, replacement=False)
    field_backup_after(doc, team, first)
    doc["entries"][entry_at(doc, team)]["robots"][0]["status"] = "failed"
    error = refused(doc)
    assert (error.rule, error.path) == ("R4", "failure_reports[0]")
    assert "lists no replacement" in error.message


def test_r5_import_refuses_a_failed_primary_checked_in_again(doc):
    team, first, second = _failing_team(doc)
    add_failure(doc, team, after=first)  # the primary fails for good; later matches still field it
    error = refused(doc)
    assert (error.rule, error.path) == ("R5", f"matches[{second}]")
    assert "never fights again" in error.message


# --- R6, R7, R8, R9: running a match -----------------------------------------------------------

def test_r6_import_refuses_two_corners_with_one_battery_seal(doc):
    i = _group_match(doc)
    doc["matches"][i]["blue_seal"] = doc["matches"][i]["red_seal"]
    error = refused(doc)
    assert (error.rule, error.path) == ("R6", f"matches[{i}]")
    assert "battery seal" in error.message


def test_r6_import_refuses_a_battery_swap_that_does_not_disqualify(doc):
    i = _group_match(doc, rounds=2)
    match = doc["matches"][i]
    swapper = match["rounds"][0]["winner"]
    match.update(rounds=match["rounds"][:1], battery_swap=swapper, method="dq",
                 red_rounds=int(swapper == "red"), blue_rounds=int(swapper == "blue"),
                 winner=match[swapper])  # the swapping corner keeps the win
    error = refused(doc)
    assert (error.rule, error.path) == ("R6", f"matches[{i}].winner")


def test_r6_import_refuses_a_battery_swap_after_the_match_ended(doc):
    i = _group_match(doc, rounds=2)
    doc["matches"][i]["battery_swap"] = "red"
    error = refused(doc)
    assert (error.rule, error.path) == ("R6", f"matches[{i}].battery_swap")


def test_r7_import_refuses_a_match_run_by_an_unassigned_referee(doc):
    i = _group_match(doc)
    match = doc["matches"][i]
    outsider = next(u["username"] for u in doc["users"]
                    if u["username"] not in match["referees"] and "referee" in u["roles"])
    match["rounds"][0]["recorded_by"] = outsider
    error = refused(doc)
    assert (error.rule, error.path) == ("R7", f"matches[{i}].rounds[0]")
    assert "assigned" in error.message


def test_r8_import_refuses_a_fourth_round(doc):
    i = _group_match(doc, rounds=3)
    extra = copy.deepcopy(doc["matches"][i]["rounds"][2])
    extra["number"] = 4
    doc["matches"][i]["rounds"].append(extra)
    error = refused(doc)
    assert (error.rule, error.path) == ("R8", f"matches[{i}].rounds[3]")
    assert "decided before round 4" in error.message


def test_r8_import_refuses_a_points_decision_for_the_lower_score(doc):
    i = _group_match(doc)
    rnd = doc["matches"][i]["rounds"][0]
    winner, loser = rnd["winner"], "blue" if rnd["winner"] == "red" else "red"
    rnd.update({"method": "points", f"{winner}_points": 4, f"{loser}_points": 19})
    error = refused(doc)
    assert (error.rule, error.path) == ("R8", f"matches[{i}].rounds[0]")
    assert "more points" in error.message


def test_r8_import_refuses_a_winner_that_the_rounds_do_not_give(doc):
    i = _group_match(doc)
    match = doc["matches"][i]
    match["winner"] = match["blue"] if match["winner"] == match["red"] else match["red"]
    error = refused(doc)
    assert (error.rule, error.path) == ("R8", f"matches[{i}].winner")


def test_r9_import_refuses_a_third_manual_reset(doc):
    i = _group_match(doc)
    match = doc["matches"][i]
    at = match["rounds"][0]["recorded_at"]
    match["allowances"] = [{"corner": "red", "kind": "manual_reset", "round": 1, "recorded_by": None,
                            "recorded_at": at} for _ in range(3)]
    error = refused(doc)
    assert (error.rule, error.path) == ("R9", f"matches[{i}].allowances[2]")
    assert "manual resets" in error.message


# --- R10, R11, R12: the draw, the schedule, the standings -------------------------------------

def test_r10_import_refuses_a_draw_that_does_not_match_its_seed(doc):
    pot1 = sorted((e for e in doc["entries"] if e["pot"] == 1), key=lambda e: e["group"])
    a, b = pot1[0], pot1[1]
    a["group"], b["group"] = b["group"], a["group"]
    for group in doc["groups"]:
        group["teams"] = [b["team"] if t == a["team"] else a["team"] if t == b["team"] else t
                          for t in group["teams"]]
    error = refused(doc)
    assert error.rule == "R10"
    assert error.path in (f"entries[{entry_at(doc, a['team'])}].group",
                          f"entries[{entry_at(doc, b['team'])}].group")
    assert "seed" in error.message


def test_r10_import_refuses_a_changed_draw_seed(doc):
    doc["season"]["draw_seed"] += 1
    error = refused(doc)
    assert error.rule == "R10"
    assert error.path.endswith(".group") or error.path.startswith("groups")


def test_r11_import_refuses_a_team_fighting_twice_on_one_day(doc):
    team = doc["matches"][0]["red"]
    mine = sorted((i for i, m in enumerate(doc["matches"]) if m["stage"] == "group"
                   and team in (m["red"], m["blue"])), key=lambda i: doc["matches"][i]["day"])
    day1, day2 = mine[0], mine[1]
    late = max(dt_in(m["scheduled_at"]) for m in doc["matches"] if m["day"] == 1)
    doc["matches"][day2]["scheduled_at"] = dt_out(late + dt.timedelta(minutes=doc["season"]["slot_minutes"]))
    error = refused(doc)
    assert error.rule == "R11"
    assert error.path == f"matches[{day2}].scheduled_at"
    assert "at most once a day" in error.message or "rests only" in error.message
    assert doc["matches"][day1]["day"] == 1


def _tie_three_in_group_a(doc: dict) -> list[str]:
    """Rewrite group A so that its first three teams are level on every criterion (R12)."""
    t1, t2, t3, t4 = next(g["teams"] for g in doc["groups"] if g["name"] == "A")
    beats = {frozenset((t1, t2)): t1, frozenset((t2, t3)): t2, frozenset((t1, t3)): t3,
             frozenset((t1, t4)): t1, frozenset((t2, t4)): t2, frozenset((t3, t4)): t3}
    for match in doc["matches"]:
        if match["group"] != "A":
            continue
        winner = beats[frozenset((match["red"], match["blue"]))]
        corner = "red" if match["red"] == winner else "blue"
        other = "blue" if corner == "red" else "red"
        rounds = match["rounds"][:2]
        for number, rnd in enumerate(rounds, start=1):
            rnd.update({"number": number, "winner": corner, "method": "points",
                        f"{corner}_points": 20, f"{other}_points": 10, "red_knockdowns": 0,
                        "blue_knockdowns": 0, "red_fouls": 0, "blue_fouls": 0})
        match.update(rounds=rounds, winner=winner, method="points", allowances=[],
                     **{f"{corner}_rounds": 2, f"{other}_rounds": 0})
    return [t1, t2, t3, t4]


def test_r12_import_refuses_a_tie_left_without_lots(doc):
    _tie_three_in_group_a(doc)
    error = refused(doc)
    group_a = next(g for g, row in enumerate(doc["groups"]) if row["name"] == "A")
    assert (error.rule, error.path) == ("R12", f"groups[{group_a}]")
    assert "lots" in error.message


def test_r12_import_refuses_lots_that_order_the_wrong_teams(doc):
    t1, t2, _t3, t4 = _tie_three_in_group_a(doc)
    for lot, team in enumerate((t1, t2, t4), start=1):  # t3 is tied, t4 is not
        doc["entries"][entry_at(doc, team)]["lot"] = lot
    error = refused(doc)
    assert error.rule == "R12"
    assert error.path == f"entries[{entry_at(doc, t1)}].lot"  # the lots of group A start here
    assert "still tied" in error.message


def test_r12_import_refuses_lots_where_nothing_is_tied(doc):
    team = next(g["teams"][0] for g in doc["groups"] if g["name"] == "B")
    doc["entries"][entry_at(doc, team)]["lot"] = 1
    error = refused(doc)
    assert (error.rule, error.path) == ("R12", f"entries[{entry_at(doc, team)}].lot")


def _group_done(doc: dict) -> dict:
    """The same season cut back to the end of its group stage (the knockout not started)."""
    doc["matches"] = [m for m in doc["matches"] if m["stage"] == "group"]
    doc["placings"] = []
    doc["season"].update(phase="group_stage", knockout_seed=None)
    return doc


def _without_users(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key != "users"}


def test_r12_import_accepts_a_tie_still_waiting_for_lots_during_the_group_stage(doc):
    _tie_three_in_group_a(_group_done(doc))
    season = import_season(copy.deepcopy(doc), actor=system_actor())
    table = group_standings(group=season.groups.get(name="A"))
    assert len(table.lots_needed) == 1 and len(table.lots_needed[0]) == 3
    assert _without_users(season_document(season)) == _without_users(doc)


def test_r12_import_replays_the_lots_that_break_a_tie(doc):
    t1, t2, t3, _t4 = _tie_three_in_group_a(_group_done(doc))
    for lot, team in enumerate((t2, t3, t1), start=1):
        doc["entries"][entry_at(doc, team)]["lot"] = lot
    season = import_season(copy.deepcopy(doc), actor=system_actor())
    table = group_standings(group=season.groups.get(name="A"))
    assert [row.entry.team.slug for row in table.rows[:3]] == [t2, t3, t1]
    assert table.rows[0].separated_by == "lots" and not table.lots_needed
    assert _without_users(season_document(season)) == _without_users(doc)


# --- R13, R14: the knockout ------------------------------------------------------------------

def test_r13_import_refuses_quarterfinal_pairs_that_do_not_follow_the_seed(doc):
    qf1, qf3 = match_at(doc, "QF1"), match_at(doc, "QF3")
    doc["matches"][qf1]["blue"], doc["matches"][qf3]["blue"] = (doc["matches"][qf3]["blue"],
                                                                doc["matches"][qf1]["blue"])
    error = refused(doc)
    assert (error.rule, error.path) == ("R13", f"matches[{qf1}].blue")
    assert "seed" in error.message


def test_r14_import_refuses_a_winner_that_does_not_advance(doc):
    qf1, sf1 = doc["matches"][match_at(doc, "QF1")], match_at(doc, "SF1")
    loser = qf1["blue"] if qf1["winner"] == qf1["red"] else qf1["red"]
    doc["matches"][sf1]["red"] = loser  # the QF1 loser instead of its winner
    error = refused(doc)
    assert (error.rule, error.path) == ("R14", f"matches[{sf1}].red")
    assert "bracket" in error.message


# --- R15, R16: places and rewards -------------------------------------------------------------

def test_r15_import_refuses_tampered_placings(doc):
    first, second = doc["placings"][0], doc["placings"][1]
    assert (first["place"], second["place"]) == (1, 2)
    first["team"], second["team"] = second["team"], first["team"]
    error = refused(doc)
    assert (error.rule, error.path) == ("R15", "placings[0].team")


def test_r15_import_refuses_a_reward_for_a_group_stage_team(doc):
    out = next(e["team"] for e in doc["entries"] if e["status"] == "qualified"
               and e["team"] not in {p["team"] for p in doc["placings"]})
    doc["placings"].append({"place": 5, "team": out, "reward": dict(doc["placings"][-1]["reward"])})
    error = refused(doc)
    assert error.rule == "R15"
    assert error.path.startswith("placings")


def test_r16_import_refuses_a_typed_in_reward(doc):
    doc["placings"][0]["reward"]["value"] = "20000000.00"
    error = refused(doc)
    assert (error.rule, error.path) == ("R16", "placings[0].reward.value")


# --- a malformed file ------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, path, words", [
    (lambda d: d.update(format="other-league"), "format", "not a 'robot-league-season' file"),
    (lambda d: d.update(version=2), "version", "version 2 is not supported"),
    (lambda d: d["matches"][3]["rounds"][1].pop("winner"), "matches[3].rounds[1].winner", "missing"),
    (lambda d: d["matches"][12]["rounds"][0].update(red_points="12"),
     "matches[12].rounds[0].red_points", "expected a whole number"),
    (lambda d: d["entries"][2]["robots"][1].update(role="spare"), "entries[2].robots[1].role",
     "not one of"),
    (lambda d: d["matches"][0].update(colour="red"), "matches[0].colour", "unknown key"),
    (lambda d: d["matches"][5].update(referees=["ghost"]), "matches[5].referees[0]",
     "user 'ghost' is not defined"),
    (lambda d: d["matches"][5].update(scheduled_at="2026-03-06 14:00"), "matches[5].scheduled_at",
     "not an ISO 8601 instant"),
    (lambda d: d["season"]["rewards"][0].update(value=10000000), "season.rewards[0].value",
     "expected an amount"),
    (lambda d: d["replacements"].append({"team": d["entries"][0]["team"], "failure_report": 7,
                                         "old_robot": d["entries"][0]["robots"][0]["serial"],
                                         "new_robot": d["entries"][0]["robots"][1]["serial"],
                                         "recorded_by": "head",
                                         "recorded_at": "2026-03-07T00:00:00Z"}),
     "replacements[0].failure_report", "no failure report 7"),
])
def test_import_refuses_a_malformed_file_with_its_path(doc, mutate, path, words):
    mutate(doc)
    error = refused(doc)
    assert error.rule is None
    assert error.path == path
    assert words in error.message


def test_import_refuses_a_file_that_is_not_an_object(db):
    error = refused([])
    assert error.path == "(file)"


def test_a_refused_import_leaves_an_existing_season_untouched(doc, finished_doc):
    """Import the season, then a broken copy under another slug: still one season, same rows."""
    import_season(copy.deepcopy(finished_doc), actor=system_actor())
    doc["season"]["slug"] = "copy"
    i = _group_match(doc)
    doc["matches"][i]["blue_seal"] = doc["matches"][i]["red_seal"]
    error = refused(doc)
    assert (error.rule, error.path) == ("R6", f"matches[{i}]")
    assert list(Season.objects.values_list("slug", flat=True)) == [finished_doc["season"]["slug"]]
