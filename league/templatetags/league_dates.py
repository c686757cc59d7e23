"""``{{ value|ldate:"D j M, H:i" }}``: a date in the active language's order (see league.datefmt)."""
from __future__ import annotations

from django import template

from league import datefmt

register = template.Library()


@register.filter(expects_localtime=True)
def ldate(value, fmt: str) -> str:
    """Like ``|date``, in the current time zone, with the format translated (context "date format")."""
    if value in (None, ""):
        return ""
    return datefmt.date_format(value, fmt)
