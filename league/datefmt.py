"""Date formats that follow the language: English "Fri 27 Nov, 14:00", Chinese "11月27日（星期五） 14:00".

Each format the pages use is written here once, in English (Django's date format codes), and
translated in the catalogs under the context "date format". Pages name the English format:
``{{ value|ldate:"D j M, H:i" }}`` in templates (league_dates), ``date_format(value, "D j M, H:i")``
in Python. A format not listed here is refused, so none is left out of the catalogs.
"""
from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import pgettext, pgettext_lazy

FORMATS = {
    # Translators: Django date format codes (the "date" template filter): D = weekday (星期五),
    # l = weekday in full, j = day, n = month number, M/F = month name, Y = year, H:i = time.
    # Write the natural order of your language, e.g. "n月j日（D） H:i".
    "D j M, H:i": pgettext_lazy("date format", "D j M, H:i"),
    "D j M H:i": pgettext_lazy("date format", "D j M H:i"),
    "D Y-m-d H:i": pgettext_lazy("date format", "D Y-m-d H:i"),
    "D j M Y": pgettext_lazy("date format", "D j M Y"),
    "D j M": pgettext_lazy("date format", "D j M"),
    "l j F Y": pgettext_lazy("date format", "l j F Y"),
    "l j F": pgettext_lazy("date format", "l j F"),
    "j F Y": pgettext_lazy("date format", "j F Y"),
    "M Y": pgettext_lazy("date format", "M Y"),
    "j M H:i": pgettext_lazy("date format", "j M H:i"),
    "j M H:i:s": pgettext_lazy("date format", "j M H:i:s"),
}


def date_format(value: dt.date | dt.datetime, fmt: str) -> str:
    """``value`` (already in the time zone to show) in the active language's form of ``fmt``."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown date format {fmt!r}: add it to league.datefmt.FORMATS.")
    return formats.date_format(value, pgettext("date format", fmt))
