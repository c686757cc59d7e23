"""Small presentation helpers for the public pages: team names in both scripts, league data in
the page's language (league/zh.py), times in the venue's time zone (public.js adds the
viewer's), R12 tie-break labels, money."""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from league import zh
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


@register.filter
def tr(obj, stem: str) -> str:
    """``{{ season|tr:"venue" }}``: league data in the page's language (English, 简体 or 繁體,
    falling back to the nearest one given), e.g. city, venue, a reward's description."""
    return zh.pick(obj, stem) if obj is not None else ""


@register.filter(name="zh")
def zh_text(obj, stem: str) -> str:
    """``{{ season|zh:"name" }}``: the Chinese text in the page's script (繁體 on zh-hant pages,
    简体 otherwise), for names shown in English and Chinese side by side."""
    return zh.chinese(obj, stem) if obj is not None else ""


@register.simple_tag
def zh_lang() -> str:
    """The ``lang`` attribute of the Chinese text on this page: zh-Hant (so a browser picks
    traditional glyphs) on zh-hant pages, zh otherwise."""
    return "zh-Hant" if zh.script() == zh.HANT else "zh"


@register.filter
def ring_name(ring: str, season) -> str:
    """``{{ m.ring|ring_name:season }}``: a ring (its English name) in the page's language."""
    return season.ring_name(ring) if ring else ""


@register.simple_tag
def team_name(obj, waiting: str = "", link: bool = True):
    """A team's name in both scripts (English and Chinese, the latter 繁體 on zh-hant pages),
    linked to its page.

    ``obj`` is a Team or an Entry; without one, ``waiting`` says what the slot waits for.
    """
    team = _team(obj)
    if team is None:
        return format_html('<span class="tn tn-waiting">{}</span>', waiting or _("To be decided"))
    inner = format_html('<span class="tn-en" lang="en">{}</span> <span class="tn-zh" lang="{}">{}</span>',
                        team.name_en, zh_lang(), zh.chinese(team, "name"))
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
        _("your time"), text, _("%(city)s time") % {"city": zh.pick(season, "city")})


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

