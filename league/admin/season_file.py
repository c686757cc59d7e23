"""The season file in the browser: download a season, import one with a preview.

The same code as ``manage.py export_season`` / ``import_season`` (league/exchange): a file that
is broken, foreign or breaks a rule is refused with the rule and the place in the file, and
nothing is saved. The preview replays the whole file in a transaction that is rolled back.
"""
from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import exchange
from ..exchange.reading import MAX_JSON_BYTES, load_json
from ..models import Season
from ..services.common import system_actor
from .base import admin_page, dry_run, require_organizer

SESSION_KEY = "league-season-file"


class SeasonFileForm(forms.Form):
    file = forms.FileField(label=_("Season file (JSON, from “Download the season file” or export_season)"))
    slug = forms.SlugField(label=_("Import under another slug"), required=False,
                           help_text=_("Optional: a season's slug is unique, so a copy of a season "
                                       "that is already here needs a new one."))


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view
    return [
        path("<int:pk>/season-file/", view(lambda request, pk: export_view(model_admin, request, pk)),
             name="league_season_file"),
        path("import-season-file/", view(lambda request: import_view(model_admin, request)),
             name="league_season_file_import"),
    ]


def export_view(model_admin, request, pk: int):
    season = get_object_or_404(Season, pk=pk)
    require_organizer(request)
    response = HttpResponse(exchange.export_season(season), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{season.slug}.season.json"'
    return response


def read(upload, slug: str = "") -> dict:
    """The uploaded bytes as a season document, read by the command line's own reader
    (``exchange.reading.load_json``: size, encoding, depth, duplicate keys, NUL, each refused
    with its place), so the browser refuses exactly what ``import_season`` refuses."""
    data = load_json(upload.read(MAX_JSON_BYTES + 1))
    if slug and isinstance(data, dict) and isinstance(data.get("season"), dict):
        data["season"]["slug"] = slug
    return data


def summary(season: Season) -> dict:
    return {"name": season.name, "slug": season.slug, "phase": season.get_phase_display(),
            "entries": season.entries.count(), "matches": season.matches.count(),
            "events": season.audit_events.count()}


def import_view(model_admin, request):
    require_organizer(request)
    form = SeasonFileForm()
    preview = refusal = None
    token = ""
    if request.method == "POST" and "_confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, gettext("This preview has expired: upload the file again."))
            return HttpResponseRedirect(request.path)
        try:
            with transaction.atomic():  # the system actor too is kept only with the season
                season = exchange.import_season(stored["data"], source=stored.get("name", ""),
                                                actor=system_actor())
        except exchange.ImportRefused as exc:
            refusal = exc
        else:
            del request.session[SESSION_KEY]
            messages.success(request, gettext("The season %(name)s is imported: every rule was checked "
                                              "again.") % {"name": season})
            return HttpResponseRedirect(reverse("admin:league_season_change", args=[season.pk]))
    elif request.method == "POST":
        form = SeasonFileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = read(upload, form.cleaned_data["slug"])
                preview = dry_run(lambda: summary(exchange.import_season(
                    data, source=upload.name, actor=system_actor())))
            except exchange.ImportRefused as exc:
                refusal = exc
            else:
                token = secrets.token_urlsafe(16)
                # Replayed as the command line does (the system actor: the file's referees ran
                # its matches); the audit trail's import event names the file and who uploaded it.
                request.session[SESSION_KEY] = {"token": token, "data": data, "name": (
                    f"{upload.name} (uploaded by {request.user.get_username()})")}
    return admin_page(model_admin, request, "admin/league/season/season_file_import.html", {
        "title": gettext("Import a season file"), "form": form, "preview": preview,
        "refusal": refusal, "token": token,
    })
