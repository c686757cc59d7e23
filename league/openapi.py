"""The OpenAPI 3.1 description of the JSON feed (/api/v1/openapi.json).

Schemas are JSON Schema 2020-12 and closed (``additionalProperties: false``), so the feed
cannot grow or drop a field without this document saying so: tests/public/test_api.py
validates every endpoint's responses against it.
"""
from __future__ import annotations

from .models import AllowanceUse, Entry, Match, Robot, Season, Team, TeamMember
from .models.match import Method
from .rules.tiebreak import CRITERIA

VERSION = "1.1.0"

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NULL_STR = {"type": ["string", "null"]}
NULL_INT = {"type": ["integer", "null"]}
DATETIME = {"type": ["string", "null"], "format": "date-time",
            "description": "ISO 8601, UTC (the season's time_zone says where it happens)."}
DECIMAL = {"type": "string", "pattern": r"^\d+(\.\d+)?$", "description": "A decimal amount."}
CORNER = {"type": "string", "enum": ["red", "blue"]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values, *, null: bool = False) -> dict:
    values = [str(v) for v in values]
    if null:
        return {"type": ["string", "null"], "enum": [*values, None]}
    return {"type": "string", "enum": values}


def obj(properties: dict, *, required: list[str] | None = None, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties,
              "required": list(properties) if required is None else required,
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


ROBOT = obj({"name": STR, "serial": STR, "model": STR, "role": enum(Robot.Role.values),
             "status": enum(Robot.Status.values)})
CORNER_PROPS = {
    "team": nullable(ref("TeamRef")),
    "waiting_for": {**NULL_STR, "description": 'What an empty corner waits for, e.g. "Winner of QF1".'},
    "rounds_won": INT,
    "robot": nullable(ref("Robot")),
    "battery_seal": NULL_STR,
}
MATCH_PROPS = {
    "slot": {**STR, "description": "A1-D6, QF1-QF4, SF1, SF2, 3P, F"},
    "stage": enum(Match.Stage.values),
    "group": NULL_STR,
    "day": NULL_INT,
    "ring": {**NULL_STR, "description": "The ring's English name: its key (ring queues, overlays)."},
    "ring_name": {**NULL_STR, "description": "The ring's name in the language of ?lang=."},
    "scheduled_at": DATETIME,
    "status": enum(Match.Status.values),
    "red": ref("Corner"),
    "blue": ref("Corner"),
    "winner": {**enum(["red", "blue"], null=True),
               "description": "null until decided, and for a double forfeit."},
    "method": enum(Method.values, null=True),
    "result_note": NULL_STR,
    "started_at": DATETIME,
    "finished_at": DATETIME,
    "url": STR,
    "page": STR,
}
IN_LANG = {**STR, "description": "In the language of ?lang= (English by default)."}
SEASON_PROPS = {
    "slug": STR, "name": IN_LANG, "name_zh": {**STR, "description": "简体 (simplified)."},
    "name_zh_hant": {**STR, "description": "繁體 (traditional)."}, "city": IN_LANG,
    "venue": IN_LANG,
    "time_zone": {**STR, "description": "IANA time zone of the venue."},
    "starts_on": {"type": "string", "format": "date"},
    "phase": enum(Season.Phase.values),
    "best_of": INT, "round_minutes": INT, "third_place_match": BOOL,
    "version": {**INT, "description": "Bumped whenever anything public of the season changes."},
    "links": obj({"self": STR, "groups": STR, "bracket": STR, "matches": STR, "teams": STR,
                  "page": STR}),
}
REWARD_PLACE = {"type": "integer", "minimum": 1, "maximum": 5,
                "description": "1 champion, 2 runner-up, 3 third, 4 fourth, 5 places 5-8."}
PLACED_REWARD = obj({"description": IN_LANG, "value": DECIMAL, "currency": STR})
TEAM_NAMES = {"name": IN_LANG, "name_en": STR, "name_zh": {**STR, "description": "简体 (simplified)."},
              "name_zh_hant": {**STR, "description": "繁體 (traditional)."}}
BRACKET_CORNER = obj({"team": nullable(ref("TeamRef")), "waiting_for": NULL_STR, "rounds_won": INT})
FEED = nullable(obj({"slot": STR, "corner": CORNER}))

SCHEMAS = {
    "Error": obj({"error": STR, "detail": STR}),
    "TeamRef": obj({"slug": STR, **TEAM_NAMES,
                    "country": {**STR, "description": "ISO 3166 alpha-2"}, "url": STR},
                   description="A team, named in English, 简体 and 繁體, and in ?lang= (name)."),
    "Robot": ROBOT,
    "Reward": obj({"place": REWARD_PLACE, "description": IN_LANG, "value": DECIMAL, "currency": STR}),
    "Corner": obj(CORNER_PROPS),
    "Round": obj({"number": INT, "winner": CORNER, "method": enum(Method.round_methods()),
                  "red_points": INT, "blue_points": INT, "red_knockdowns": INT,
                  "blue_knockdowns": INT, "red_fouls": INT, "blue_fouls": INT}),
    "Match": obj({**MATCH_PROPS, "rounds": array(ref("Round"))}),
    "MatchDetail": obj({
        **MATCH_PROPS,
        "red": ref("CornerDetail"), "blue": ref("CornerDetail"),
        "rounds": array(ref("Round")),
        "season": STR,
        "referees": {**array(STR), "description": 'Display names: the full name, or "Referee 1", '
                     '"Referee 2"... (never a user name).'},
        "failures": {**array(obj({"team": nullable(ref("TeamRef")), "robot": ref("Robot"),
                                  "match": NULL_STR,
                                  "status": enum(["approved", "rejected"]),
                                  "irreversible": BOOL, "description": STR})),
                     "description": "Failure reports the referee panel decided (a pending report "
                                    "is not public)."},
        "protests": {**array(obj({"team": nullable(ref("TeamRef")),
                                  "status": enum(["filed", "upheld", "rejected"]),
                                  "filed_at": DATETIME, "ruled_at": DATETIME,
                                  "ruling": NULL_STR})),
                     "description": "R18: the teams' protests of this result and the head "
                                    "referee's ruling (upheld: the result shown is the corrected "
                                    "one; rejected: it stands) with its public reason. The "
                                    "statement and the evidence are not public."},
        "under_protest": {**BOOL, "description": "A protest waits for its ruling (R18)."},
    }),
    "CornerDetail": obj({
        **CORNER_PROPS, "knockdowns": INT, "points": INT, "fouls": INT,
        "allowances": obj({k: INT for k in AllowanceUse.Kind.values}),
        "replacement": nullable(obj({"old_robot": ref("Robot"), "new_robot": ref("Robot")})),
    }),
    "SeasonSummary": obj(SEASON_PROPS),
    "SeasonList": obj({"seasons": array(obj({
        **SEASON_PROPS, "champion": nullable(ref("TeamRef")), "live_matches": INT}))}),
    "Season": obj({
        **SEASON_PROPS,
        "rewards": array(ref("Reward")),
        "placings": array(obj({"place": REWARD_PLACE, "team": nullable(ref("TeamRef")),
                               "reward": PLACED_REWARD})),
        "live": array(STR), "matches_total": INT, "matches_done": INT,
    }),
    "StandingRow": obj({
        "position": INT, "team": nullable(ref("TeamRef")), "played": INT, "won": INT, "lost": INT,
        "points": INT, "rounds_won": INT, "rounds_lost": INT, "round_difference": INT,
        "ko_round_wins": INT, "points_for": INT, "points_against": INT, "point_difference": INT,
        "fouls_and_resets": INT,
        "separated_by": {**enum(CRITERIA, null=True),
                         "description": "The R12 criterion that separated this row from the next "
                                        "one; null on the last row and between teams still tied."},
        "lots_needed": BOOL,
    }),
    "Groups": obj({"season": STR, "groups": array(obj({
        "name": STR, "complete": BOOL, "lots_needed": array(array(STR)),
        "standings": array(ref("StandingRow")), "matches": array(STR)}))}),
    "Bracket": obj({
        "season": STR, "drawn": BOOL,
        "slots": array(obj({
            "slot": enum(["QF1", "QF2", "QF3", "QF4", "SF1", "SF2", "3P", "F"]),
            "winner_to": FEED, "loser_to": FEED,
            "status": enum(Match.Status.values, null=True), "scheduled_at": DATETIME,
            "ring": NULL_STR, "ring_name": NULL_STR, "red": BRACKET_CORNER, "blue": BRACKET_CORNER,
            "winner": enum(["red", "blue"], null=True), "method": enum(Method.values, null=True)})),
        "champion": nullable(ref("TeamRef")), "belt": nullable(ref("Reward")),
    }),
    "MatchList": obj({"season": STR, "matches": array(ref("Match"))}),
    "SeasonTeams": obj({"season": STR, "teams": array(obj({
        "team": nullable(ref("TeamRef")), "status": enum(Entry.Status.values), "seed": NULL_INT,
        "pot": NULL_INT, "group": NULL_STR, "robots": array(ref("Robot")),
        "members": array(ref("Member"))}))}),
    "Member": obj({"name": STR, "role": enum(TeamMember.Role.values)}),
    "TeamList": obj({"teams": array(obj({
        "slug": STR, **TEAM_NAMES, "country": STR, "url": STR,
        "organization": STR, "kind": enum(Team.Kind.values), "seasons": INT}))}),
    "Team": obj({
        "slug": STR, **TEAM_NAMES, "country": STR, "url": STR,
        "organization": STR, "kind": enum(Team.Kind.values),
        "seasons": array(obj({
            "season": STR, "season_name": STR, "status": enum(Entry.Status.values),
            "group": NULL_STR, "place": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
            "reward": nullable(PLACED_REWARD), "won": INT, "lost": INT,
            "robots": array(obj({**ROBOT["properties"], "matches": INT, "replaced_by": NULL_STR})),
            "members": array(ref("Member")),
            "matches": array(obj({
                "slot": STR, "stage": enum(Match.Stage.values), "corner": CORNER,
                "opponent": nullable(ref("TeamRef")), "status": enum(Match.Status.values),
                "won": {"type": ["boolean", "null"]}, "rounds_for": INT, "rounds_against": INT,
                "url": STR})),
        })),
    }),
    "OpenApi": {"type": "object", "required": ["openapi", "info", "paths", "components"]},
    "Index": obj({"name": STR, "version": STR, "links": obj({"seasons": STR, "teams": STR,
                                                             "openapi": STR})}),
}

ETAG_HEADER = {"ETag": {"description": "Weak ETag of this version; send it in If-None-Match.",
                        "schema": {"type": "string"}}}
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False,
                 "schema": {"type": "string"},
                 "description": "The ETag you hold: 304 Not Modified if it is still current."}
