"""The read-only JSON feed, /api/v1/: seasons, groups with standings, bracket, matches with
rounds, teams. Described by the OpenAPI document at /api/v1/openapi.json (league/openapi.py).

Every response carries an ETag from the same stamps as the public pages (``Season.version``):
a client that sends it back in If-None-Match gets 304 and no body. Bodies are built once per
version (cache framework). Values are codes, never translated labels, so one document serves
every language. Times are ISO 8601 in UTC; each season names its time zone.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from .. import openapi
from ..models import Entry, Match, Reward, Robot, Round, Season, Team
from ..rules import bracket as bracket_rules
from ..selectors import public as read
from .public import conditional, stamp_of

JSON = "application/json"


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default)


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value)}")


def _when(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _respond(request: HttpRequest, stamp: read.Stamp, kind: str, build: Callable[[], dict]
             ) -> HttpResponse:
    def body() -> str:
        with translation.override("en"):  # one document for every language (its ETag says so)
            return _dump(build())

    response = conditional(request, stamp=stamp, kind=f"api-{kind}", build=body, page=False,
                           i18n=False, content_type=JSON)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return response


def _not_found(what: str) -> JsonResponse:
    response = JsonResponse({"error": "not_found", "detail": f"No such {what}."}, status=404)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _season_stamp(slug: str) -> read.Stamp | None:
    return stamp_of(("season", slug), lambda: read.season_stamp(slug=slug))


def season_feed(kind: str):
    """A season's feed endpoint from ``build(season) -> dict``: 404 for an unknown season, else
    the JSON document under the season's ETag (built only when the client lacks it)."""

    def wrap(build: Callable[[Season], dict]) -> Callable[..., HttpResponse]:
        @require_safe
        @wraps(build)
        def view(request: HttpRequest, slug: str) -> HttpResponse:
            stamp = _season_stamp(slug)
            if stamp is None:
                return _not_found("season")
            return _respond(request, stamp, kind, lambda: build(Season.objects.get(pk=stamp.pk)))

        return view

    return wrap


# --- Serializers: plain dicts, one shape per schema in league/openapi.py -------------------------

def team_ref(team: Team | None) -> dict | None:
    if team is None:
        return None
    return {"slug": team.slug, "name_en": team.name_en, "name_zh": team.name_zh,
            "country": team.country, "url": reverse("api:team", args=[team.slug])}


def entry_team(entry: Entry | None) -> dict | None:
    return team_ref(entry.team) if entry is not None else None


def reward_data(reward: Reward) -> dict:
    return {"place": reward.place, "description": reward.description, "value": reward.value,
            "currency": reward.currency}


def season_summary(season: Season) -> dict:
    slug = season.slug
    return {
        "slug": slug, "name": season.name, "name_zh": season.name_zh, "city": season.city,
        "venue": season.venue, "time_zone": season.time_zone, "starts_on": season.starts_on,
        "phase": season.phase, "best_of": season.best_of, "round_minutes": season.round_minutes,
        "third_place_match": season.third_place_match, "version": season.version,
        "links": {
            "self": reverse("api:season", args=[slug]),
            "groups": reverse("api:groups", args=[slug]),
            "bracket": reverse("api:bracket", args=[slug]),
            "matches": reverse("api:matches", args=[slug]),
            "teams": reverse("api:season_teams", args=[slug]),
            "page": reverse("public:season", args=[slug]),
        },
    }


def corner_data(match: Match, corner: str) -> dict:
    robot = getattr(match, f"{corner}_robot", None) if getattr(match, f"{corner}_robot_id") else None
    return {
        "team": entry_team(match.entry_of(corner)),
        "waiting_for": getattr(match, f"{corner}_waiting", "") or None,
        "rounds_won": getattr(match, f"{corner}_rounds"),
        "robot": robot_data(robot) if robot else None,
        "battery_seal": getattr(match, f"{corner}_seal") or None,
    }


def robot_data(robot: Robot) -> dict:
    return {"name": robot.name, "serial": robot.serial, "model": robot.model, "role": robot.role,
            "status": robot.status}


def round_data(r: Round) -> dict:
    return {"number": r.number, "winner": r.winner, "method": r.method,
            "red_points": r.red_points, "blue_points": r.blue_points,
            "red_knockdowns": r.red_knockdowns, "blue_knockdowns": r.blue_knockdowns,
            "red_fouls": r.red_fouls, "blue_fouls": r.blue_fouls}


