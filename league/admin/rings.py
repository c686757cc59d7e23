"""Ring control: the organizer's page for the day of the fights.

Per ring, the queue (now fighting, on deck, next) with scheduled and estimated times; "call
next", "delay the ring by N minutes" and a "move" form per match. Each form calls one service
of league/services/rings.py; a refusal comes back as a message naming the rule, nothing saved.
Also the estimated-time column of the admin's match list.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Match, Season
from ..selectors.rings import estimated_starts_of, match_minutes, ring_queues
from .base import admin_page, call_service, require_organizer

RUNNING = (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)


class CallNextForm(forms.Form):
    ring = forms.CharField(max_length=40)


class DelayForm(forms.Form):
    ring = forms.CharField(max_length=40, widget=forms.HiddenInput)
    minutes = forms.IntegerField(label=_("delay (minutes)"),
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    from_slot = forms.CharField(label=_("from match"), max_length=8, required=False,
                                help_text=_("Empty: the ring's next match not called yet."))
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class MoveForm(forms.Form):
    slot = forms.CharField(max_length=8, widget=forms.HiddenInput)
    when = forms.DateTimeField(label=_("new time (venue time)"),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"))
    ring = forms.ChoiceField(label=_("ring"))
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, season: Season, **kwargs):
        super().__init__(*args, **kwargs)
        self.season = season
        self.fields["ring"].choices = [(r, r) for r in season.ring_list]

    def clean_when(self):
        # The organizer types the venue's wall-clock time; a time that does not exist or is
        # ambiguous on a DST change day is taken as the zone says (fold 0).
        value = self.cleaned_data["when"]
        return value.replace(tzinfo=None).replace(tzinfo=self.season.tz)


def _season(request, pk: int) -> Season:
    require_organizer(request)
    return get_object_or_404(Season, pk=pk)


def _local(season: Season, moment: dt.datetime | None) -> dt.datetime | None:
    """The venue's wall-clock time, naive, so templates show it as is."""
    return moment.astimezone(season.tz).replace(tzinfo=None) if moment else None


def ring_control_index(model_admin, request):
    """The seasons whose fights are running, each linking to its ring control."""
    require_organizer(request)
    seasons = Season.objects.filter(phase__in=RUNNING).order_by("-starts_on")
    return admin_page(model_admin, request, "admin/league/rings/index.html", {
        "title": _("Ring control"), "seasons": seasons})


def ring_control(model_admin, request, pk: int):
    season = _season(request, pk)
    if request.method == "POST":
        _post(request, season)
        return HttpResponseRedirect(request.path)
    queues = ring_queues(season, upcoming=6)
    for index, queue in enumerate(queues):
        for m in [queue.now, queue.on_deck, *queue.next]:
            if m is not None:  # venue times for the table; each match its own form (ids apart)
                m.scheduled_local = _local(season, m.scheduled_at)
                m.estimated_local = _local(season, m.estimated_at)
                m.move_form = MoveForm(season=season, auto_id=f"id_move_{m.slot}_%s", initial={
                    "slot": m.slot, "ring": m.ring,
                    "when": _local(season, m.planned_at)})
        queue.delay_form = DelayForm(auto_id=f"id_delay_{index}_%s", initial={"ring": queue.ring})
    return admin_page(model_admin, request, "admin/league/rings/control.html", {
        "title": _("Ring control: %(season)s") % {"season": season}, "season": season,
        "queues": queues, "running": season.phase in RUNNING,
        "match_minutes": match_minutes(season)})


def _match(season: Season, slot: str) -> Match | None:
    return Match.objects.filter(season=season, slot=slot).first()


def _post(request, season: Season) -> None:
    """Parse the one form posted and call its service; every outcome is a message."""
    action = request.POST.get("action")
    actor = request.user
    if action == "call":
        form = CallNextForm(request.POST)
        if form.is_valid():
            ring = form.cleaned_data["ring"]
            call_service(request, lambda: services.ring_call_next(season=season, ring=ring,
                                                                  actor=actor),
                         success=_("The next match on %(ring)s is called.") % {"ring": ring})
            return
    elif action == "delay":
        form = DelayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            from_match = None
            if data["from_slot"]:
                from_match = _match(season, data["from_slot"].strip().upper())
                if from_match is None:
                    messages.error(request, _("There is no match %(slot)s in this season.")
                                   % {"slot": data["from_slot"]})
                    return
            call_service(request, lambda: services.ring_delay(
                season=season, ring=data["ring"], minutes=data["minutes"], from_match=from_match,
                reason=data["reason"], actor=actor),
                success=_("%(ring)s is delayed by %(n)d minutes.") % {"ring": data["ring"],
                                                                      "n": data["minutes"]})
            return
    elif action == "move":
        form = MoveForm(request.POST, season=season)
        if form.is_valid():
            data = form.cleaned_data
            match = _match(season, data["slot"])
            if match is None:
                messages.error(request, _("There is no match %(slot)s in this season.")
                               % {"slot": data["slot"]})
                return
            call_service(request, lambda: services.match_move(
                match=match, to=data["when"], ring=data["ring"], reason=data["reason"],
                actor=actor), success=_("%(slot)s is moved.") % {"slot": match.slot})
            return
    else:
        messages.error(request, _("Choose an action."))
        return
    errors = "; ".join(f"{form.fields[name].label or name}: {' '.join(errs)}" if name in form.fields
                       else " ".join(errs) for name, errs in form.errors.items())
    messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": errors})


def ring_urls(model_admin) -> list:
    """URLs of the ring control, mounted under the match admin (admin:league_match_rings...)."""
    site = model_admin.admin_site

    def view(fn):
        return site.admin_view(lambda request, **kw: fn(model_admin, request, **kw))

    return [
        path("rings/", view(ring_control_index), name="league_match_rings"),
        path("rings/<int:pk>/", view(ring_control), name="league_match_ring_control"),
    ]


# --- The estimated column of the admin's match list ----------------------------------------------

class EstimatedChangeList(ChangeList):
    """The match list with ``estimated_at`` on each row: one query, however many seasons."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        estimates = estimated_starts_of({m.season_id: m.season for m in rows}.values())
        for m in rows:
            m.estimated_at = estimates.get(m.pk)


@admin.display(description=_("estimated"))
def estimated_time(obj: Match):
    at = getattr(obj, "estimated_at", None)
    if at is None or obj.is_done:
        return "–"
    local = at.astimezone(obj.season.tz)
    late = int((at - obj.scheduled_at).total_seconds() // 60) if obj.scheduled_at else 0
    text = f"{local:%H:%M}"
    if late > 0:
        return format_html('<span class="nowrap">{}</span> <strong>+{}′</strong>', text, late)
    return format_html('<span class="nowrap">{}</span>', text)


def ring_control_link(season: Season) -> str:
    return reverse("admin:league_match_ring_control", args=[season.pk])


__all__ = ["EstimatedChangeList", "estimated_time", "ring_control_link", "ring_urls"]
