"""Teams: the identity that lasts across seasons (R2), with the history of their entries."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Entry, Season, Team
from ..services.common import audit, bump
from .base import AuditHistoryMixin, ReadOnlyInline


class EntryHistoryInline(ReadOnlyInline):
    model = Entry
    fields = ["season", "status", "status_reason", "seed", "group"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("seasons entered")


@admin.register(Team)
class TeamAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "organization", "kind", "country", "registration_number",
                    "seasons"]
    list_filter = ["kind", "country"]
    search_fields = ["name_en", "name_zh", "organization", "registration_number", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [EntryHistoryInline]
    fields = ["name_en", "name_zh", "slug", "organization", "registration_number", "kind", "country"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("seasons"), ordering="entry_count")
    def seasons(self, obj):
        return obj.entry_count

    def save_model(self, request, obj, form, change):
        """A team's identity has no rule beyond its fields (R2); the change is audited all the same."""
        before = Team.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            audit(actor=request.user, action="team_created", obj=obj)
        elif form.changed_data:
            audit(actor=request.user, action="team_changed", obj=obj, data={
                name: [str(getattr(before, name)), str(getattr(obj, name))] for name in form.changed_data})
            for season_id in Season.objects.filter(entries__team=obj).values_list("pk", flat=True):
                bump(season_id)  # the team's names show on every season it entered

    def has_delete_permission(self, request, obj=None):
        # A team that ever entered a season is part of the league's history (R2).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.entries.exists())
