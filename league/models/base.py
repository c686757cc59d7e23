"""Small helpers shared by the models."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A CheckConstraint that holds a TextChoices field to its values (choices alone do not)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        # Lazy, so it shows in the user's language; in English it equals the migrations' text.
        violation_error_message=format_lazy(_("{field} must be one of {values}."),
                                            field=field, values=", ".join(choices.values)),
    )


def validate_one_line(value: str) -> None:
    """Names, places and rings are shown on one line everywhere (pages, CSV, the feed): a line
    break (CR or LF) or another control character is refused."""
    if any(ch in value for ch in "\r\n") or any(ord(ch) < 32 and ch != "\t" for ch in value):
        raise ValidationError(_("Line breaks are not allowed: write it on one line."), code="one_line")
