"""League models, one module per part of the domain.

- season: Season, Reward, Group
- team: Team, Entry, TeamMember, Robot
- match: Match, Round, AllowanceUse
- incident: FailureReport, Replacement
- outcome: Placing
- audit: AuditEvent
- clock: ClockSettings, ClockEvent (R17), IdempotentPost
- account: TeamManager, TeamInvitation, CalendarFeed (team accounts on the teams' site)
- jobs: WebhookEndpoint, WebhookDelivery, Notification (outboxes of the background jobs)
- protest: Protest, ProtestEvidence (R18)
"""
from .account import CalendarFeed, TeamInvitation, TeamManager
from .audit import AuditEvent
from .clock import ClockEvent, ClockSettings, IdempotentPost
from .incident import FailureReport, Replacement
from .jobs import Notification, WebhookDelivery, WebhookEndpoint
from .match import AllowanceUse, Corner, Match, Round
from .outcome import Placing
from .protest import Protest, ProtestEvidence
from .season import Group, Reward, Season
from .team import Entry, Robot, Team, TeamMember

__all__ = [
    "AllowanceUse",
    "CalendarFeed",
    "AuditEvent",
    "ClockEvent",
    "ClockSettings",
    "Corner",
    "Entry",
    "FailureReport",
    "Group",
    "IdempotentPost",
    "Match",
    "Notification",
    "Placing",
    "Protest",
    "ProtestEvidence",
    "Replacement",
    "Reward",
    "Robot",
    "Round",
    "Season",
    "Team",
    "TeamInvitation",
    "TeamManager",
    "TeamMember",
    "WebhookDelivery",
    "WebhookEndpoint",
]