def _winner(match: Match) -> str | None:
    if match.winner_id is None:
        return None
    return "red" if match.winner_id == match.red_id else "blue"


def match_data(match: Match, season: Season, rounds: list[Round] | None = None) -> dict:
    data = {
        "slot": match.slot, "stage": match.stage,
        "group": match.group.name if match.group_id else None, "day": match.day,
        "ring": match.ring or None, "scheduled_at": _when(match.scheduled_at),
        "status": match.status, "red": corner_data(match, "red"), "blue": corner_data(match, "blue"),
        "winner": _winner(match), "method": match.method or None,
        "result_note": match.result_note or None, "started_at": _when(match.started_at),
        "finished_at": _when(match.finished_at),
        "url": reverse("api:match", args=[season.slug, match.slot]),
        "page": reverse("public:match", args=[season.slug, match.slot]),
    }
    if rounds is not None:
        data["rounds"] = [round_data(r) for r in rounds]
    return data


# --- Views --------------------------------------------------------------------------------------

@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return _respond(request, stamp_of(("league",), read.archive_stamp), "index", lambda: {
        "name": "Robot Fighting League", "version": "v1",
        "links": {"seasons": reverse("api:seasons"), "teams": reverse("api:teams"),
                  "openapi": reverse("api:openapi")}})


