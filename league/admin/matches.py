"""Matches: made by the services (schedule, bracket), run by referees; the organizer assigns referees."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..datefmt import date_format
from ..errors import RuleViolation
from ..forms.admin import MatchRefereesForm
from ..models import AllowanceUse, Match, Round
from . import rings
from .base import ActorFormMixin, AuditHistoryMixin, ReadOnlyInline, dry_run, is_organizer


class RoundInline(ReadOnlyInline):
    model = Round
    fields = ["number", "winner", "method", "red_points", "blue_points", "red_knockdowns",
              "blue_knockdowns", "red_fouls", "blue_fouls", "recorded_by"]
    readonly_fields = fields


class AllowanceInline(ReadOnlyInline):
    model = AllowanceUse
    verbose_name_plural = _("allowances used (R9)")

    def get_fields(self, request, obj=None):
        return [f.name for f in AllowanceUse._meta.fields if f.name not in ("id", "match")]

    get_readonly_fields = get_fields


class RefereesForm(MatchRefereesForm):
    """Checked by services.referees_assign itself, in a transaction rolled back, before saving."""

    actor = None

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("referees") is not None:
            try:
                dry_run(lambda: services.referees_assign(match=self.instance, referees=data["referees"],
                                                         actor=self.actor) and None)
            except RuleViolation as exc:
                raise forms.ValidationError(exc.text) from exc
        return data


@admin.register(Match)
class MatchAdmin(ActorFormMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = RefereesForm
    list_display = ["slot", "season", "local_time", rings.estimated_time, "ring", "red_team",
                    "blue_team", "status", "result", "referee_names"]
    list_display_links = ["slot"]
    list_filter = ["season", "stage", "status", "group__name", "ring", "day"]
    search_fields = ["slot", "red__team__name_en", "blue__team__name_en", "ring"]
    list_select_related = ["season", "red__team", "blue__team", "winner__team", "group"]
    list_per_page = 100
    ordering = ["season", "scheduled_at", "ring", "slot"]
    actions = None
    filter_horizontal = ["referees"]
    inlines = [RoundInline, AllowanceInline]
    readonly_fields = ["season", "stage", "group", "slot", "day", "local_time", "ring", "red", "blue",
                       "status", "red_robot", "blue_robot", "red_seal", "blue_seal", "winner",
                       "red_rounds", "blue_rounds", "method", "result_note", "started_at", "finished_at",
                       "signed_off_by", "version", "feeds"]
    fieldsets = [
        (None, {"fields": ["season", "stage", "group", "slot", "day", "local_time", "ring", "status"]}),
        (_("Corners"), {"fields": ["red", "blue", "red_robot", "blue_robot", "red_seal", "blue_seal"]}),
        (_("Referees (R7)"), {"fields": ["referees"]}),
        (_("Result"), {"fields": ["winner", "red_rounds", "blue_rounds", "method", "result_note",
                                  "started_at", "finished_at", "signed_off_by", "version", "feeds"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("referees")

    def get_urls(self):
        return [*rings.ring_urls(self), *super().get_urls()]

    def get_changelist(self, request, **kwargs):
        return rings.EstimatedChangeList  # scheduled and estimated times side by side

    def get_list_display(self, request):
        if request.GET.get("season__id__exact"):  # one season: no need to repeat it on every row
            return [name for name in self.list_display if name != "season"]
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and (obj.is_done or not is_organizer(request)):
            fields.append("referees")
        return fields

    def has_add_permission(self, request):
        return False  # the schedule and the bracket make the matches

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # only the referees change, in save_related

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # the rounds and allowances are read-only here
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if "referees" in form.changed_data:
            try:
                with transaction.atomic():
                    services.referees_assign(match=form.instance, referees=form.cleaned_data["referees"],
                                             actor=request.user)
            except RuleViolation as exc:
                messages.error(request, exc.text)

    @admin.display(description=_("local time"), ordering="scheduled_at")
    def local_time(self, obj):
        if not obj.scheduled_at:
            return "–"
        at = obj.scheduled_at.astimezone(obj.season.tz)
        return format_html('<span class="nowrap">{}</span> {}', date_format(at, "D Y-m-d H:i"),
                           at.tzname())

    @admin.display(description=_("red corner"), ordering="red__team__name_en")
    def red_team(self, obj):
        return obj.red_name

    @admin.display(description=_("blue corner"), ordering="blue__team__name_en")
    def blue_team(self, obj):
        return obj.blue_name

    @admin.display(description=_("result"))
    def result(self, obj):
        if obj.winner_id is None:
            return ""
        return f"{obj.winner.team.name_en} {obj.red_rounds}-{obj.blue_rounds} {obj.get_method_display()}"

    @admin.display(description=_("referees"))
    def referee_names(self, obj):
        return ", ".join(u.get_username() for u in obj.referees.all())

    @admin.display(description=_("feeds (R14)"))
    def feeds(self, obj):
        parts = []
        if obj.winner_to_id:
            parts.append(format_html('{} → <a href="{}">{}</a> ({})', _("winner"),
                                     reverse("admin:league_match_change", args=[obj.winner_to_id]),
                                     obj.winner_to.slot, obj.get_winner_to_corner_display()))
        if obj.loser_to_id:
            parts.append(format_html('{} → <a href="{}">{}</a> ({})', _("loser"),
                                     reverse("admin:league_match_change", args=[obj.loser_to_id]),
                                     obj.loser_to.slot, obj.get_loser_to_corner_display()))
        return format_html("<br>".join(["{}"] * len(parts)), *parts) if parts else "–"
