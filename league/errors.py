"""The one domain error type: a refusal that names the rule it enforces."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    """A league rule (R1-R16 of DOMAIN.md) or a precondition refused an action.

    ``rule`` is the rule id (``"R4"``) or ``None`` for a plain precondition;
    the message is written for the organizer or referee who reads it.
    """

    def __init__(self, rule: str | None, message, *, field: str | None = None, params=None):
        self.rule = rule
        self.field = field
        text = f"{rule}: {message}" if rule else str(message)
        super().__init__(text, code=(rule or "invalid").lower(), params=params)

    @property
    def text(self) -> str:
        return self.messages[0]


class MatchConflict(RuleViolation):
    """The match changed since the form was loaded (optimistic version check)."""

    def __init__(self, message, *, current_version: int):
        self.current_version = current_version
        super().__init__(None, message)


class NotAllowed(RuleViolation):
    """The acting user may not do this (R7 roles)."""
