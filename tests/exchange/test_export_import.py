"""Season export / import: export -> import -> export gives the same bytes (issue 2, item 7)."""
from __future__ import annotations

import copy
import json
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from league.exchange import FORMAT, VERSION, dumps, export_season, import_season, season_document
from league.exchange.format import dt_in
from league.models import AuditEvent, Entry, FailureReport, Match, Replacement, Robot, Season, Team
from league.services.common import SYSTEM_USERNAME, system_actor
from tests import factories

from .conftest import (
    add_failure,
    delete_season,
    entry_at,
    field_backup_after,
    matches_of,
    refused,
    rich_season,
    robot_serial,
    row_counts,
)

pytestmark = pytest.mark.django_db


def _round_trip(doc: dict) -> str:
    season = import_season(copy.deepcopy(doc), actor=system_actor())
    return export_season(season)


def test_finished_season_round_trips_byte_identical_through_the_commands(finished_doc, tmp_path,
                                                                          capsys):
    assert Season.objects.count() == 0 and get_user_model().objects.count() == 0  # an empty database
    path = tmp_path / "season.json"
    path.write_text(dumps(finished_doc), encoding="utf-8")
    call_command("import_season", str(path))
    assert "Imported season" in capsys.readouterr().out
    again = tmp_path / "again.json"
    call_command("export_season", finished_doc["season"]["slug"], "-o", str(again))
    assert again.read_bytes() == path.read_bytes()

    season = Season.objects.get()
    assert season.phase == Season.Phase.FINISHED
    champion = season.placings.get(place=1)
    assert champion.reward_description == "Pure-gold championship belt"
    assert str(champion.reward_value) == "10000000.00"
    assert season.placings.count() == 8
    # The referees the file names were created, in their roles, with no usable password.
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    system = users.pop(SYSTEM_USERNAME)  # the import acts as the league's system actor (issue 8)
    assert not system.is_active and not system.has_usable_password()
    assert set(users) == {u["username"] for u in finished_doc["users"]}
    for row in finished_doc["users"]:
        assert sorted(g.name for g in users[row["username"]].groups.all()) == row["roles"]
        assert not users[row["username"]].has_usable_password()


def test_mid_knockout_season_round_trips_byte_identical(knockout_doc):
    text = _round_trip(knockout_doc)
    assert text == dumps(knockout_doc)
    season = Season.objects.get()
    assert season.phase == Season.Phase.KNOCKOUT
    semis = season.matches.filter(stage=Match.Stage.SEMIFINAL)
    assert all(m.red_id and m.blue_id and m.status == Match.Status.SCHEDULED for m in semis)


@pytest.mark.parametrize("state", ["registration", "qualified", "drawn", "group_stage"])
def test_early_states_round_trip_after_deleting_the_season(db, state):
    season = factories.season_at(state)
    text = export_season(season)
    delete_season(season)
    teams = Team.objects.count()
    imported = import_season(json.loads(text), actor=system_actor())
    assert export_season(imported) == text
    assert Team.objects.count() == teams  # a team's identity lasts: reused, not duplicated


def test_season_without_third_place_match_in_another_time_zone_round_trips(db):
    season = factories.season_at("finished", third_place_match=False, time_zone="America/New_York",
                                 rings="Ring A")
    text = export_season(season)
    delete_season(season)
    imported = import_season(json.loads(text), actor=system_actor())
    assert export_season(imported) == text
    assert sorted(imported.placings.values_list("place", flat=True)) == [1, 2, 3, 3, 5, 5, 5, 5]


def test_rich_season_round_trips_after_deleting_it(db):
    """Allowances, a battery swap, forfeits, a correction, failures, lots, a live quarterfinal."""
    season = rich_season()
    text = export_season(season)
    doc = json.loads(text)
    matches = {m["slot"]: m for m in doc["matches"]}
    # The file really holds every kind of event.
    assert any(m["battery_swap"] == "blue" and m["method"] == "dq" for m in doc["matches"])
    assert any(m["status"] == "forfeited" and m["winner"] is None for m in doc["matches"])
    assert any(m["status"] == "forfeited" and m["winner"] for m in doc["matches"])
    assert any(len(m["allowances"]) == 4 for m in doc["matches"])
    assert any(m["corrections"] and m["corrections"][0]["by"] == "head" for m in doc["matches"])
    assert sorted(r["status"] for r in doc["failure_reports"]) == ["approved", "pending", "rejected"]
    assert len(doc["replacements"]) == 1
    assert sorted(e["lot"] for e in doc["entries"] if e["group"] == "A" and e["lot"]) == [1, 2, 3]
    assert matches["QF2"]["status"] == "live" and len(matches["QF2"]["rounds"]) == 1
    assert matches["QF3"]["status"] == "checked_in"

    delete_season(season)
    imported = import_season(doc, actor=system_actor())
    assert export_season(imported) == text
    replacement = Replacement.objects.get(entry__season=imported)
    assert replacement.old_robot.status == Robot.Status.FAILED
    corrected = AuditEvent.objects.get(season=imported, action="result_corrected")
    assert corrected.reason == "Video review: both red knockdowns were slips."
    assert AuditEvent.objects.filter(season=imported, action="season_imported").count() == 1


