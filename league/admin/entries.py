"""Applications and auditions: entries, their rosters and robots, all changed through the services.

Inline rows are checked by running the services in a transaction that is rolled back (``dry_run``)
when the form is validated, so a refusal (R2, R3...) shows on the row it concerns; the save then
makes the same service calls for real.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import roles, services
from ..errors import RuleViolation
from ..forms.admin import ReasonForm
from ..models import Entry, FailureReport, Replacement, Robot, Season, TeamMember
from ..services.entries import FIELD_SIZE
from ..services.seeding import audition_score_record
from .base import AuditHistoryMixin, ReadOnlyInline, dry_run


class ShownValue(forms.Widget):
    """An existing row's value, shown as text: rows change only through the services."""

    def __init__(self, choices=None):
        super().__init__()
        self.labels = {str(k): v for k, v in (choices or [])}

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="league-shown">{}</span>', self.labels.get(str(value), value or ""))


class ServiceInlineFormSet(forms.BaseInlineFormSet):
    """An inline whose rows are created and removed only by services.

    Existing rows are read-only (their fields disabled); ``calls`` lists, for the rows that
    changed, the service call each one needs. ``clean`` tries them all in a rolled-back
    transaction and puts each refusal on its row; ``apply`` makes them for real.
    """

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            if form.instance.pk:
                for name, field in form.fields.items():
                    if name != "DELETE" and not isinstance(field.widget, forms.HiddenInput):
                        field.disabled = True
                        field.widget = ShownValue(getattr(field, "choices", None))

    def calls(self) -> list[tuple[forms.Form, Callable[[], object], str]]:
        raise NotImplementedError

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        refusals = {}

        def attempt():
            for form, call, _kind in self.calls():
                try:
                    with transaction.atomic():
                        call()
                except RuleViolation as exc:
                    refusals[form] = exc.text

        dry_run(attempt)
        for form, text in refusals.items():
            form.add_error(None, text)

    def apply(self, request) -> None:
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form, call, kind in self.calls():
            try:
                with transaction.atomic():
                    result = call()
            except RuleViolation as exc:  # something changed since the form was checked
                messages.error(request, exc.text)
                continue
            if kind == "delete":
                self.deleted_objects.append(form.instance)
            else:
                self.new_objects.append(result)


class MemberFormSet(ServiceInlineFormSet):
    def calls(self):
        entry, actor = self.instance, self.actor
        removed = [f for f in self.initial_forms if self._should_delete_form(f)]
        added = [f for f in self.extra_forms if f.has_changed() and not self._should_delete_form(f)]
        # A copy: deleting a row clears the primary key of the instance it is given, and the dry
        # run must leave the form's own instance as it was.
        return ([(f, lambda m=f.instance: services.member_remove(member=copy.copy(m), actor=actor), "delete")
                 for f in removed]
                + [(f, lambda d=f.cleaned_data: services.member_add(
                    entry=entry, name=d["name"], role=d["role"], actor=actor), "add") for f in added])


class RobotFormSet(ServiceInlineFormSet):
    def __init__(self, *args, **kwargs):
        entry = kwargs.get("instance")
        if entry is not None and entry.pk and "initial" not in kwargs:
            taken = set(entry.robots.values_list("role", flat=True))
            kwargs["initial"] = [{"role": role} for role in Robot.Role.values if role not in taken]
        super().__init__(*args, **kwargs)

    def calls(self):
        entry, actor = self.instance, self.actor
        removed = [f for f in self.initial_forms if self._should_delete_form(f)]
        added = [f for f in self.extra_forms if f.has_changed() and not self._should_delete_form(f)]
        return [(f, lambda r=f.instance: services.robot_remove(robot=copy.copy(r), actor=actor), "delete")
                for f in removed] + [(f, lambda d=f.cleaned_data: services.robot_register(
            entry=entry, role=d["role"], serial=d["serial"], name=d["name"],
            model=d.get("model") or Robot.DEFAULT_MODEL, firmware_version=d.get("firmware_version") or "",
            actor=actor), "add") for f in added]


class ServiceInline(admin.TabularInline):
    """Rows changed through the services, and only while ``is_open(entry)`` says so (the
    domain's predicate: Entry.roster_open, Entry.robots_open)."""

    def is_open(self, entry) -> bool:
        return True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset

    def _open(self, obj) -> bool:
        return obj is not None and self.is_open(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(obj)


class MemberInline(ServiceInline):
    """The roster (R2: 3-10 members, locked for the main event). Remove and add; no edits."""

    model = TeamMember
    formset = MemberFormSet
    fields = ["name", "role"]
    extra = 0
    max_num = TeamMember.MAX_ROSTER
    verbose_name_plural = _("members (R2: 3-10, locked for the main event)")

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None or not obj.roster_open():
            return 0
        return max(0, TeamMember.MIN_ROSTER - obj.members.count()) or 1

    def is_open(self, entry) -> bool:
        return entry.roster_open()


class RobotInline(ServiceInline):
    """The primary and the backup robot (R3), registered before the draw. No edits: a mistyped
    robot is removed and registered again, until the draw."""

    model = Robot
    formset = RobotFormSet
    fields = ["role", "model", "serial", "name", "firmware_version", "status", "photo_link"]
    readonly_fields = ["status", "photo_link"]
    max_num = 2
    verbose_name_plural = _("robots (R3: one primary and one backup)")

    def get_extra(self, request, obj=None, **kwargs):
        return max(0, 2 - obj.robots.count()) if obj is not None else 0

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        if not obj or not obj.photo:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("teamsite:robot_photo", args=[obj.pk]),
                           gettext("Open the photo"))

    def is_open(self, entry) -> bool:
        return entry.robots_open()