LANG = {"name": "lang", "in": "query", "required": False,
        "schema": {"type": "string", "enum": ["en", "zh-hans", "zh-hant"], "default": "en"},
        "description": "The language of names, city, venue, rings and reward descriptions: "
                       "en (English), zh-hans (简体) or zh-hant (繁體). Each is its own document "
                       "and ETag; Accept-Language is not read. Any other value: 400."}
SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "description": "Letters, digits, hyphens and underscores; any other path is a JSON 404."}
SLOT = {"name": "slot", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^([A-D][1-6]|QF[1-4]|SF[12]|3P|F)$"},
        "description": "A1-D6, QF1-QF4, SF1, SF2, 3P or F"}

# path -> (operationId, summary, response schema, path parameters)
ENDPOINTS = [
    ("/api/v1/", "index", "Links to the feed's collections", "Index", []),
    ("/api/v1/seasons/", "listSeasons", "Every season, newest first, with its champion",
     "SeasonList", []),
    ("/api/v1/seasons/{slug}/", "getSeason", "A season: phase, rewards, final places, live matches",
     "Season", [SLUG]),
    ("/api/v1/seasons/{slug}/groups/", "getGroups",
     "The four groups with R12 standings and the rule that separated each tie", "Groups", [SLUG]),
    ("/api/v1/seasons/{slug}/bracket/", "getBracket",
     "The knockout bracket (QF, SF, third place, final), champion and belt", "Bracket", [SLUG]),
    ("/api/v1/seasons/{slug}/matches/", "listMatches", "Every match of the season with its rounds",
     "MatchList", [SLUG]),
    ("/api/v1/seasons/{slug}/matches/{slot}/", "getMatch",
     "One match: rounds, robots, seals, allowances, referees, failures, replacement",
     "MatchDetail", [SLUG, SLOT]),
    ("/api/v1/seasons/{slug}/teams/", "listSeasonTeams",
     "The teams of a season with their robots and rosters", "SeasonTeams", [SLUG]),
    ("/api/v1/teams/", "listTeams", "Every team that has entered a season", "TeamList", []),
    ("/api/v1/teams/{slug}/", "getTeam", "A team across seasons: results, robots, rewards", "Team",
     [SLUG]),
    ("/api/v1/openapi.json", "getOpenApi", "This document", "OpenApi", []),
]


