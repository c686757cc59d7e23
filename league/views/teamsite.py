"""The teams' own site (/my-team/): apply, keep the roster and robots, follow the season.

Thin views: parse a form, call one service or selector, render. Every page is for one signed-in
team account (``Cache-Control: private``, never edge-cached); a refusal of a service
(RuleViolation) is shown beside the form that caused it (400), a refusal of who may act
(NotAllowed) is a 403, a team the visitor does not manage a 404 (its private page does not say
whether it exists). Files are served only to the team's managers and the organizers.
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import roles, uploads
from ..errors import NotAllowed, RuleViolation
from ..exchange.exports import team_schedule_ics
from ..forms import teamsite as forms
from ..http_cache import private
from ..models import Entry, Robot, Season, TeamInvitation, TeamManager
from ..selectors import teamsite as read
from ..services import entries as entry_services
from ..services import teamsite as services


def team_account(view):
    """Signed in (else to the team sign-in) as a team account (staff get a 403 page)."""

    @wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not roles.is_team_account(request.user):
            return TemplateResponse(request, "teamsite/denied.html", status=403)
        return view(request, *args, **kwargs)

    return private(login_required(answer, login_url="account_login"))


def _max_mb() -> str:
    return uploads.limit_mb()


# --- Home and applying -----------------------------------------------------------------------

@team_account
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "teamsite/home.html", {
        "teams": read.my_teams(user=request.user), "seasons": read.open_seasons()})


@team_account
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, season: str) -> HttpResponse:
    """A new team applies to a season open for entries; the applicant becomes its manager."""
    season = get_object_or_404(Season, slug=season)
    form = forms.ApplicationForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.application_submit(season=season, actor=request.user,
                                                    proof=form.cleaned_data["proof"], **form.identity())
            except RuleViolation as exc:
                form.add_error(_field(exc, form), exc.text)
            else:
                messages.success(request, _("Application received: %(team)s for %(season)s.") % {
                    "team": entry.team, "season": season.name})
                return redirect("teamsite:team", slug=entry.team.slug)
    return TemplateResponse(request, "teamsite/apply.html", {
        "season": season, "form": form, "open": season.phase == Season.Phase.REGISTRATION},
        status=status)


def _field(exc: RuleViolation, form) -> str | None:
    return exc.field if exc.field in form.fields else None


# --- The team's page -------------------------------------------------------------------------

def _page(request: HttpRequest, slug: str, *, status: int = 200, errors: dict | None = None,
          bound: dict | None = None) -> HttpResponse:
    page = read.team_page(slug=slug, user=request.user)
    bound, errors = bound or {}, errors or {}
    for item in page.entries:
        pk = item.entry.pk
        item.roster_form = bound.get(("roster", pk)) or forms.roster_formset(item.members)
        item.roster_error = errors.get(("roster", pk))
        item.withdraw_form = bound.get(("withdraw", pk)) or forms.ReasonForm()
        item.withdraw_error = errors.get(("withdraw", pk))
        item.robot_forms = []
        for role in item.missing_roles:
            form = bound.get(("robot", pk, role)) or forms.RobotForm(
                initial={"role": role, "model": Robot.DEFAULT_MODEL}, prefix=role)
            form.role, form.error = role, errors.get(("robot", pk, role))
            item.robot_forms.append(form)
        item.robot_error = next((v for k, v in errors.items() if k[:2] == ("robot", pk)
                                 and k[2] not in item.missing_roles), None)
    for season in page.open_seasons:
        season.apply_error = errors.get(("apply", season.pk))
    return TemplateResponse(request, "teamsite/team.html", {
        "page": page, "errors": {k[0]: v for k, v in errors.items() if len(k) == 1},
        "invite_form": bound.get("invite") or forms.InviteForm(),
        "reapply_form": bound.get("reapply") or forms.ReapplyForm(max_mb=_max_mb()),
        "calendar_url": (request.build_absolute_uri(reverse("teamsite:calendar", args=[page.feed.token]))
                         if page.feed else ""),
    }, status=status)


@team_account
@require_GET
def team(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, slug)


def _entry(request: HttpRequest, slug: str, pk: int) -> Entry:
    entry = get_object_or_404(Entry.objects.select_related("team", "season"), pk=pk, team__slug=slug)
    if not roles.manages_team(request.user, entry.team_id):
        raise Http404("No such team")
    return entry


def _act(request: HttpRequest, slug: str, call, *, key, bound=None, done: str) -> HttpResponse:
    """Run one service; success: back to the page with a note; refusal: the page again with
    the sentence beside the form (400), or 403 for who may not."""
    try:
        call()
    except NotAllowed as exc:
        raise PermissionDenied(exc.text) from exc
    except RuleViolation as exc:
        return _page(request, slug, status=400, errors={key: exc.text}, bound=bound)
    messages.success(request, done)
    return redirect(reverse("teamsite:team", kwargs={"slug": slug}) + f"#{key[0]}")


@team_account
@require_POST
def roster(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = _entry(request, slug, pk)
    formset = forms.roster_formset(data=request.POST)
    key = ("roster", entry.pk)
    if not formset.is_valid():
        return _page(request, slug, status=400, errors={key: _("Check the rows marked below.")},
                     bound={key: formset})
    rows = [(f.cleaned_data.get("name", ""), f.cleaned_data.get("role", "")) for f in formset]
    return _act(request, slug, lambda: services.roster_set(entry=entry, members=rows, actor=request.user),
                key=key, bound={key: formset}, done=_("Roster saved."))


@team_account
@require_POST
def robot_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = _entry(request, slug, pk)
    role = request.POST.get("role", "")
    role = role if role in Robot.Role.values else ""
    form = forms.RobotForm(request.POST, request.FILES, prefix=role or None)
    key = ("robot", entry.pk, role)
    if not role or not form.is_valid():
        return _page(request, slug, status=400, errors={key: _("Check the fields marked below.")},
                     bound={key: form})
    data = form.cleaned_data
    return _act(request, slug, lambda: entry_services.robot_register(
        entry=entry, role=role, serial=data["serial"], name=data["name"], model=data["model"],
        firmware_version=data["firmware_version"], photo=data["photo"], actor=request.user),
        key=key, bound={key: form}, done=_("Robot registered."))


@team_account
@require_POST
def robot_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    robot = get_object_or_404(Robot.objects.select_related("entry__season"), pk=pk, entry__team__slug=slug)
    if not roles.manages_team(request.user, robot.entry.team_id):
        raise Http404("No such team")
    return _act(request, slug, lambda: entry_services.robot_remove(robot=robot, actor=request.user),
                key=("robot", robot.entry_id, robot.role), done=_("Robot removed."))


@team_account
@require_POST
def withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = _entry(request, slug, pk)
    form = forms.ReasonForm(request.POST)
    key = ("withdraw", entry.pk)
    if not form.is_valid():
        return _page(request, slug, status=400, errors={key: _("Give the reason for the withdrawal.")},
                     bound={key: form})
    return _act(request, slug, lambda: entry_services.entry_withdraw(
        entry=entry, reason=form.cleaned_data["reason"], actor=request.user),
        key=key, bound={key: form}, done=_("The application is withdrawn."))


@team_account
@require_POST
def reapply(request: HttpRequest, slug: str, season: str) -> HttpResponse:
    """A team the account manages applies to another open season."""
    page_team = read.team_page(slug=slug, user=request.user).team
    season = get_object_or_404(Season, slug=season)
    form = forms.ReapplyForm(request.POST, request.FILES, max_mb=_max_mb())
    key = ("apply", season.pk)
    if not form.is_valid():
        return _page(request, slug, status=400, errors={key: _("Upload the proof of registration.")},
                     bound={"reapply": form})
    return _act(request, slug, lambda: services.application_submit(
        season=season, team=page_team, proof=form.cleaned_data["proof"], actor=request.user),
        key=key, bound={"reapply": form}, done=_("Application received."))


# --- Co-managers and the calendar link -------------------------------------------------------

@team_account
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    page_team = read.team_page(slug=slug, user=request.user).team
    form = forms.InviteForm(request.POST)
    key = ("managers",)
    if not form.is_valid():
        return _page(request, slug, status=400, errors={key: _("Give a valid e-mail address.")},
                     bound={"invite": form})
    site = f"{request.scheme}://{request.get_host()}"
    return _act(request, slug, lambda: services.manager_invite(
        team=page_team, email=form.cleaned_data["email"], actor=request.user, site_url=site),
        key=key, bound={"invite": form}, done=_("Invitation sent."))


@team_account
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation = get_object_or_404(TeamInvitation, pk=pk, team__slug=slug)
    read.team_page(slug=slug, user=request.user)  # 404 unless the visitor manages the team
    return _act(request, slug, lambda: services.invitation_revoke(invitation=invitation, actor=request.user),
                key=("managers",), done=_("Invitation withdrawn."))


@team_account
@require_POST
def manager_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    manager = get_object_or_404(TeamManager, pk=pk, team__slug=slug)
    read.team_page(slug=slug, user=request.user)
    leaving = manager.user_id == request.user.pk
    response = _act(request, slug, lambda: services.co_manager_remove(manager=manager, actor=request.user),
                    key=("managers",), done=_("Co-manager removed."))
    return redirect("teamsite:home") if leaving and response.status_code == 302 else response


@team_account
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: shows the team, and accepts on a post."""
    error = ""
    try:
        found = services.invitation_read(token)
    except RuleViolation as exc:
        found, error = None, exc.text
    if request.method == "POST" and found is not None:
        try:
            manager = services.invitation_accept(token=token, actor=request.user)
        except RuleViolation as exc:
            error = exc.text
        else:
            messages.success(request, _("You now help manage %(team)s.") % {"team": manager.team})
            return redirect("teamsite:team", slug=manager.team.slug)
    return TemplateResponse(request, "teamsite/invitation.html",
                            {"invitation": found, "error": error}, status=400 if error else 200)


