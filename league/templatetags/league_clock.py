"""Template tags of the referee card's clock and safety nets."""
from __future__ import annotations

import json
import uuid

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def idempotency_field():
    """A key made for this drawing of a form: a retry of the same post is applied once
    (league.services.idempotency)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)


@register.filter
def clock_json(state) -> str:
    """The clock state for a data- attribute (escaped by the template)."""
    return json.dumps(state or {}, separators=(",", ":"))


@register.filter
def mmss(ms) -> str:
    """Milliseconds as m:ss, rounded up (what a countdown shows before the JS takes over)."""
    seconds = -(-int(ms or 0) // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def countdown_label(kind) -> str:
    from ..models.clock import ClockEvent

    try:
        return str(ClockEvent.Countdown(kind).label)
    except ValueError:
        return str(kind)


@register.filter
def corner_label(corner) -> str:
    from ..models import Corner

    try:
        return str(Corner(corner).label)
    except ValueError:
        return ""
