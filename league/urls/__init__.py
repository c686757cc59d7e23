"""URL configuration of the league; ``<slot:slot>`` is a match slot (A1-D6, QF1, SF2, 3P, F):
letters and digits only, so nothing else (a NUL byte, say) ever reaches a query; ``<day:day>``
a match day's number (1-999)."""
from django.urls import register_converter


class SlotConverter:
    regex = "[A-Za-z0-9]{1,8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class DayConverter:
    """A match day's number (1-999)."""

    regex = "[1-9][0-9]{0,2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SlotConverter, "slot")
register_converter(DayConverter, "day")