def _operation(operation_id: str, summary: str, schema: str, params: list[dict]) -> dict:
    responses = {
        "200": {"description": "OK", "headers": ETAG_HEADER,
                "content": {"application/json": {"schema": ref(schema)}}},
        "304": {"description": "Not modified: the ETag in If-None-Match is current.",
                "headers": ETAG_HEADER},
    }
    if params:
        responses["404"] = {"description": "No such season, match or team.",
                            "content": {"application/json": {"schema": ref("Error")}}}
    responses["400"] = {"description": "lang is not en, zh-hans or zh-hant.",
                        "content": {"application/json": {"schema": ref("Error")}}}
    return {"get": {"operationId": operation_id, "summary": summary,
                    "parameters": [*params, LANG, IF_NONE_MATCH], "responses": responses}}


def document() -> dict:
    """The OpenAPI document (a new dict each call)."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Robot Fighting League feed",
            "version": VERSION,
            "description": (
                "Read-only JSON feed of the humanoid robot fighting league: seasons, groups with "
                "standings, the bracket, matches with rounds, teams. Every response has an ETag "
                "(from the season's version counter): poll with If-None-Match and get 304 while "
                "nothing changed. Values are codes (phase, status, method...), team names come "
                "in English, 简体 and 繁體, ?lang= picks the language of the other league "
                "texts, times are UTC."),
        },
        "servers": [{"url": "/"}],
        "paths": {path: _operation(op, summary, schema, params)
                  for path, op, summary, schema, params in ENDPOINTS},
        "components": {"schemas": SCHEMAS},
    }
