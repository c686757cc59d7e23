"""Template helpers of the referee pages: the match history in words a referee reads."""
from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..models import AllowanceUse, Corner, FailureReport
from ..models.match import Method

register = template.Library()


def _corner(value) -> str:
    try:
        return str(Corner(value).label)
    except ValueError:
        return str(value)


def _method(value) -> str:
    try:
        return str(Method(value).label).lower()
    except ValueError:
        return str(value)


def _team_of(match, slug) -> str:
    for entry in (match.red, match.blue):
        if entry is not None and entry.team.slug == slug:
            return entry.team.name_en
    return slug or "—"


ACTIONS = {
    "match_checked_in": lambda e, m: _(
        "Checked in: red %(red_robot)s (seal %(red_seal)s), blue %(blue_robot)s (seal %(blue_seal)s)."
    ) % {k: e.data.get(k, "?") for k in ("red_robot", "red_seal", "blue_robot", "blue_seal")},
    "match_started": lambda e, m: _("Match started: robots and battery seals locked."),
    "round_recorded": lambda e, m: _(
        "Round %(n)s to %(corner)s by %(method)s · points %(rp)s–%(bp)s · knockdowns %(rk)s–%(bk)s · "
        "fouls %(rf)s–%(bf)s.") % {
        "n": e.data.get("round", "?"), "corner": _corner(e.data.get("winner")).lower(),
        "method": _method(e.data.get("method")),
        "rp": e.data.get("red_points", 0), "bp": e.data.get("blue_points", 0),
        "rk": e.data.get("red_knockdowns", 0), "bk": e.data.get("blue_knockdowns", 0),
        "rf": e.data.get("red_fouls", 0), "bf": e.data.get("blue_fouls", 0)},
    "match_finished": lambda e, m: (_("Match over: %(team)s wins by %(method)s.") % {
        "team": _team_of(m, e.data.get("winner")), "method": _method(e.data.get("method"))}
        if e.data.get("winner") else _("Match over: no winner (%(method)s).") % {
        "method": _method(e.data.get("method"))}),
    "match_signed_off": lambda e, m: _("Result signed off."),
    "result_corrected": lambda e, m: _("Result corrected."),
    "referees_assigned": lambda e, m: _("Referees assigned: %(names)s.") % {"names": e.to_state},
    "bracket_advanced": lambda e, m: _("Corner filled from %(slot)s.") % {
        "slot": e.data.get("from", "?")},
    "failure_reported": lambda e, m: (
        _("Failure reported: %(robot)s, irreversible.") if e.data.get("irreversible")
        else _("Failure reported: %(robot)s, repairable.")) % {"robot": e.object_repr.split(" – ")[0]},
    "failure_decided": lambda e, m: _("Failure report %(decision)s: %(robot)s.") % {
        "decision": _status(e.to_state), "robot": e.object_repr.split(" – ")[0]},
}


def _status(value) -> str:
    try:
        return str(FailureReport.Status(value).label).lower()
    except ValueError:
        return str(value)


def _allowance(event) -> str:
    corner, _sep, rest = event.to_state.partition(":")
    kind, _sep, seq = rest.partition("#")
    try:
        label = AllowanceUse.Kind(kind).label
        limit = AllowanceUse.LIMITS[kind]
    except (ValueError, KeyError):
        return event.to_state
    return _("%(corner)s corner: %(what)s, %(n)s of %(limit)s.") % {
        "corner": _corner(corner), "what": str(label).lower(), "n": seq, "limit": limit}


@register.simple_tag
def audit_summary(event, match) -> str:
    """One line of the match history: what happened, in the reader's language."""
    if event.action == "allowance_used":
        return _allowance(event)
    describe = ACTIONS.get(event.action)
    if describe is None:
        return event.action_label
    try:
        return describe(event, match)
    except (KeyError, TypeError, ValueError):
        return event.action_label


@register.filter
def corner_label(value) -> str:
    return _corner(value)


@register.filter
def method_label(value) -> str:
    return _method(value)


@register.filter
def is_panel(user) -> bool:
    """Head referees and organizers see the whole season and the failure queue."""
    from .. import roles

    return roles.is_head_referee(user) or roles.is_organizer(user)


@register.filter
def lookup(mapping, key):
    """``errors|lookup:report.pk``: a dict item in a template (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def tname(team) -> str:
    """A team's name in the reader's language: 繁體 or 简体 on the Chinese pages (league/zh.py)."""
    if not getattr(team, "name_en", None):
        return "?"  # a knockout slot whose corner is not known yet
    from .. import zh

    return zh.pick(team, "name")