@require_safe
def seasons(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        archive = read.season_archive()
        return {"seasons": [{**season_summary(item.season),
                             "champion": entry_team(item.champion.entry) if item.champion else None,
                             "live_matches": item.live} for item in archive.seasons]}

    return _respond(request, stamp_of(("league",), read.archive_stamp), "seasons", build)


@season_feed("season")
def season(s: Season) -> dict:
    overview = read.season_overview(season=s)
    return {**season_summary(s),
            "rewards": [reward_data(r) for r in overview.rewards],
            "placings": [{"place": p.place, "team": entry_team(p.entry),
                          "reward": {"description": p.reward_description,
                                     "value": p.reward_value, "currency": p.reward_currency}}
                         for p in overview.placings],
            "live": [m.slot for m in overview.live],
            "matches_total": overview.matches_total, "matches_done": overview.matches_done}


@season_feed("groups")
def groups(s: Season) -> dict:
    tables = read.season_groups(season=s)
    slug_of = {row.entry.pk: row.entry.team.slug for t in tables for row in t.rows}
    return {"season": s.slug, "groups": [{
        "name": t.group.name,
        "complete": t.complete,
        "lots_needed": [[slug_of[pk] for pk in block] for block in t.lots_needed],
        "standings": [{
            "position": row.position, "team": entry_team(row.entry), "played": row.played,
            "won": row.won, "lost": row.lost, "points": row.points,
            "rounds_won": row.rounds_won, "rounds_lost": row.rounds_lost,
            "round_difference": row.round_diff, "ko_round_wins": row.ko_wins,
            "points_for": row.points_for, "points_against": row.points_against,
            "point_difference": row.point_diff, "fouls_and_resets": row.discipline,
            "separated_by": row.separated_by, "lots_needed": row.lots_needed,
        } for row in t.rows],
        "matches": [m.slot for m in t.matches],
    } for t in tables]}


@season_feed("bracket")
def bracket(s: Season) -> dict:
    view = read.bracket_for(season=s)
    slots = [slot for _title, pairs in view.columns for pair in pairs for slot in pair]
    if view.third_place:
        slots.append(view.third_place)

    def slot_data(b) -> dict:
        m = b.match
        feeds = {"winner_to": None, "loser_to": None}
        for kind, (target, corner) in (("winner_to", bracket_rules.FEEDS.get(b.slot, (None, None))),
                                       ("loser_to", bracket_rules.LOSER_FEEDS.get(
                                           b.slot, (None, None)))):
            if target and (target != bracket_rules.THIRD or s.third_place_match):
                feeds[kind] = {"slot": target, "corner": corner}
        base = {"slot": b.slot, **feeds}
        if m is None:
            return {**base, "status": None, "scheduled_at": None, "ring": None,
                    "red": {"team": None, "waiting_for": b.red_waiting, "rounds_won": 0},
                    "blue": {"team": None, "waiting_for": b.blue_waiting, "rounds_won": 0},
                    "winner": None, "method": None}
        return {**base, "status": m.status, "scheduled_at": _when(m.scheduled_at),
                "ring": m.ring or None,
                "red": {"team": entry_team(m.red), "waiting_for": b.red_waiting or None,
                        "rounds_won": m.red_rounds},
                "blue": {"team": entry_team(m.blue), "waiting_for": b.blue_waiting or None,
                         "rounds_won": m.blue_rounds},
                "winner": _winner(m), "method": m.method or None}

    return {"season": s.slug, "drawn": view.drawn, "slots": [slot_data(b) for b in slots],
            "champion": entry_team(view.champion.entry) if view.champion else None,
            "belt": reward_data(view.belt) if view.belt else None}


@season_feed("matches")
def matches(s: Season) -> dict:
    return {"season": s.slug, "matches": [match_data(m, s, list(m.rounds.all()))
                                          for m in read.season_matches(season=s)]}


@require_safe
def match(request: HttpRequest, slug: str, slot: str) -> HttpResponse:
    stamp = stamp_of(("match", slug, slot), lambda: read.match_stamp(slug=slug, slot=slot))
    if stamp is None:
        return _not_found("match")

    def build() -> dict:
        detail = read.match_detail(slug=slug, slot=slot)
        data = match_data(detail.match, detail.season, detail.rounds)
        data["season"] = detail.season.slug
        data["referees"] = detail.referees  # display names, never user names
        for c in detail.corners:
            data[c.corner].update({
                "knockdowns": c.knockdowns, "points": c.points, "fouls": c.fouls,
                "allowances": c.allowances,
                "replacement": {"old_robot": robot_data(c.replacement.old_robot),
                                "new_robot": robot_data(c.replacement.new_robot)}
                if c.replacement else None})
        data["failures"] = [{"team": entry_team(f.entry), "robot": robot_data(f.robot),
                             "match": f.match.slot if f.match else None, "status": f.status,
                             "irreversible": f.irreversible, "description": f.description}
                            for f in detail.failures]
        return data

    return _respond(request, stamp, "match", build)


@season_feed("season-teams")
def season_teams(s: Season) -> dict:
    return {"season": s.slug, "teams": [{
        "team": entry_team(e), "status": e.status, "seed": e.seed, "pot": e.pot,
        "group": e.group.name if e.group_id else None,
        "robots": [robot_data(r) for r in e.robots.all()],
        "members": [{"name": mb.name, "role": mb.role} for mb in e.members.all()],
    } for e in read.season_entries(season=s)]}


@require_safe
def teams(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        return {"teams": [{**team_ref(t), "organization": t.organization, "kind": t.kind,
                           "seasons": t.seasons} for t in read.teams_index()]}

    return _respond(request, stamp_of(("league",), read.archive_stamp), "teams", build)


@require_safe
def team(request: HttpRequest, slug: str) -> HttpResponse:
    stamp = stamp_of(("team", slug), lambda: read.team_stamp(slug=slug))
    if stamp is None:
        return _not_found("team")

    def build() -> dict:
        detail = read.team_detail(slug=slug)
        t = detail.team
        return {**team_ref(t), "organization": t.organization, "kind": t.kind, "seasons": [{
            "season": ts.season.slug, "season_name": ts.season.name, "status": ts.entry.status,
            "group": ts.entry.group.name if ts.entry.group_id else None,
            "place": ts.placing.place if ts.placing else None,
            "reward": {"description": ts.placing.reward_description,
                       "value": ts.placing.reward_value,
                       "currency": ts.placing.reward_currency} if ts.placing else None,
            "won": ts.won, "lost": ts.lost,
            "robots": [{**robot_data(st.robot), "matches": len(st.fought),
                        "replaced_by": st.replaced_by.name if st.replaced_by else None}
                       for st in ts.robots],
            "members": [{"name": mb.name, "role": mb.role} for mb in ts.members],
            "matches": [{"slot": m.slot, "stage": m.stage, "corner": m.us,
                         "opponent": entry_team(m.them), "status": m.status,
                         "won": (m.winner_id == ts.entry.pk) if m.is_done else None,
                         "rounds_for": getattr(m, f"{m.us}_rounds"),
                         "rounds_against": getattr(m, f"{'blue' if m.us == 'red' else 'red'}_rounds"),
                         "url": reverse("api:match", args=[ts.season.slug, m.slot])}
                        for m in ts.matches],
        } for ts in detail.seasons]}

    return _respond(request, stamp, "team", build)


@require_safe
def openapi_schema(request: HttpRequest) -> HttpResponse:
    stamp = read.Stamp(key="openapi", version=openapi.VERSION)
    return _respond(request, stamp, "openapi", openapi.document)

