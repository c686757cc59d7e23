"""The one refusal of every import (CSV/XLSX applications and season JSON).

``ImportRefused(place, message, rule)``: ``place`` says where in the file (``line 4, column
country`` for a table, ``matches[12].rounds[2]`` for a season file), ``rule`` the rule id it
breaks (``"R8"``) or None for a file that is malformed without breaking a league rule. It is a
``RuleViolation``, so any view that shows a RuleViolation shows it; nothing was saved.
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from ..errors import RuleViolation


class ImportRefused(RuleViolation):
    def __init__(self, path: str, message, rule: str | None = None, *, field: str | None = None,
                 rows: list | None = None):
        self.path = path or _("(file)")
        message = str(message)
        if rule and message.startswith(f"{rule}: "):
            message = message[len(rule) + 2:]
        self.rows = rows or []
        super().__init__(rule, message, field=field)
        self.message = message  # after ValidationError.__init__, which sets it with the rule id

    @property
    def text(self) -> str:
        """The rule and the sentence, without the place."""
        return f"{self.rule}: {self.message}" if self.rule else self.message

    def __str__(self) -> str:
        return f"{self.path}: {self.text}"


class FormatError(ImportRefused):
    """The file is not well formed (shape, types, values, references, limits): no rule id."""

    def __init__(self, path: str, message, *, field: str | None = None):
        super().__init__(path, message, None, field=field)


def cell_place(line: int, column: str | None = None) -> str:
    """The place of a cell in a table, for a person: 'line 4, column country'."""
    if column:
        return _("line %(line)d, column %(column)s") % {"line": line, "column": column}
    return _("line %(line)d") % {"line": line}
