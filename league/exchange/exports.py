"""Exports of a season: the schedule (CSV and iCalendar), the results and the final places (CSV).

Times are written in the season's own time zone (with the UTC time beside it in the CSV); the
iCalendar file carries the zone's VTIMEZONE so calendar apps show the right local time.
Each export reads the season in a fixed number of queries.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ..models import Match, Placing, Round, Season

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A spreadsheet that splits on another delimiter (";" in most European locales, tab, "|") reads
# each part of a cell as a cell of its own: "Seoul;=1+1" becomes "Seoul" and a formula. Each
# part that would start a formula gets the apostrophe too.
_PART_START = re.compile(r"([;,\t|\r\n]\s*)(?=[=+\-@])")


def safe_cell(value) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection), whatever delimiter
    the spreadsheet splits on: "=1+1" -> "'=1+1", "Seoul;=1+1" -> "Seoul;'=1+1"."""
    text = "" if value is None else str(value)
    text = _PART_START.sub(r"\1'", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _matches(season: Season) -> QuerySet[Match]:
    return (season.matches.select_related("group", "red__team", "blue__team", "winner__team")
            .prefetch_related("referees", Prefetch("rounds", queryset=Round.objects.order_by("number")))
            .order_by("scheduled_at", "ring", "slot"))


def _local(season: Season, moment: dt.datetime | None) -> str:
    return moment.astimezone(season.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _team(entry) -> str:
    return entry.team.name_en if entry else ""


def _team_zh(entry) -> str:
    return entry.team.name_zh if entry else ""


def _write(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[safe_cell(cell) for cell in row] for row in rows])
    return out.getvalue()


SCHEDULE_HEADER = ["slot", "stage", "group", "day", "local_time", "time_zone", "utc_time", "ring",
                   "red", "red_zh", "blue", "blue_zh", "status", "referees"]


def schedule_csv(season: Season) -> str:
    """Every match of the season in schedule order. 3 queries."""
    rows = [[m.slot, m.stage, m.group.name if m.group else "", m.day or "", _local(season, m.scheduled_at),
             season.time_zone, _utc(m.scheduled_at), m.ring, _team(m.red), _team_zh(m.red), _team(m.blue),
             _team_zh(m.blue), m.status, " ".join(sorted(u.get_username() for u in m.referees.all()))]
            for m in _matches(season)]
    return _write(SCHEDULE_HEADER, rows)


RESULTS_HEADER = ["slot", "stage", "group", "local_time", "ring", "red", "blue", "status", "winner",
                  "red_rounds", "blue_rounds", "method", "rounds", "note"]


def _rounds(match: Match) -> str:
    """'1:red/points 22-8; 2:red/ko 15-3' (winner/method red points-blue points)."""
    return "; ".join(f"{r.number}:{r.winner}/{r.method} {r.red_points}-{r.blue_points}"
                     for r in match.rounds.all())


def results_csv(season: Season) -> str:
    """Finished and forfeited matches in schedule order, with their rounds. 3 queries."""
    rows = [[m.slot, m.stage, m.group.name if m.group else "", _local(season, m.scheduled_at), m.ring,
             _team(m.red), _team(m.blue), m.status, _team(m.winner), m.red_rounds, m.blue_rounds,
             m.method, _rounds(m), m.result_note]
            for m in _matches(season).filter(status__in=Match.DONE)]
    return _write(RESULTS_HEADER, rows)


PLACES_HEADER = ["place", "place_name", "team", "team_zh", "country", "reward", "value", "currency"]


def places_csv(season: Season) -> str:
    """The final places and their rewards (empty until the season finishes). 1 query."""
    placings = Placing.objects.filter(season=season).select_related("entry__team")
    return _write(PLACES_HEADER, [
        [p.place, p.get_place_display(), p.entry.team.name_en, p.entry.team.name_zh, p.entry.team.country,
         p.reward_description, p.reward_value, p.reward_currency] for p in placings])


def _calendar(name: str, time_zone: str):
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//Robot Fighting League//Schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", time_zone)
    return cal


def _add_events(cal, season: Season, matches: QuerySet[Match], host: str) -> None:
    from icalendar import Event

    length = dt.timedelta(minutes=season.slot_minutes)
    stamp = timezone.now()
    for m in matches.filter(scheduled_at__isnull=False):
        start = m.scheduled_at.astimezone(season.tz)
        event = Event()
        event.add("uid", f"{season.slug}-{m.slot}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + length)
        event.add("summary", f"{m.slot}: {m.red_name} v {m.blue_name}")
        event.add("location", ", ".join(part for part in (m.ring, season.venue, season.city) if part))
        details = [m.get_stage_display()]
        if m.group:
            details.append(str(m.group))
        if m.red_id and m.blue_id:
            details.append(f"{m.red.team.name_zh} v {m.blue.team.name_zh}")
        event.add("description", " · ".join(str(d) for d in details))
        event.add("status", "CANCELLED" if m.status == Match.Status.FORFEITED else "CONFIRMED")
        event.add("sequence", m.version)
        cal.add_component(event)


def schedule_ics(season: Season, *, host: str = "robot-league") -> bytes:
    """The schedule as an iCalendar file: one event per match with a known time. 3 queries."""
    cal = _calendar(season.name, season.time_zone)
    _add_events(cal, season, _matches(season), host)
    cal.add_missing_timezones()
    return cal.to_ical()


def team_schedule_ics(team, seasons: list[Season], *, host: str = "robot-league") -> bytes:
    """One team's fights in the given seasons (its private calendar subscription, the teams'
    site). 3 queries per season."""
    from django.db.models import Q

    cal = _calendar(team.name_en, seasons[-1].time_zone if seasons else "UTC")
    for season in seasons:
        _add_events(cal, season, _matches(season).filter(Q(red__team=team) | Q(blue__team=team)), host)
    cal.add_missing_timezones()
    return cal.to_ical()
