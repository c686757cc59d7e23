"""Seasons: their settings, the rewards of each place and the phase actions that run them."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import roles, services
from ..errors import RuleViolation
from ..exchange import exports
from ..forms.admin import LotsForm, RewardForm, SeasonAdminForm
from ..models import ClockSettings, Entry, Match, Placing, Reward, Season
from ..money import money
from ..selectors import season_standings
from ..services.clock import clock_settings_set
from ..services.common import require_phase
from ..services.entries import FIELD_SIZE
from ..services.season import DEFAULT_REWARDS
from . import imports, printing, season_file
from .base import (
    AuditHistoryMixin,
    ServiceSaveMixin,
    admin_page,
    call_service,
    dry_run,
    require_organizer,
)
from .phase import ACTIONS, draw_check, preview_with_warnings

Phase = Season.Phase

class RewardInline(admin.TabularInline):
    """The reward of each place (R15, R16); copied into the placings when the season finishes."""

    model = Reward
    form = RewardForm
    fields = ["place", "description", "description_zh", "description_zh_hant", "value", "currency"]
    can_delete = False
    max_num = len(Reward.Place)
    verbose_name_plural = _("rewards of each place (R15)")

    def get_extra(self, request, obj=None, **kwargs):
        return max(0, len(Reward.Place) - (obj.rewards.count() if obj else 0))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.phase == Phase.FINISHED:
            return list(self.fields)
        return []

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.phase == Phase.FINISHED)


class ClockSettingsInline(admin.StackedInline):
    """The countdown lengths of the match clock (R17); saved by clock_settings_set."""

    model = ClockSettings
    fields = list(ClockSettings.DEFAULTS)
    can_delete = False
    max_num = 1
    verbose_name = verbose_name_plural = _("match clock: countdown lengths (R17)")

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and ClockSettings.objects.filter(season=obj).exists() else 1

    # clock_settings_set requires the organizer: the role, not a model permission, decides.
    def has_view_permission(self, request, obj=None):
        return roles.is_organizer(request.user)

    has_add_permission = has_change_permission = has_view_permission

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, seconds in ClockSettings.DEFAULTS.items():  # a season without a row: defaults
            formset.form.base_fields[name].initial = seconds
        return formset


@admin.register(Season)
class SeasonAdmin(ServiceSaveMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = SeasonAdminForm
    change_form_template = "admin/league/season/change_form.html"
    list_display = ["name", "city", "phase_badge", "starts_on", "applications", "qualified_count",
                    "next_step"]
    list_filter = ["phase", "city"]
    search_fields = ["name", "name_zh", "name_zh_hant", "city", "city_zh", "city_zh_hant", "venue",
                     "venue_zh", "venue_zh_hant", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["phase", "draw_seed", "knockout_seed", "created_at", "default_rewards"]
    actions = None  # no bulk delete: a season with matches is history
    fieldsets_add = [
        (None, {"fields": ["name", "name_zh", "name_zh_hant", "slug"]}),
        (_("Where and when"), {"fields": ["city", "venue", "time_zone", "starts_on", "day_start", "rings"]}),
        (_("In Chinese"), {"fields": ["city_zh", "city_zh_hant", "venue_zh", "venue_zh_hant", "rings_zh",
                                      "rings_zh_hant"],
                           "description": _("Simplified (简体) and traditional (繁體) characters; a "
                                            "traditional text left blank is proposed from the "
                                            "simplified one.")}),
        (_("Matches"), {"fields": ["best_of", "round_minutes", "slot_minutes", "min_rest_minutes",
                                   "third_place_match", "protest_window_minutes"]}),
        (_("Rewards"), {"fields": ["default_rewards"],
                        "description": _("The default reward of each place is set when the season is "
                                         "created; change it on the next page.")}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets_add
        return [
            (None, {"fields": ["name", "name_zh", "name_zh_hant", "slug", "phase"]}),
            *self.fieldsets_add[1:4],
            (_("Draws"), {"fields": ["draw_seed", "knockout_seed", "created_at"],
                          "description": _("The seeds let anyone re-run the draws (R10, R13).")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += obj.locked_settings()  # the domain's table; season_update enforces it
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if "slug" in self.get_readonly_fields(request, obj) else self.prepopulated_fields

    def get_inlines(self, request, obj):
        return [RewardInline, ClockSettingsInline] if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            entry_count=Count("entries", distinct=True),
            qualified_n=Count("entries", filter=Q(entries__status=Entry.Status.QUALIFIED), distinct=True))

    def has_delete_permission(self, request, obj=None):
        # Only a season still taking applications can be deleted: later it is league history.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.phase == Phase.REGISTRATION)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _organizer(request)

    # --- list columns ----------------------------------------------------------------------

    @admin.display(description=_("phase"), ordering="phase")
    def phase_badge(self, obj):
        return format_html('<span class="league-phase league-phase-{}">{}</span>', obj.phase,
                           obj.get_phase_display())

    @admin.display(description=_("applications"), ordering="entry_count")
    def applications(self, obj):
        url = reverse("admin:league_entry_changelist") + f"?season__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.entry_count)

    @admin.display(description=_("qualified (R1)"), ordering="qualified_n")
    def qualified_count(self, obj):
        return f"{obj.qualified_n}/{FIELD_SIZE}"

    @admin.display(description=_("next step"))
    def next_step(self, obj):
        steps = [a for a in ACTIONS.values() if obj.phase in a.phases]
        if obj.phase == Phase.FINISHED:
            return format_html('<a href="{}">{}</a>', reverse("admin:league_season_rewards", args=[obj.pk]),
                               gettext("Rewards"))
        if obj.phase == Phase.REGISTRATION:
            steps.insert(0, None)
        links = [format_html('<a href="{}">{}</a>', a.url(obj), a.title) if a else
                 format_html('<a href="{}">{}</a>', reverse("admin:league_season_import", args=[obj.pk]),
                             gettext("Import applications"))
                 for a in steps[:2]]
        return format_html(" · ".join(["{}"] * len(links)), *links)

    @admin.display(description=_("default rewards"))
    def default_rewards(self, obj):
        rows = format_html_join("", "<li><strong>{}</strong>: {} ({})</li>", (
            (Reward.Place(place).label, text, money(value, currency))
            for place, (text, value, currency) in DEFAULT_REWARDS.items()))
        return format_html('<ul class="league-rewards-default">{}</ul>', rows)

    # --- saving through the services -------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        if formset.model is ClockSettings:
            return self._save_clock_settings(request, form, formset)
        if formset.model is not Reward:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for reward_form in formset.forms:
            if not reward_form.has_changed() or not reward_form.cleaned_data:
                continue
            data = {**reward_form.cleaned_data, "place": reward_form.cleaned_data.get("place")
                    or reward_form.instance.place}
            if "description_zh" in reward_form.changed_data and \
                    "description_zh_hant" not in reward_form.changed_data:
                data["description_zh_hant"] = ""  # a new 简体 text: its 繁體 is proposed again
            call_service(request, lambda d=data: services.reward_set(
                season=form.instance, place=d["place"],
                description=d["description"], value=d["value"], currency=d["currency"],
                description_zh=d.get("description_zh", ""),
                description_zh_hant=d.get("description_zh_hant", ""), actor=request.user))

    def _save_clock_settings(self, request, form, formset):
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for clock_form in formset.forms:
            if clock_form.has_changed() and clock_form.cleaned_data:
                seconds = {name: clock_form.cleaned_data[name] for name in ClockSettings.DEFAULTS}
                call_service(request, lambda s=seconds: clock_settings_set(
                    season=form.instance, actor=request.user, **s))

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, gettext("The season %(name)s is open for applications, with the default "
                                          "reward of each place: check them below.") % {"name": obj})
        return HttpResponseRedirect(reverse("admin:league_season_change", args=[obj.pk]))

    # --- the change page: phase panel ------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        season = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if season is not None:
            extra_context.update(self.panel_context(request, season))
        return super().change_view(request, object_id, form_url, extra_context)

    def panel_context(self, request, season: Season) -> dict:
        counts = dict(season.entries.values_list("status").annotate(n=Count("id")))
        done = season.matches.filter(status__in=Match.DONE).count()
        total = season.matches.count()
        steps = []
        for phase in Phase:
            state = ("done" if season.phase_index() > season.phase_index(phase)
                     else "current" if season.phase == phase else "todo")
            steps.append({"phase": phase, "label": phase.label, "state": state})
        return {
            "phase_steps": steps,
            "phase_actions": phase_actions(season),
            "organizer": _organizer(request),
            "entry_counts": [(Entry.Status(s).label, counts.get(s, 0)) for s in Entry.Status.values
                             if s != Entry.Status.QUALIFIED],
            "qualified_label": f"{counts.get(Entry.Status.QUALIFIED, 0)}/{FIELD_SIZE}",
            "match_progress": f"{done}/{total}" if total else "",
            "entries_url": reverse("admin:league_entry_changelist") + f"?season__id__exact={season.pk}",
            "matches_url": reverse("admin:league_match_changelist") + f"?season__id__exact={season.pk}",
        }

    # --- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/phase/record-lots/", view(self.lots_view), name="league_season_lots"),
            path("<int:pk>/phase/<slug:action>/", view(self.phase_view), name="league_season_phase"),
            path("<int:pk>/draw/", view(self.draw_check_view), name="league_season_draw_check"),
            path("<int:pk>/rewards/", view(self.rewards_view), name="league_season_rewards"),
            path("<int:pk>/export/<slug:kind>/", view(self.export_view), name="league_season_export"),
            path("<int:pk>/import/", view(self.import_view), name="league_season_import"),
            path("import-template.csv", view(self.import_template_view),
                 name="league_season_import_template"),
            *printing.urls(self), *season_file.urls(self),
            *super().get_urls(),
        ]

    def _season(self, request, pk: int, *, organize: bool) -> Season:
        season = get_object_or_404(Season, pk=pk)
        if organize:
            require_organizer(request)
            if not self.has_change_permission(request, season):
                raise PermissionDenied
        elif not self.has_view_permission(request, season):
            raise PermissionDenied
        return season

    def phase_view(self, request, pk: int, action: str):
        season = self._season(request, pk, organize=True)
        step = ACTIONS.get(action)
        if step is None:
            raise Http404(action)
        data = request.POST if request.method == "POST" else None
        form = step.form(season, data)
        if data is not None and "_confirm" in data and (form is None or form.is_valid()):
            ok, message = call_service(request, lambda: step.perform(season, form, request.user))
            if ok:
                messages.success(request, message)
                return HttpResponseRedirect(step.success_url(season))
            season.refresh_from_db()
        preview = refusal = None
        if form is None or form.is_valid():
            try:
                preview = dry_run(lambda: preview_with_warnings(step, season, form, request.user))
            except RuleViolation as exc:
                refusal = exc
        return admin_page(self, request, "admin/league/season/phase_action.html", {
            "title": f"{step.title}: {season}", "original": season, "step": step, "form": form,
            "preview": preview, "refusal": refusal, "preview_template": step.template,
        })

    def lots_view(self, request, pk: int):
        """The drawing of lots among teams still level on every other criterion (R12), per group."""
        season = self._season(request, pk, organize=True)
        tables = season_standings(season=season) if season.phase == Phase.GROUP_STAGE else []
        entries = {row.entry.pk: row.entry for t in tables for row in t.rows}
        posted = request.POST.get("lots-group") if request.method == "POST" else None
        groups = []
        for table in tables:
            tied = [entries[pk] for block in table.lots_needed for pk in block]
            if not tied:
                continue
            name = table.group.name
            form = LotsForm(request.POST if posted == name else None, tied=tied, group_name=name)
            if posted == name and form.is_valid():
                ok, _result = call_service(
                    request, lambda t=table, f=form: services.lots_record(group=t.group, order=f.order(),
                                                                          actor=request.user),
                    success=gettext("The lots of group %(g)s are recorded.") % {"g": name})
                if ok:
                    return HttpResponseRedirect(reverse("admin:league_season_lots", args=[season.pk]))
            groups.append({"table": table, "form": form})
        refusal = None
        if not groups:
            # Ask the service why there is nothing to draw: wrong phase, matches left, or no tie.
            group = season.groups.order_by("name").first()
            try:
                if group is None:
                    require_phase(season, Phase.GROUP_STAGE, rule="R12",
                                                  doing=gettext("Drawing lots"))
                dry_run(lambda: services.lots_record(group=group, order=[], actor=request.user))
            except RuleViolation as exc:
                refusal = exc
        return admin_page(self, request, "admin/league/season/lots.html", {
            "title": gettext("Record lots: %(season)s") % {"season": season}, "original": season,
            "groups": groups, "tables": tables, "refusal": refusal,
        })

    def draw_check_view(self, request, pk: int):
        season = self._season(request, pk, organize=False)
        return admin_page(self, request, "admin/league/season/draw_check.html", {
            "title": gettext("The draw: %(season)s") % {"season": season}, "original": season,
            "check": draw_check(season),
        })

    def rewards_view(self, request, pk: int):
        season = self._season(request, pk, organize=False)
        placings = list(Placing.objects.filter(season=season).select_related("entry__team")
                        .order_by("place", "entry__team__name_en"))
        rewards = list(season.rewards.order_by("place"))
        return admin_page(self, request, "admin/league/season/rewards.html", {
            "title": gettext("Rewards: %(season)s") % {"season": season}, "original": season,
            "placings": [{"placing": p, "value": money(p.reward_value, p.reward_currency),
                          "champion": p.place == Reward.Place.CHAMPION} for p in placings],
            "rewards": [{"reward": r, "value": money(r.value, r.currency)} for r in rewards],
        })

    def export_view(self, request, pk: int, kind: str):
        season = self._season(request, pk, organize=False)
        if kind == "schedule-csv":
            body, ctype, name = exports.schedule_csv(season), "text/csv; charset=utf-8", "schedule.csv"
        elif kind == "schedule-ics":
            body, ctype, name = (exports.schedule_ics(season, host=request.get_host().split(":")[0]),
                                 "text/calendar; charset=utf-8", "schedule.ics")
        elif kind == "results-csv":
            body, ctype, name = exports.results_csv(season), "text/csv; charset=utf-8", "results.csv"
        elif kind == "places-csv":
            body, ctype, name = exports.places_csv(season), "text/csv; charset=utf-8", "places.csv"
        else:
            raise Http404(kind)
        if isinstance(body, str):
            body = "\ufeff" + body  # a BOM so spreadsheet apps read the Chinese names as UTF-8
        response = HttpResponse(body, content_type=ctype)
        response["Content-Disposition"] = f'attachment; filename="{season.slug}-{name}"'
        return response

    def import_view(self, request, pk: int):
        season = self._season(request, pk, organize=True)
        return imports.import_view(self, request, season)

    def import_template_view(self, request):
        require_organizer(request)
        return imports.template_view(request)


def phase_actions(season: Season) -> list[dict]:
    """Every step of the season in order, the ones of its current phase first in line."""
    items = [{"title": gettext("Import applications (CSV, XLSX)"), "phases": (Phase.REGISTRATION,),
              "url": reverse("admin:league_season_import", args=[season.pk])}]
    for action in ACTIONS.values():
        items.append({"title": action.title, "phases": action.phases, "url": action.url(season)})
        if action.slug == "assign-referees":
            items.append({"title": gettext("Record lots (R12)"), "phases": (Phase.GROUP_STAGE,),
                          "url": reverse("admin:league_season_lots", args=[season.pk])})
    items.append({"title": gettext("Rewards"), "phases": (Phase.FINISHED,),
                  "url": reverse("admin:league_season_rewards", args=[season.pk])})
    for item in items:
        item["current"] = season.phase in item["phases"]
    return items


def _organizer(request) -> bool:
    return roles.is_organizer(request.user)
