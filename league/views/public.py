"""Public pages: seasons archive, season home, groups, bracket, schedule, match, team and the
broadcast overlay, each with a live fragment that htmx polls.

These views only render. How they are cached (ETag from the season's version stamp, 304, one
render per version and language, edge Cache-Control, the fast path that answers fans before
sessions and auth run) is declared with ``@public_cached`` and lives in league/http_cache.py.
Public pages post nothing (the language switch is a GET link), so one cached page serves every
fan. A live fragment of a finished season answers 286 (htmx: stop polling) with its final
content.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from ..http_cache import (
    CSRF_PLACEHOLDER,
    etag_for,
    league_stamp,
    match_stamp,
    public_cached,
    push_served,
    season_stamp,
    team_stamp,
)
from ..models import Season
from ..selectors import public as read
from ..selectors import rings
from ..selectors.public import Stamp
from ..urls import DayConverter

POLL_SECONDS = 5


def _render(request: HttpRequest, template: str, context: dict) -> str:
    return render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER,
                                       "poll_seconds": POLL_SECONDS,
                                       "push": push_served(request)}, request)


def _season(stamp: Stamp) -> Season:
    return Season.objects.get(pk=stamp.pk)


def _season_view(kind: str, template: str, reader: Callable[[Season], dict], *, nav: str):
    """A season page and its live fragment (``template#live``)."""

    def page(request: HttpRequest, stamp: Stamp, slug: str) -> str:
        season = _season(stamp)
        return _render(request, template, {"season": season, "nav": nav,
                                           "live_etag": etag_for(stamp, f"{kind}-live"),
                                           **reader(season)})

    def live(request: HttpRequest, stamp: Stamp, slug: str) -> str:
        season = _season(stamp)
        return _render(request, f"{template}#live", {"season": season, **reader(season)})

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return (public_cached(stamp=season_stamp, kind=kind)(page),
            public_cached(stamp=season_stamp, kind=f"{kind}-live", poll=True)(live))


season_home, season_live = _season_view(
    "season", "public/season.html", lambda s: {"overview": read.season_overview(season=s)},
    nav="season")
groups, groups_live = _season_view(
    "groups", "public/groups.html", lambda s: {"tables": read.season_groups(season=s)}, nav="groups")
bracket, bracket_live = _season_view(
    "bracket", "public/bracket.html", lambda s: {"bracket": read.bracket_for(season=s)}, nav="bracket")


def schedule_day_stamp(*, slug: str, day: int) -> Stamp | None:
    """The season's stamp, named for one match day: each day's page and fragment get their
    own ETag and cache entries (the same one query as the season's stamp)."""
    stamp = season_stamp(slug=slug)
    return None if stamp is None else replace(stamp, key=f"{stamp.key}.day{day}")


def _schedule_context(stamp: Stamp, day: int | None) -> dict:
    season = _season(stamp)
    schedule = read.schedule_page(season=season, day=day)
    if day is not None and (schedule.day is None or schedule.day.number != day):
        raise Http404("No such match day.")
    return {"season": season, "chosen_day": day, "schedule": schedule}


def _schedule_view(name: str, stamp: Callable[..., Stamp | None]):
    """The schedule opens on the day of the live or next fight (/schedule/); another day has
    its own URL (/schedule/day/<n>/) and stamp, so every variant is a plain URL with its own
    ETag, which the fast path serves."""

    def page(request: HttpRequest, stamp: Stamp, slug: str, day: int | None = None) -> str:
        return _render(request, "public/schedule.html", {
            **_schedule_context(stamp, day), "nav": "schedule",
            "live_etag": etag_for(stamp, "schedule-live")})

    def live(request: HttpRequest, stamp: Stamp, slug: str, day: int | None = None) -> str:
        return _render(request, "public/schedule.html#live", _schedule_context(stamp, day))

    page.__name__, live.__name__ = name, f"{name}_live"
    return (public_cached(stamp=stamp, kind="schedule")(page),
            public_cached(stamp=stamp, kind="schedule-live", poll=True)(live))


_schedule, schedule_live = _schedule_view("schedule", season_stamp)


@wraps(_schedule)  # keeps the public-cache declaration: the fast path still serves /schedule/
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Links from before the days had their own URLs (``?day=N``) go to /schedule/day/<n>/."""
    day = request.GET.get("day", "")
    if re.fullmatch(DayConverter.regex, day):
        return redirect("public:schedule_day", slug=slug, day=int(day), permanent=True)
    return _schedule(request, slug=slug)
schedule_day, schedule_day_live = _schedule_view("schedule_day", schedule_day_stamp)


def _match_view(kind: str, template: str, reader: Callable[[str, str], dict], *, nav: str = ""):
    """A match's page and its live fragment (``template#live``)."""

    def page(request: HttpRequest, stamp: Stamp, slug: str, slot: str) -> str:
        return _render(request, template, {**reader(slug, slot), "nav": nav,
                                           "live_etag": etag_for(stamp, f"{kind}-live")})

    def live(request: HttpRequest, stamp: Stamp, slug: str, slot: str) -> str:
        return _render(request, f"{template}#live", reader(slug, slot))

    page.__name__, live.__name__ = kind, f"{kind}_live"
    return (public_cached(stamp=match_stamp, kind=kind)(page),
            public_cached(stamp=match_stamp, kind=f"{kind}-live", poll=True)(live))


def _match_context(slug: str, slot: str) -> dict:
    detail = read.match_detail(slug=slug, slot=slot)
    match = detail.match
    if match.scheduled_at:  # one query more (fixed), for the estimated start
        estimated = rings.estimated_starts(detail.season).get(match.pk)
        match.estimated_at = None if match.is_done else estimated
    return {"season": detail.season, "detail": detail, "m": match}


def _overlay_context(slug: str, slot: str) -> dict:
    view = read.overlay_for(slug=slug, slot=slot)
    return {"season": view.season, "o": view, "m": view.match}


match, match_live = _match_view("match", "public/match.html", _match_context, nav="schedule")
overlay, overlay_live = _match_view("overlay", "public/overlay.html", _overlay_context)


@public_cached(stamp=league_stamp, kind="home")
def home(request: HttpRequest, stamp: Stamp) -> str:
    return _render(request, "public/home.html", {"archive": read.season_archive(), "nav": "home"})


@public_cached(stamp=team_stamp, kind="team")
def team(request: HttpRequest, stamp: Stamp, slug: str) -> str:
    return _render(request, "public/team.html", {"detail": read.team_detail(slug=slug), "nav": "team"})
