"""The season dashboard on the admin's index: what each season's next step is, what blocks it
(rule and a link to fix it), today's rings, pending failure reports, the latest audit events."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from .. import roles
from ..models import Entry, Season
from ..selectors.dashboard import season_dashboard
from ..services.preconditions import Blocker
from .phase import ACTIONS

Phase = Season.Phase


def fix_url(season: Season, blocker: Blocker) -> str:
    """Where the organizer fixes what a blocker names."""
    kind, obj = blocker.kind, blocker.obj_id
    if kind == "entry":
        return reverse("admin:league_entry_change", args=[obj])
    if kind == "entries":
        return (reverse("admin:league_entry_changelist")
                + f"?season__id__exact={season.pk}&status__exact={Entry.Status.QUALIFIED}")
    if kind == "match":
        return reverse("admin:league_match_change", args=[obj])
    if kind == "matches":
        return reverse("admin:league_match_changelist") + f"?season__id__exact={season.pk}"
    if kind == "group":
        return reverse("admin:league_season_lots", args=[season.pk])
    if kind == "protests":
        return (reverse("admin:league_protest_changelist")
                + f"?match__season__id__exact={season.pk}&status__exact=filed")
    if kind == "action" and obj in ACTIONS:
        return ACTIONS[obj].url(season)
    return reverse("admin:league_season_change", args=[season.pk])


def next_actions(season: Season) -> list[dict]:
    if season.phase == Phase.FINISHED:
        return [{"title": gettext("Rewards"),
                 "url": reverse("admin:league_season_rewards", args=[season.pk])}]
    steps = [{"title": a.title, "url": a.url(season)} for a in ACTIONS.values() if season.phase in a.phases]
    if season.phase == Phase.DRAW:  # one step of the draw phase at a time
        steps = steps[2:] if season.draw_has_run() else steps[:2]
    return steps


SHOWN_PER_RULE = 5  # a fresh schedule has 24 matches without a referee: name a few, count the rest


def shown_blockers(season: Season, blockers: list[Blocker]) -> list[dict]:
    """Every blocker with its fix link; past five of one kind (matches without a referee, R7),
    one line counts the rest and links to where they are all fixed at once."""
    shown, counted = [], {}
    for b in blockers:
        key = (b.rule, b.kind)
        counted[key] = counted.get(key, 0) + 1
        if counted[key] <= SHOWN_PER_RULE or b.kind != "match":
            shown.append({"rule": b.rule, "message": b.message, "url": fix_url(season, b)})
    for (rule, kind), n in counted.items():
        if kind == "match" and n > SHOWN_PER_RULE:
            shown.append({"rule": rule, "url": ACTIONS["assign-referees"].url(season),
                          "message": ngettext("and %(n)d more match without a referee.",
                                              "and %(n)d more matches without a referee.",
                                              n - SHOWN_PER_RULE) % {"n": n - SHOWN_PER_RULE}})
    return shown


def dashboard_context(request) -> dict:
    if not (request.user.is_active and request.user.is_staff and roles.is_organizer(request.user)):
        return {}
    board = season_dashboard()
    panels = []
    for panel in board.panels:
        season = panel.season
        panels.append({
            "panel": panel,
            "season": season,
            "url": reverse("admin:league_season_change", args=[season.pk]),
            "actions": next_actions(season),
            "blockers": shown_blockers(season, panel.blockers),
            "no_robot_left": [{"team": str(e.team), "url": reverse("admin:league_entry_change", args=[e.pk])}
                              for e in panel.no_robot_left],
            "print_url": reverse("admin:league_season_print", args=[season.pk, "bracket"]),
            "file_url": reverse("admin:league_season_file", args=[season.pk]),
        })
    return {
        "dashboard": board,
        "season_panels": panels,
        "season_import_url": reverse("admin:league_season_file_import"),
        "audit_url": reverse("admin:league_auditevent_changelist"),
        "reports_url": reverse("admin:league_failurereport_changelist") + "?status__exact=pending",
        "protests_url": reverse("admin:league_protest_changelist") + "?status__exact=filed",
    }
