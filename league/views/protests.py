"""Protest pages (R18), thin: a form, one service call, a page.

- The team's side, under /my-team/protests/: a manager's signed-off matches and the protest form.
  The teams' site's own door (league.views.teamsite.team_account): signed out, the team sign-in;
  staff, 403; a team account that manages neither team of a match, 404 (nothing is told about
  other teams' matches).
- The referee panel's side, under /referee/protests/: the queue, the ruling page with a
  confirmation step, the evidence files (served to the panel only, never cached).

Every page here is private (the team's pages declare it; the referee pages, like every page
without a public declaration, get ``Cache-Control: private`` from league.http_cache).
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import roles, services
from ..errors import MatchConflict, NotAllowed, RuleViolation
from ..forms.protests import ProtestForm, RulingForm
from ..http_cache import private
from ..models import ProtestEvidence
from ..selectors import protests as read
from .referee import _denied, staff_view
from .teamsite import team_account

# --- The team's side -------------------------------------------------------------------------


@require_GET
@team_account
def my_protests(request: HttpRequest) -> HttpResponse:
    rows = read.my_protest_matches(user=request.user, now=timezone.now())
    return TemplateResponse(request, "protests/my_protests.html", {
        "rows": rows, "manages_a_team": bool(roles.managed_team_ids(request.user)), "nav": "protests"})


@require_http_methods(["GET", "POST"])
@team_account
def protest_new(request: HttpRequest, pk: int) -> HttpResponse:
    target = read.protest_form_match(pk=pk, user=request.user, now=timezone.now())
    form = ProtestForm()
    status = 200
    if request.method == "POST" and target.protest is None:
        form = ProtestForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.protest_file(match=target.match, entry=target.entry,
                                      statement=form.cleaned_data["statement"],
                                      links=form.link_list(), files=form.uploads(),
                                      actor=request.user)
            except NotAllowed as exc:
                return TemplateResponse(request, "protests/denied.html", {"message": exc.text},
                                        status=403)
            except RuleViolation as exc:
                form.add_error(None, exc.text)
            else:
                messages.success(request, _("Your protest of %(slot)s is filed. A head referee who "
                                            "did not referee the match rules on it.") % {
                    "slot": target.match.slot})
                return redirect("protests:mine")
        status = 400
    return TemplateResponse(request, "protests/protest_form.html",
                            {"t": target, "m": target.match, "form": form,
                             "nav": "protests"}, status=status)


# --- The referee panel's side ------------------------------------------------------------------


def panel_view(view):
    """Head referees rule; organizers may look. Others: 403 with the reason."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (roles.is_head_referee(request.user) or roles.is_organizer(request.user)):
            return _denied(request, _("Protests are ruled by the referee panel (head referees)."))
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@panel_view
def queue(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "protests/queue.html", {
        "queue": read.protest_queue(), "ruled": read.recent_rulings(),
        "is_head": roles.is_head_referee(request.user)})


def _ruling_page(request: HttpRequest, protest, form, *, status: int = 200, alert: str = "",
                 confirm: dict | None = None) -> HttpResponse:
    match = protest.match
    refereed = any(u.pk == request.user.pk for u in match.referees.all()) \
        or match.signed_off_by_id == request.user.pk
    return TemplateResponse(request, "protests/ruling.html", {
        "p": protest, "m": match, "form": form, "alert": alert, "confirm": confirm,
        "refereed": refereed, "is_head": roles.is_head_referee(request.user),
        "confirm_fields": [(k, v) for k, values in request.POST.lists()
                           if k not in ("csrfmiddlewaretoken", "confirmed") for v in values]
        if confirm else []}, status=status)


@require_GET
@panel_view
def ruling(request: HttpRequest, pk: int) -> HttpResponse:
    protest = read.protest_for_ruling(pk=pk)
    return _ruling_page(request, protest, RulingForm(match=protest.match))


@require_POST
@panel_view
def rule(request: HttpRequest, pk: int) -> HttpResponse:
    protest = read.protest_for_ruling(pk=pk)
    form = RulingForm(request.POST, match=protest.match)
    if not form.is_valid():
        return _ruling_page(request, protest, form, status=400)
    rounds = form.rounds.rounds() if form.uphold else None
    if not form.cleaned_data["confirmed"]:  # the second step says what the ruling will do
        return _ruling_page(request, protest, form, confirm=read.ruling_preview(
            protest=protest, uphold=form.uphold, rounds=rounds))
    try:
        ruled = services.protest_rule(protest=protest, uphold=form.uphold, rounds=rounds,
                                      reason=form.cleaned_data["reason"],
                                      expected_version=form.cleaned_data["expected_version"],
                                      actor=request.user)
    except MatchConflict:
        fresh = read.protest_for_ruling(pk=pk)
        return _ruling_page(request, fresh, RulingForm(match=fresh.match), status=409, alert=_(
            "The match changed since this page was drawn (another correction?). Nothing was "
            "saved: look at the result as it stands now and rule again."))
    except NotAllowed as exc:
        return _ruling_page(request, protest, form, status=403, alert=exc.text)
    except RuleViolation as exc:
        form.add_error(None, exc.text)
        return _ruling_page(request, read.protest_for_ruling(pk=pk), form, status=400)
    messages.success(request, _("Protest by %(team)s on %(slot)s: %(status)s.") % {
        "team": ruled.entry.team.name_en, "slot": ruled.match.slot,
        "status": ruled.get_status_display()})
    return redirect("referee_protests:queue")


@private(store=False)
@require_GET
@panel_view
def evidence_file(request: HttpRequest, pk: int, evidence: int) -> HttpResponse:
    """An evidence file, to the referee panel only: an attachment, never cached or sniffed."""
    item = get_object_or_404(ProtestEvidence, pk=evidence, protest_id=pk,
                             kind=ProtestEvidence.Kind.FILE)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is gone from the storage.") from None
    response = FileResponse(handle, as_attachment=True, filename=item.name or "evidence",
                            content_type=item.content_type)
    return response
