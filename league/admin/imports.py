"""Import applications from CSV or XLSX: upload, preview with the errors of each row, confirm."""
from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from ..exchange import ImportRefused, applications
from ..forms.admin import ImportForm
from ..models import Season
from .base import admin_page

SESSION_KEY = "league-import"


def import_view(model_admin, request, season: Season):
    form = ImportForm()
    rows = None
    token = ""
    if request.method == "POST" and "_confirm" in request.POST:
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("token") != request.POST.get("token") or stored.get("season") != season.pk:
            messages.error(request, gettext("This preview has expired: upload the file again."))
            return HttpResponseRedirect(request.path)
        rows = applications.parse([(line, cells) for line, cells in stored["table"]])
        try:
            count = applications.run(season, rows, request.user)
        except ImportRefused as exc:
            messages.error(request, applications.refusal_text(exc))
            token = stored["token"]
        else:
            del request.session[SESSION_KEY]
            messages.success(request, gettext("%(n)d teams imported into %(season)s.") % {
                "n": count, "season": season})
            return HttpResponseRedirect(
                reverse("admin:league_entry_changelist") + f"?season__id__exact={season.pk}")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                table = applications.read_table(upload.name, upload.read(),
                                                encoding=form.cleaned_data["encoding"])
            except ImportRefused as exc:
                message = exc.message if exc.path == gettext("(file)") else str(exc)
                form.add_error(exc.field if exc.field in form.fields else "file", message)
            else:
                rows = applications.preview(season, applications.parse(table), request.user)
                token = secrets.token_urlsafe(16)
                request.session[SESSION_KEY] = {"token": token, "season": season.pk, "table": table}
    context = {
        "title": gettext("Import applications: %(season)s") % {"season": season},
        "original": season, "form": form, "rows": rows, "token": token,
        "error_count": sum(1 for r in rows if r.errors) if rows else 0,
        "columns_required": applications.REQUIRED, "columns_optional": applications.OPTIONAL,
    }
    return admin_page(model_admin, request, "admin/league/season/import.html", context)


def template_view(request):
    response = HttpResponse("\ufeff" + applications.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications-template.csv"'
    return response
