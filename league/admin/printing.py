"""A4 print sheets for the venue wall, the referees' clipboards and the press (staff only):
the bracket, the group tables with their tie-break notes, each ring's day schedule and a blank
referee scoresheet per match, for paper backup when the network fails. Print CSS, no PDF library:
the browser's "Print" (or "Save as PDF") gives the A4 page."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from ..models import AllowanceUse, Match, Season
from ..selectors.public import bracket_for, placeholder, schedule_for, season_groups
from ..services.preconditions import no_robot_left

SHEETS = {
    "bracket": _("Bracket"),
    "groups": _("Group tables"),
    "schedule": _("Ring schedules"),
    "scoresheets": _("Referee scoresheets"),
}


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view
    return [path("<int:pk>/print/<slug:sheet>/", view(lambda request, pk, sheet: print_view(
        model_admin, request, pk, sheet)), name="league_season_print")]


def print_view(model_admin, request, pk: int, sheet: str):
    season = get_object_or_404(Season, pk=pk)
    if not model_admin.has_view_permission(request, season):
        raise PermissionDenied
    if sheet not in SHEETS:
        raise Http404(sheet)
    context = {"season": season, "sheet": sheet, "sheet_title": SHEETS[sheet],
               "sheet_links": [{"slug": s, "title": t,
                                "url": reverse("admin:league_season_print", args=[pk, s])}
                               for s, t in SHEETS.items()],
               "back_url": reverse("admin:league_season_change", args=[pk]),
               "printed_at": dt.datetime.now(tz=season.tz)}
    context.update(SHEET_CONTEXT[sheet](season, request))
    return TemplateResponse(request, f"print/{sheet}.html", context)


def _bracket(season, request):
    return {"bracket": bracket_for(season=season)}


def _groups(season, request):
    return {"tables": season_groups(season=season)}


def _schedule(season, request):
    """One page per ring and day: [(day, ring, matches)]."""
    pages = [(day, ring, matches) for day in schedule_for(season=season) for ring, matches in day.rings]
    wanted = request.GET.get("day", "")
    if wanted:
        pages = [p for p in pages if p[0].date and p[0].date.isoformat() == wanted]
    prefetch_related_objects([m for _day, _ring, matches in pages for m in matches], "referees")
    return {"pages": pages}


def _scoresheets(season, request):
    matches = list(season.matches.select_related("red__team", "blue__team", "group")
                   .prefetch_related("referees", "red__robots", "blue__robots")
                   .order_by("scheduled_at", "ring", "slot"))
    wanted = request.GET.get("slot", "")
    if wanted:
        matches = [m for m in matches if m.slot == wanted]
    elif request.GET.get("all") != "1":
        matches = [m for m in matches if m.status not in Match.DONE]
    sheets = []
    for m in matches:
        corners = []
        for corner in ("red", "blue"):
            entry = getattr(m, corner)
            robots = list(entry.robots.all()) if entry else []
            corners.append({"corner": corner, "label": m._meta.get_field(corner).verbose_name,
                            "entry": entry, "robots": robots,
                            "waiting": "" if entry else placeholder(m.slot, corner),
                            "forfeit_only": no_robot_left(robots)})
        sheets.append({"match": m, "at": m.scheduled_at.astimezone(season.tz) if m.scheduled_at else None,
                       "corners": corners, "rounds": range(1, season.best_of + 1),
                       "referees": ", ".join(u.get_username() for u in m.referees.all())})
    allowances = [(AllowanceUse.Kind(k).label, limit) for k, limit in AllowanceUse.LIMITS.items()]
    return {"sheets": sheets, "allowances": allowances}


SHEET_CONTEXT = {"bracket": _bracket, "groups": _groups, "schedule": _schedule,
                 "scoresheets": _scoresheets}
