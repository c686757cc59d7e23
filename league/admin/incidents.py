"""Failure reports, replacements, robots and placings: visible to the organizer, never changed here.

Deciding a failure report stays with the head referees on their pages (R4, four eyes); robots are
registered on their entry's page (R3); placings come from the bracket (R16).
"""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import FailureReport, Placing, Protest, ProtestEvidence, Replacement, Robot
from ..money import money
from .base import AuditHistoryMixin, ReadOnlyAdmin, ReadOnlyInline


class TeamColumn:
    """The "team" column of a row that belongs to an entry."""

    @admin.display(description=_("team"), ordering="entry__team__name_en")
    def team(self, obj):
        return obj.entry.team


@admin.register(FailureReport)
class FailureReportAdmin(TeamColumn, AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["filed_at", "team", "robot", "match", "irreversible", "status", "filed_by", "decided_by",
                    "decided_at"]
    list_filter = ["status", "irreversible", "entry__season"]
    search_fields = ["entry__team__name_en", "robot__serial", "robot__name", "description"]
    list_select_related = ["entry__team", "robot", "match", "filed_by", "decided_by"]
    fields = ["entry", "robot", "match", "description", "irreversible", "status", "filed_by", "filed_at",
              "decided_by", "decided_at", "decision_note"]
    readonly_fields = fields


@admin.register(Replacement)
class ReplacementAdmin(TeamColumn, AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["recorded_at", "team", "old_robot", "new_robot", "failure_report", "recorded_by"]
    list_filter = ["entry__season"]
    list_select_related = ["entry__team", "old_robot", "new_robot", "failure_report__robot", "recorded_by"]
    fields = ["entry", "old_robot", "new_robot", "failure_report", "recorded_by", "recorded_at"]
    readonly_fields = fields


@admin.register(Robot)
class RobotAdmin(TeamColumn, AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["serial", "name", "model", "role", "status", "team", "season"]
    list_filter = ["season", "role", "status"]
    search_fields = ["serial", "name", "entry__team__name_en"]
    list_select_related = ["entry__team", "season"]
    fields = ["season", "entry", "role", "model", "serial", "name", "status"]
    readonly_fields = fields


@admin.register(Placing)
class PlacingAdmin(TeamColumn, ReadOnlyAdmin):
    list_display = ["season", "place", "team", "reward_description", "reward"]
    list_filter = ["season", "place"]
    list_select_related = ["entry__team", "season"]
    fields = ["season", "entry", "place", "reward_description", "reward"]
    readonly_fields = fields

    @admin.display(description=_("value"), ordering="reward_value")
    def reward(self, obj):
        return money(obj.reward_value, obj.reward_currency)


class ProtestEvidenceInline(ReadOnlyInline):
    """What the team sent: links and the files' names, types and sizes. The files themselves are
    opened on the referee panel's ruling page (private storage, never a public URL)."""

    model = ProtestEvidence
    fields = ["kind", "url", "name", "content_type", "size"]
    readonly_fields = fields


@admin.register(Protest)
class ProtestAdmin(TeamColumn, AuditHistoryMixin, ReadOnlyAdmin):
    """Protests and their rulings (R18): ruled by a head referee on the referee pages, shown here."""

    list_display = ["filed_at", "match", "team", "status", "filed_by", "ruled_by", "ruled_at"]
    list_filter = ["status", "match__season"]
    search_fields = ["entry__team__name_en", "match__slot", "statement", "ruling_reason"]
    list_select_related = ["entry__team", "match__red__team", "match__blue__team", "filed_by",
                           "ruled_by"]
    fields = ["match", "entry", "statement", "status", "filed_by", "filed_at", "ruled_by",
              "ruled_at", "ruling_reason"]
    readonly_fields = fields
    inlines = [ProtestEvidenceInline]
