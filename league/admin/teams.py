"""Teams: the identity that lasts across seasons (R2), with the history of their entries."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms.admin import ServiceModelForm
from ..models import Entry, Team
from .base import AuditHistoryMixin, ReadOnlyInline, ServiceSaveMixin


class EntryHistoryInline(ReadOnlyInline):
    model = Entry
    fields = ["season", "status", "status_reason", "seed", "group"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("seasons entered")


class TeamForm(ServiceModelForm):
    """A team's identity (R2), saved by team_create / team_update."""

    class Meta:
        model = Team
        fields = ["name_en", "name_zh", "name_zh_hant", "slug", "organization", "registration_number",
                  "kind", "country"]

    def service_call(self, data):
        fields = {name: data[name] for name in self.changed_data if name in data}
        if self.instance.pk:
            return services.team_update(team=self.instance, actor=self.actor, **fields)
        return services.team_create(actor=self.actor, **{n: data[n] for n in self._meta.fields if n in data})


@admin.register(Team)
class TeamAdmin(ServiceSaveMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = TeamForm
    list_display = ["name_en", "name_zh", "name_zh_hant", "organization", "kind", "country",
                    "registration_number", "seasons"]
    list_filter = ["kind", "country"]
    search_fields = ["name_en", "name_zh", "name_zh_hant", "organization", "registration_number", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [EntryHistoryInline]
    fields = ["name_en", "name_zh", "name_zh_hant", "slug", "organization", "registration_number", "kind",
              "country"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("seasons"), ordering="entry_count")
    def seasons(self, obj):
        return obj.entry_count

    def has_delete_permission(self, request, obj=None):
        # A team that ever entered a season is part of the league's history (R2).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.entries.exists())
