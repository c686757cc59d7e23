"""Failure reports, replacements, robots and placings: visible to the organizer, never changed here.

Deciding a failure report stays with the head referees on their pages (R4, four eyes); robots are
registered on their entry's page (R3); placings come from the bracket (R16).
"""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import FailureReport, Placing, Replacement, Robot
from ..money import money
from .base import AuditHistoryMixin, ReadOnlyAdmin


@admin.register(FailureReport)
class FailureReportAdmin(AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["filed_at", "team", "robot", "match", "irreversible", "status", "filed_by", "decided_by",
                    "decided_at"]
    list_filter = ["status", "irreversible", "entry__season"]
    search_fields = ["entry__team__name_en", "robot__serial", "robot__name", "description"]
    list_select_related = ["entry__team", "robot", "match", "filed_by", "decided_by"]
    fields = ["entry", "robot", "match", "description", "irreversible", "status", "filed_by", "filed_at",
              "decided_by", "decided_at", "decision_note"]
    readonly_fields = fields

    @admin.display(description=_("team"), ordering="entry__team__name_en")
    def team(self, obj):
        return obj.entry.team


@admin.register(Replacement)
class ReplacementAdmin(AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["recorded_at", "team", "old_robot", "new_robot", "failure_report", "recorded_by"]
    list_filter = ["entry__season"]
    list_select_related = ["entry__team", "old_robot", "new_robot", "failure_report__robot", "recorded_by"]
    fields = ["entry", "old_robot", "new_robot", "failure_report", "recorded_by", "recorded_at"]
    readonly_fields = fields

    @admin.display(description=_("team"), ordering="entry__team__name_en")
    def team(self, obj):
        return obj.entry.team


@admin.register(Robot)
class RobotAdmin(AuditHistoryMixin, ReadOnlyAdmin):
    list_display = ["serial", "name", "model", "role", "status", "team", "season"]
    list_filter = ["season", "role", "status"]
    search_fields = ["serial", "name", "entry__team__name_en"]
    list_select_related = ["entry__team", "season"]
    fields = ["season", "entry", "role", "model", "serial", "name", "status"]
    readonly_fields = fields

    @admin.display(description=_("team"), ordering="entry__team__name_en")
    def team(self, obj):
        return obj.entry.team


@admin.register(Placing)
class PlacingAdmin(ReadOnlyAdmin):
    list_display = ["season", "place", "team", "reward_description", "reward"]
    list_filter = ["season", "place"]
    list_select_related = ["entry__team", "season"]
    fields = ["season", "entry", "place", "reward_description", "reward"]
    readonly_fields = fields

    @admin.display(description=_("team"), ordering="entry__team__name_en")
    def team(self, obj):
        return obj.entry.team

    @admin.display(description=_("value"), ordering="reward_value")
    def reward(self, obj):
        return money(obj.reward_value, obj.reward_currency)