# The calendar link's two changes (its URL names say which): the service, and what the team reads.
CALENDAR_CHANGES = {
    "renew": (services.calendar_feed_renew,
              gettext_lazy("A new calendar link is ready; the previous one no longer works.")),
    "revoke": (services.calendar_feed_revoke, gettext_lazy("The calendar link no longer works.")),
}


@team_account
@require_POST
def calendar_link(request: HttpRequest, slug: str, change: str) -> HttpResponse:
    """A new private calendar link, or none (teamsite:calendar_renew, teamsite:calendar_revoke)."""
    service, done = CALENDAR_CHANGES[change]
    page_team = read.team_page(slug=slug, user=request.user).team
    return _act(request, slug, lambda: service(team=page_team, actor=request.user),
                key=("calendar",), done=str(done))


@private
@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The team's private iCalendar subscription: the secret token is the key."""
    found = read.team_of_feed(token)
    if found is None:
        raise Http404("No such calendar")
    team, seasons = found
    response = HttpResponse(team_schedule_ics(team, seasons, host=request.get_host() or "robot-league"),
                            content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Private files ---------------------------------------------------------------------------

def _may_see_files(user, team_id: int) -> bool:
    return roles.manages_team(user, team_id) or roles.is_organizer(user)


def _file(field, *, attachment: bool) -> FileResponse:
    if not field:
        raise Http404("No file")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No file") from exc
    name = field.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, content_type=uploads.content_type(name), as_attachment=attachment,
                            filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@private(store=False)
@login_required(login_url="account_login")
@require_GET
def proof(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry's proof of registration: for the team's managers and the organizers."""
    entry = get_object_or_404(Entry, pk=pk)
    if not _may_see_files(request.user, entry.team_id):
        raise Http404("No such file")
    return _file(entry.proof, attachment=True)


@private(store=False)
@login_required(login_url="account_login")
@require_GET
def robot_photo(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_object_or_404(Robot.objects.select_related("entry"), pk=pk)
    if not _may_see_files(request.user, robot.entry.team_id):
        raise Http404("No such file")
    return _file(robot.photo, attachment=False)
