"""Small presentation helpers for the public pages: team names in both scripts, times in the
venue's time zone (public.js adds the viewer's), R12 tie-break labels, money."""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from league.datefmt import date_format
from league.models import AllowanceUse, Entry, Team
from league.money import money

register = template.Library()

# R12 tie-breakers, in the order the rulebook applies them.
CRITERIA = {
    "points": gettext_lazy("Points"),
    "head_to_head": gettext_lazy("Head-to-head"),
    "round_difference": gettext_lazy("Round difference"),
    "ko_wins": gettext_lazy("KO and TKO round wins"),
    "point_difference": gettext_lazy("Round-point difference"),
    "discipline": gettext_lazy("Fewer fouls and manual resets"),
    "lots": gettext_lazy("Drawing of lots"),
}


@register.filter
def allowance_limit(kind: str) -> int:
    """R9: how many uses of this allowance a corner has per match (AllowanceUse.LIMITS)."""
    return AllowanceUse.LIMITS[kind]


def _team(obj) -> Team | None:
    if isinstance(obj, Entry):
        return obj.team
    if isinstance(obj, Team):
        return obj
    return None


@register.simple_tag
def team_name(obj, waiting: str = "", link: bool = True):
    """A team's name in both scripts (English and Chinese), linked to its page.

    ``obj`` is a Team or an Entry; without one, ``waiting`` says what the slot waits for.
    """
    team = _team(obj)
    if team is None:
        return format_html('<span class="tn tn-waiting">{}</span>', waiting or _("To be decided"))
    inner = format_html('<span class="tn-en" lang="en">{}</span> <span class="tn-zh" lang="zh">{}</span>',
                        team.name_en, team.name_zh)
    if link:
        return format_html('<a class="tn" href="{}">{}</a>', team.get_absolute_url(), inner)
    return format_html('<span class="tn">{}</span>', inner)


@register.simple_tag
def venue_time(value: dt.datetime | None, season, style: str = "time"):
    """A moment in the season's time zone, marked up for public.js to add the viewer's time.

    style: "time" (14:00), "day" (Fri 6 Mar, 14:00) or "date" (Fri 6 Mar 2026).
    """
    if value is None:
        return format_html('<span class="muted">{}</span>', _("Time to be announced"))
    local = value.astimezone(season.tz)
    fmt = {"time": None, "day": "D j M, H:i", "date": "D j M Y"}[style]
    text = date_format(local, fmt) if fmt else f"{local:%H:%M}"
    if style == "date":
        return format_html('<time datetime="{}">{}</time>', local.date().isoformat(), text)
    return format_html(
        '<time datetime="{}" data-viewer-time data-venue-tz="{}" data-yours="{}">{}'
        '<span class="tz"> {}</span></time>',
        value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"), season.time_zone,
        _("your time"), text, _("%(city)s time") % {"city": season.city})


@register.filter
def criterion(value: str | None) -> str:
    """The R12 tie-breaker's name."""
    return str(CRITERIA.get(value or "", "")) if value else ""


register.filter("money", money)


@register.filter
def signed(value: int) -> str:
    """+3, 0, −2 for differences."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"\u2212{abs(value)}"
    return "0"


@register.filter
def get(mapping, key):
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None