class FailureReportInline(ReadOnlyInline):
    """Visible here; deciding stays with the head referees (R4)."""

    model = FailureReport
    fields = ["robot", "match", "description", "irreversible", "status", "filed_by", "decided_by",
              "decision_note"]
    readonly_fields = fields
    verbose_name_plural = _("failure reports (decided by the head referees, R4)")


class ReplacementInline(ReadOnlyInline):
    model = Replacement
    fields = ["old_robot", "new_robot", "failure_report", "recorded_by", "recorded_at"]
    readonly_fields = fields


class EntryAddForm(forms.ModelForm):
    """A team applies to a season: checked by entry_apply itself (R2) before it is saved."""

    actor = None

    class Meta:
        model = Entry
        fields = ["season", "team"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["season"].queryset = Season.objects.filter(phase=Season.Phase.REGISTRATION)

    def clean(self):
        data = super().clean()
        if data.get("season") and data.get("team"):
            try:
                dry_run(lambda: services.entry_apply(season=data["season"], team=data["team"],
                                                     actor=self.actor) and None)
            except RuleViolation as exc:
                raise forms.ValidationError(exc.text) from exc
        return data


class EntryChangeForm(forms.ModelForm):
    """The one field of an entry the organizer types: its audition score (a seeding source, R10),
    checked by audition_score_record itself before anything is saved."""

    actor = None

    class Meta:
        model = Entry
        fields = ["audition_score"]

    def clean(self):
        data = super().clean()
        if "audition_score" in self.changed_data:
            try:
                dry_run(lambda: audition_score_record(
                    entry=self.instance, score=data.get("audition_score"), actor=self.actor) and None)
            except RuleViolation as exc:
                raise forms.ValidationError({"audition_score": exc.text}) from exc
        return data


def organizer_only(request) -> bool:
    return roles.is_organizer(request.user)


@admin.register(Entry)
class EntryAdmin(AuditHistoryMixin, admin.ModelAdmin):
    change_list_template = "admin/league/entry/change_list.html"
    list_display = ["team_names", "season", "status_badge", "country", "kind", "members_n", "robots_n",
                    "seed", "group"]
    list_display_links = ["team_names"]
    list_filter = ["season", "status", ("team__country", admin.AllValuesFieldListFilter), "team__kind"]
    search_fields = ["team__name_en", "team__name_zh", "team__organization", "team__registration_number"]
    list_select_related = ["team", "season", "group"]
    list_per_page = 50
    ordering = ["-season__starts_on", "season", F("seed").asc(nulls_last=True), "team__name_en"]
    actions = ["approve_auditions", "reject_auditions", "qualify", "withdraw"]
    readonly_fields = ["season", "team", "status", "status_reason", "seed", "pot", "group", "lot",
                       "applied_at", "proof_link"]
    inlines = [MemberInline, RobotInline, FailureReportInline, ReplacementInline]
    autocomplete_fields = ["team"]

    @admin.display(description=_("proof of registration"))
    def proof_link(self, obj):
        """The team's proof (R2), opened through the permission-checked view of the teams' site."""
        if not obj.proof:
            return gettext("None uploaded")
        return format_html('<a href="{}">{}</a>', reverse("teamsite:proof", args=[obj.pk]),
                           gettext("Open the proof"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            member_count=Count("members", distinct=True), robot_count=Count("robots", distinct=True))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = EntryAddForm if obj is None else EntryChangeForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["season", "team"] if obj is None else [*self.readonly_fields, "audition_score"]

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        inlines = [MemberInline, RobotInline]
        if obj.failure_reports.exists():
            inlines.append(FailureReportInline)
        if Replacement.objects.filter(entry=obj).exists():
            inlines.append(ReplacementInline)
        return inlines

    def get_list_display(self, request):
        if request.GET.get("season__id__exact"):  # one season: no need to repeat it on every row
            return [name for name in self.list_display if name != "season"]
        return self.list_display

    def has_add_permission(self, request):
        return super().has_add_permission(request) and organizer_only(request)

    def has_delete_permission(self, request, obj=None):
        return False  # an entry is withdrawn (with a reason), never deleted

    def has_organize_permission(self, request):
        return self.has_change_permission(request) and organizer_only(request)

    def save_model(self, request, obj, form, change):
        if change:  # every field of an entry moves through a service
            if "audition_score" in form.changed_data:
                audition_score_record(entry=obj, score=form.cleaned_data["audition_score"],
                                               actor=request.user)
            return
        created = services.entry_apply(season=form.cleaned_data["season"], team=form.cleaned_data["team"],
                                       actor=request.user)
        obj.pk, obj.status, obj.applied_at = created.pk, created.status, created.applied_at
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, ServiceInlineFormSet):
            formset.apply(request)
        else:
            super().save_formset(request, form, formset, change)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, gettext("%(team)s has applied to %(season)s: add its members and "
                                          "robots below.") % {"team": obj.team, "season": obj.season})
        return HttpResponseRedirect(reverse("admin:league_entry_change", args=[obj.pk]))

    # --- columns ------------------------------------------------------------------------------

    @admin.display(description=_("team"), ordering="team__name_en")
    def team_names(self, obj):
        return format_html("{} <span class=\"league-zh\">{}</span>", obj.team.name_en, obj.team.name_zh)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="league-status league-status-{}" title="{}">{}</span>', obj.status,
                           obj.status_reason, obj.get_status_display())

    @admin.display(description=_("country"), ordering="team__country")
    def country(self, obj):
        return obj.team.country

    @admin.display(description=_("kind"), ordering="team__kind")
    def kind(self, obj):
        return obj.team.get_kind_display()

    @admin.display(description=_("members"), ordering="member_count")
    def members_n(self, obj):
        return obj.member_count

    @admin.display(description=_("robots"), ordering="robot_count")
    def robots_n(self, obj):
        return f"{obj.robot_count}/2"

    # --- the qualified count (R1) -------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        seasons = Season.objects.exclude(phase=Season.Phase.FINISHED)
        season_id = request.GET.get("season__id__exact")
        if season_id and season_id.isdigit():
            seasons = Season.objects.filter(pk=season_id)
        extra_context["qualified_counts"] = [
            {"season": s, "label": f"{s.n}/{FIELD_SIZE}", "full": s.n >= FIELD_SIZE}
            for s in seasons.annotate(n=Count("entries", filter=Q(entries__status=Entry.Status.QUALIFIED)))
            .order_by("-starts_on")[:5]]
        return super().changelist_view(request, extra_context)

    # --- bulk actions: one service call per entry ---------------------------------------------

    def _each(self, request, queryset, call, done_message: Callable[[list[str]], str]) -> None:
        done = []
        for entry in queryset.select_related("team", "season").order_by("team__name_en"):
            try:
                with transaction.atomic():
                    call(entry)
            except RuleViolation as exc:
                messages.error(request, f"{entry.team}: {exc.text}")
            else:
                done.append(str(entry.team))
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("Audition passed: approve the selected applications"),
                  permissions=["organize"])
    def approve_auditions(self, request, queryset):
        self._each(request, queryset,
                   lambda e: services.entry_audition(entry=e, passed=True, actor=request.user),
                   lambda done: ngettext("Audition passed: %(teams)s.",
                                         "Auditions passed (%(n)d): %(teams)s.",
                                         len(done)) % {"n": len(done), "teams": ", ".join(done)})

    @admin.action(description=_("Audition rejected: reject the selected applications, with a reason"),
                  permissions=["organize"])
    def reject_auditions(self, request, queryset):
        return self._with_reason(
            request, queryset, action="reject_auditions", title=gettext("Reject the auditions"),
            call=lambda e, reason: services.entry_audition(entry=e, passed=False, reason=reason,
                                                           actor=request.user),
            done=lambda done: gettext("Audition rejected: %(teams)s.") % {"teams": ", ".join(done)})

    @admin.action(description=_("Qualify the selected teams for the main event (R1: 16)"),
                  permissions=["organize"])
    def qualify(self, request, queryset):
        season_ids = set(queryset.values_list("season", flat=True))  # before the statuses change
        self._each(request, queryset, lambda e: services.entry_qualify(entry=e, actor=request.user),
                   lambda done: ngettext("Qualified: %(teams)s.", "Qualified (%(n)d): %(teams)s.", len(done))
                   % {"n": len(done), "teams": ", ".join(done)})
        for season in Season.objects.filter(pk__in=season_ids).annotate(
                n=Count("entries", filter=Q(entries__status=Entry.Status.QUALIFIED))):
            messages.info(request, gettext("%(season)s: %(n)d/%(max)d teams qualified (R1).") % {
                "season": season, "n": season.n, "max": FIELD_SIZE})

    @admin.action(description=_("Withdraw the selected teams, with a reason"), permissions=["organize"])
    def withdraw(self, request, queryset):
        return self._with_reason(
            request, queryset, action="withdraw", title=gettext("Withdraw the teams"),
            call=lambda e, reason: services.entry_withdraw(entry=e, reason=reason, actor=request.user),
            done=lambda done: gettext("Withdrawn: %(teams)s.") % {"teams": ", ".join(done)})

    def _with_reason(self, request, queryset, *, action, title, call, done):
        """An intermediate page asks the reason; then one service call per entry."""
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                self._each(request, queryset, lambda e: call(e, reason), done)
                return None
        else:
            form = ReasonForm()
        return TemplateResponse(request, "admin/league/entry/reason.html", {
            **self.admin_site.each_context(request),
            "title": title, "opts": self.model._meta, "form": form, "action": action,
            "entries": queryset.select_related("team", "season").order_by("team__name_en"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })
