"""The audit trail: every change the services made, who, when, what, from, to and why. Read-only."""
from __future__ import annotations

import json

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ..models import AuditEvent
from ..models.audit import ACTION_LABELS
from .base import ReadOnlyAdmin

ADMIN_OBJECTS = {"season", "entry", "match", "team", "failurereport", "replacement", "robot", "placing"}


class ActionFilter(admin.SimpleListFilter):
    """The action codes met so far, by their labels; the URL keeps the code (?action=draw_run)."""

    title = _("what")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        return sorted(((c, str(ACTION_LABELS.get(c, c))) for c in codes), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        return [(t, t) for t in types]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["when", "who", "what", "object_link", "change", "reason"]
    list_filter = [ActionFilter, "season", ("actor", admin.RelatedOnlyFieldListFilter), ObjectTypeFilter,
                   ("at", admin.DateFieldListFilter)]
    search_fields = ["object_repr", "reason", "action", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "season"]
    list_per_page = 50
    actions = None
    fields = ["at", "actor", "season", "what_code", "object_type", "object_id", "object_link", "from_state",
              "to_state", "reason", "data_pretty"]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # The history link of an object filters on it: ?object_type=entry&object_id=7
        return lookup in {"object_type", "object_id"} or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("when"), ordering="at")
    def when(self, obj):
        return format_html('<span class="nowrap">{}</span>', localtime(obj.at).strftime("%Y-%m-%d %H:%M:%S"))

    @admin.display(description=_("who"), ordering="actor__username")
    def who(self, obj):
        return obj.actor.get_username() if obj.actor_id else _("system")

    @admin.display(description=_("what"), ordering="action")
    def what(self, obj):
        return obj.action_label

    @admin.display(description=_("what"))
    def what_code(self, obj):
        if obj.action_label == obj.action:
            return format_html("<code>{}</code>", obj.action)
        return format_html("{} <code>{}</code>", obj.action_label, obj.action)

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, obj):
        if obj.object_type in ADMIN_OBJECTS and obj.object_id:
            try:
                url = reverse(f"admin:league_{obj.object_type}_change", args=[obj.object_id])
            except NoReverseMatch:
                return obj.object_repr
            return format_html('<a href="{}">{}</a>', url, obj.object_repr)
        return obj.object_repr

    @admin.display(description=_("from → to"))
    def change(self, obj):
        if not (obj.from_state or obj.to_state):
            return ""
        return f"{obj.from_state or '–'} → {obj.to_state or '–'}"

    @admin.display(description=_("details"))
    def data_pretty(self, obj):
        if not obj.data:
            return "–"
        return format_html("<pre class=\"league-json\">{}</pre>",
                           json.dumps(obj.data, indent=2, ensure_ascii=False, sort_keys=True))
