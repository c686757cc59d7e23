"""Small helpers for the domain tests."""
from __future__ import annotations

import pytest

from league.errors import RuleViolation


def refused(rule: str):
    """pytest.raises for a RuleViolation that names ``rule`` (e.g. "R4")."""
    return pytest.raises(RuleViolation, match=rf"^\[['\"]?{rule}: ")
