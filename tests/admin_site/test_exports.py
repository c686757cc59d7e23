"""Exports: the schedule as CSV and iCalendar, the results as CSV, in a fixed number of queries."""
from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from league.exchange import exports
from league.models import Match
from tests import factories

from .helpers import season_at

pytestmark = pytest.mark.django_db


def export(client, season, kind):
    response = client.get(reverse("admin:league_season_export", args=[season.pk, kind]))
    assert response.status_code == 200
    return response


def test_schedule_csv_in_the_seasons_time_zone(org):
    season = season_at(org, "group_stage")
    response = export(org, season, "schedule-csv")
    assert response["Content-Disposition"] == f'attachment; filename="{season.slug}-schedule.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 24
    first = season.matches.order_by("scheduled_at", "ring").first()
    assert rows[0]["slot"] == first.slot
    assert rows[0]["local_time"] == first.scheduled_at.astimezone(season.tz).strftime("%Y-%m-%d %H:%M")
    assert rows[0]["local_time"].endswith("14:00") and rows[0]["time_zone"] == "Asia/Shanghai"
    assert rows[0]["utc_time"].endswith("06:00:00Z")
    assert rows[0]["red_zh"] and rows[0]["referees"]


def test_schedule_ical_has_one_event_per_match_with_its_time_zone(org):
    from icalendar import Calendar

    season = season_at(org, "group_stage")
    response = export(org, season, "schedule-ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 24
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    match = season.matches.order_by("scheduled_at", "ring").first()
    event = next(e for e in events if str(e["UID"]).startswith(f"{season.slug}-{match.slot}@"))
    assert event.decoded("DTSTART") == match.scheduled_at
    assert str(event.decoded("DTSTART").tzinfo) == "Asia/Shanghai"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == season.slot_minutes * 60
    assert str(event["SUMMARY"]) == f"{match.slot}: {match.red_name} v {match.blue_name}"
    assert season.venue in str(event["LOCATION"])


def test_results_csv_lists_finished_matches_and_places_csv_the_rewards(org):
    season = season_at(org, "finished")
    text = export(org, season, "results-csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == season.matches.filter(status__in=Match.DONE).count() == 24 + 8
    final = next(r for r in rows if r["slot"] == "F")
    assert final["winner"] in (final["red"], final["blue"]) and final["rounds"].startswith("1:")
    places = export(org, season, "places-csv").content.decode("utf-8-sig")
    placing_rows = list(csv.DictReader(io.StringIO(places)))
    assert len(placing_rows) == 8
    assert placing_rows[0]["place_name"] == "Champion" and placing_rows[0]["value"] == "10000000.00"
    assert placing_rows[0]["reward"] == "Pure-gold championship belt"


def test_unknown_export_is_404(org):
    season = factories.SeasonFactory()
    assert org.get(reverse("admin:league_season_export", args=[season.pk, "everything"])).status_code == 404


def test_csv_cells_never_start_a_formula():
    assert exports.safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert exports.safe_cell("+86 755") == "'+86 755"
    assert exports.safe_cell("Team 7") == "Team 7"


def test_exports_read_in_a_fixed_number_of_queries(django_assert_num_queries, people):
    small = factories.season_at("group_stage")
    big = factories.season_at("finished")
    for fn, queries in [(exports.schedule_csv, 3), (exports.schedule_ics, 3), (exports.results_csv, 3),
                        (exports.places_csv, 1)]:
        for season in (small, big):
            season = type(season).objects.get(pk=season.pk)
            with django_assert_num_queries(queries):
                fn(season)