def test_import_with_an_approved_failure_and_its_replacement(doc):
    """R4/R5 allowed: the panel approves, the backup fights from the next match on."""
    team = doc["matches"][0]["red"]
    first = matches_of(doc, team)[0]
    add_failure(doc, team, after=first)
    field_backup_after(doc, team, first)
    doc["entries"][entry_at(doc, team)]["robots"][0]["status"] = "failed"
    season = import_season(copy.deepcopy(doc), actor=system_actor())
    assert export_season(season) == dumps(doc)
    entry = Entry.objects.get(season=season, team__slug=team)
    assert entry.replacement.new_robot.serial == robot_serial(doc, team, "backup")
    assert FailureReport.objects.get().decided_by.username == "head"


def test_export_query_count_does_not_grow_with_the_season(db, django_assert_num_queries):
    season = factories.season_at("group_stage")
    with django_assert_num_queries(16):
        small = season_document(season)
    rng = random.Random(1)
    for match in season.matches.exclude(status__in=Match.DONE):
        factories.play_random(match, rng)
    with django_assert_num_queries(16):
        big = season_document(season)
    assert sum(len(m["rounds"]) for m in big["matches"]) > sum(len(m["rounds"]) for m in small["matches"])


def test_document_has_no_database_ids_and_is_canonical(finished_doc):
    assert finished_doc["format"] == FORMAT and finished_doc["version"] == VERSION
    text = dumps(finished_doc)
    assert '"id"' not in text and '"pk"' not in text
    assert [m["slot"] for m in finished_doc["matches"]][:2] == ["A1", "A2"]
    assert [m["slot"] for m in finished_doc["matches"]][-6:] == ["QF3", "QF4", "SF1", "SF2", "3P", "F"]
    assert all(m["scheduled_at"].endswith("Z") for m in finished_doc["matches"])
    assert json.loads(text) == finished_doc


# --- the commands -----------------------------------------------------------------------------

def test_export_command_writes_a_file_and_stdout(db, tmp_path, capsys):
    season = factories.season_at("qualified")
    target = tmp_path / "season.json"
    call_command("export_season", season.slug, "-o", str(target))
    call_command("export_season", season.slug)
    printed = capsys.readouterr().out
    assert target.read_text(encoding="utf-8") == printed == export_season(season)


def test_export_command_names_an_unknown_season(db):
    with pytest.raises(CommandError, match="There is no season 'nope'"):
        call_command("export_season", "nope")


def test_import_command_refuses_with_rule_and_path_and_exits_non_zero(doc, tmp_path, capsys,
                                                                       monkeypatch):
    index = min((i for i, m in enumerate(doc["matches"]) if m["stage"] == "group"),
                key=lambda i: dt_in(doc["matches"][i]["started_at"]))
    rnd = doc["matches"][index]["rounds"][1]
    rnd["method"] = "points"
    winner = rnd["winner"]
    loser = "blue" if winner == "red" else "red"
    rnd[f"{winner}_points"], rnd[f"{loser}_points"] = 3, 9
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = row_counts()
    from django.core.management import ManagementUtility
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_season", str(path)]).execute()
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"matches[{index}].rounds[1]: R8:" in err
    assert "nothing was saved" in err
    assert row_counts() == before


def test_import_command_refuses_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_season", str(path))


def test_import_refuses_a_season_that_already_exists(finished_doc):
    factories.SeasonFactory(slug=finished_doc["season"]["slug"])
    error = refused(copy.deepcopy(finished_doc))
    assert error.path == "season.slug"
    assert "already exists" in error.message
