"""The read-only JSON feed, /api/v1/: seasons, groups with standings, bracket, matches with
rounds, teams. Described by the OpenAPI document at /api/v1/openapi.json (league/openapi.py).

Every response carries an ETag from the same stamps as the public pages (``Season.version``):
a client that sends it back in If-None-Match gets 304 and no body. Bodies are built once per
version (cache framework). Values are codes, never translated labels, so one document serves
every language. Times are ISO 8601 in UTC; each season names its time zone.

League data written in three languages (names, city, venue, rings, reward descriptions) comes
in the language ``?lang=`` asks for: ``en`` (the default), ``zh-hans`` or ``zh-hant``
(league/zh.py picks it). Each language is its own document under its own URL and ETag, so the
feed never varies on a request header and any shared cache keys it by URL.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from .. import openapi, zh
from ..http_cache import league_stamp, match_stamp, public_cached, season_stamp, team_stamp
from ..models import Entry, Match, Reward, Robot, Round, Season, Team
from ..rules import bracket as bracket_rules
from ..selectors import public as read

JSON = "application/json"
ALLOWED = "GET, HEAD, OPTIONS"
# A browser on another site may read the feed and poll it with If-None-Match (CORS): every
# answer allows any origin, and a preflight is answered for GET with that header.
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": ALLOWED,
             "Access-Control-Allow-Headers": "If-None-Match, Accept, Accept-Language",
             "Access-Control-Max-Age": "86400"}


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


def _error(status: int, error: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": error, "detail": detail}, status=status)
    for name, value in {**CORS, **headers}.items():
        response[name] = value
    return response


def _not_found(what: str) -> Callable[[HttpRequest], JsonResponse]:
    return lambda request: _error(404, "not_found", f"No such {what}.")


def _api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The feed's HTTP contract around a read view: CORS on every answer, a preflight answered,
    405 JSON for any other method (no CSRF check: nothing is ever written)."""

    @csrf_exempt
    @wraps(view)
    def endpoint(request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT.items():
                response[name] = value
            response["Allow"] = ALLOWED
            return response
        if request.method not in ("GET", "HEAD"):
            return _error(405, "method_not_allowed", "The feed is read-only: GET or HEAD.",
                          Allow=ALLOWED)
        return view(request, **kwargs)

    return endpoint


def feed(*, stamp: Callable[..., read.Stamp | None], kind: str, missing: str = "",
         load: Callable[[read.Stamp], object] | None = None):
    """A feed endpoint from ``build(**url_kwargs) -> dict``, or ``build(load(stamp))``: cached
    like the public pages (league/http_cache.py) under its own ETag kind, one document per
    ``?lang=`` (the plain URL is the English one), a JSON 404 for an unknown object."""

    def wrap(build: Callable[..., dict]) -> Callable[..., HttpResponse]:
        def in_language(language: str) -> Callable[..., HttpResponse]:
            def render(request: HttpRequest, found: read.Stamp, **kwargs) -> str:
                with translation.override(language):  # labels too (waiting_for) in that language
                    return _dump(build(load(found)) if load else build(**kwargs))

            render.__name__ = render.__qualname__ = build.__name__
            render.__doc__ = build.__doc__
            return public_cached(
                stamp=stamp, kind=f"api-{kind}", i18n=False, content_type=JSON, headers=CORS,
                missing=_not_found(missing) if missing else None,
                language="" if language == zh.EN else language)(render)

        views = {language: in_language(language) for language in zh.SCRIPTS}

        @wraps(views[zh.EN])  # the plain URL's declaration: the fast path serves it
        def endpoint(request: HttpRequest, **kwargs) -> HttpResponse:
            asked = request.GET.get("lang")
            language = zh.EN if asked is None else zh.parse_script(asked)
            if language is None:
                return _error(400, "bad_request", "lang is one of en, zh-hans, zh-hant.")
            return views[language](request, **kwargs)

        return _api(endpoint)

    return wrap


def season_feed(kind: str):
    """A season's feed endpoint from ``build(season) -> dict``."""
    return feed(stamp=season_stamp, kind=kind, missing="season",
                load=lambda found: Season.objects.get(pk=found.pk))


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /api/, whatever the method: a JSON 404 (a GET missing its final
    slash is redirected, as Django's CommonMiddleware would if this catch-all did not match)."""
    if request.method in ("GET", "HEAD") and not request.path_info.endswith("/"):
        try:
            target = resolve(request.path_info + "/")
        except Resolver404:
            target = None
        if target is not None and target.func is not not_found:
            return redirect(request.path + "/", permanent=True)
    return _error(404, "not_found", "No such endpoint.")


# --- Serializers: plain dicts, one shape per schema in league/openapi.py -------------------------

def team_ref(team: Team | None) -> dict | None:
    if team is None:
        return None
    return {"slug": team.slug, "name": zh.pick(team, "name"), "name_en": team.name_en,
            "name_zh": team.name_zh, "name_zh_hant": team.name_zh_hant or team.name_zh,
            "country": team.country, "url": reverse("api:team", args=[team.slug])}


def entry_team(entry: Entry | None) -> dict | None:
    return team_ref(entry.team) if entry is not None else None


def reward_data(reward: Reward) -> dict:
    return {"place": reward.place, "description": zh.pick(reward, "description"),
            "value": reward.value, "currency": reward.currency}


def placed_reward(placing) -> dict:
    return {"description": zh.pick(placing, "reward_description"), "value": placing.reward_value,
            "currency": placing.reward_currency}


def season_summary(season: Season) -> dict:
    slug = season.slug
    return {
        "slug": slug, "name": zh.pick(season, "name"), "name_zh": season.name_zh,
        "name_zh_hant": season.name_zh_hant or season.name_zh, "city": zh.pick(season, "city"),
        "venue": zh.pick(season, "venue"), "time_zone": season.time_zone, "starts_on": season.starts_on,
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
        "ring": match.ring or None, "ring_name": season.ring_name(match.ring) or None,
        "scheduled_at": _when(match.scheduled_at),
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

@feed(stamp=league_stamp, kind="index")
def index() -> dict:
    return {"name": "Robot Fighting League", "version": "v1",
            "links": {"seasons": reverse("api:seasons"), "teams": reverse("api:teams"),
                      "openapi": reverse("api:openapi")}}


@feed(stamp=league_stamp, kind="seasons")
def seasons() -> dict:
    archive = read.season_archive()
    return {"seasons": [{**season_summary(item.season),
                         "champion": entry_team(item.champion.entry) if item.champion else None,
                         "live_matches": item.live} for item in archive.seasons]}


@season_feed("season")
def season(s: Season) -> dict:
    overview = read.season_overview(season=s)
    return {**season_summary(s),
            "rewards": [reward_data(r) for r in overview.rewards],
            "placings": [{"place": p.place, "team": entry_team(p.entry), "reward": placed_reward(p)}
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
            return {**base, "status": None, "scheduled_at": None, "ring": None, "ring_name": None,
                    "red": {"team": None, "waiting_for": b.red_waiting, "rounds_won": 0},
                    "blue": {"team": None, "waiting_for": b.blue_waiting, "rounds_won": 0},
                    "winner": None, "method": None}
        return {**base, "status": m.status, "scheduled_at": _when(m.scheduled_at),
                "ring": m.ring or None, "ring_name": s.ring_name(m.ring) or None,
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


@feed(stamp=match_stamp, kind="match", missing="match")
def match(slug: str, slot: str) -> dict:
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
    data["protests"] = [{"team": entry_team(p.entry), "status": p.status,
                         "filed_at": _when(p.filed_at), "ruled_at": _when(p.ruled_at),
                         "ruling": p.ruling_reason or None} for p in detail.protests]
    data["under_protest"] = detail.under_protest
    return data


@season_feed("season-teams")
def season_teams(s: Season) -> dict:
    return {"season": s.slug, "teams": [{
        "team": entry_team(e), "status": e.status, "seed": e.seed, "pot": e.pot,
        "group": e.group.name if e.group_id else None,
        "robots": [robot_data(r) for r in e.robots.all()],
        "members": [{"name": mb.name, "role": mb.role} for mb in e.members.all()],
    } for e in read.season_entries(season=s)]}


@feed(stamp=league_stamp, kind="teams")
def teams() -> dict:
    return {"teams": [{**team_ref(t), "organization": t.organization, "kind": t.kind,
                       "seasons": t.seasons} for t in read.teams_index()]}


@feed(stamp=team_stamp, kind="team", missing="team")
def team(slug: str) -> dict:
    detail = read.team_detail(slug=slug)
    t = detail.team
    return {**team_ref(t), "organization": t.organization, "kind": t.kind, "seasons": [{
        "season": ts.season.slug, "season_name": zh.pick(ts.season, "name"),
        "status": ts.entry.status,
        "group": ts.entry.group.name if ts.entry.group_id else None,
        "place": ts.placing.place if ts.placing else None,
        "reward": placed_reward(ts.placing) if ts.placing else None,
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


@feed(stamp=lambda: read.Stamp(key="openapi", version=openapi.VERSION), kind="openapi")
def openapi_schema() -> dict:
    return openapi.document()

