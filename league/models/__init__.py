"""League models, one module per part of the domain.

- season: Season, Reward, Group
- team: Team, Entry, TeamMember, Robot
- match: Match, Round, AllowanceUse
- incident: FailureReport, Replacement
- outcome: Placing
- audit: AuditEvent
"""
from .audit import AuditEvent
from .incident import FailureReport, Replacement
from .match import AllowanceUse, Corner, Match, Round
from .outcome import Placing
from .season import Group, Reward, Season
from .team import Entry, Robot, Team, TeamMember

__all__ = [
    "AllowanceUse",
    "AuditEvent",
    "Corner",
    "Entry",
    "FailureReport",
    "Group",
    "Match",
    "Placing",
    "Replacement",
    "Reward",
    "Robot",
    "Round",
    "Season",
    "Team",
    "TeamMember",
]
