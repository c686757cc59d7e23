"""Referee match-entry pages: sign in, my matches, the match card, the failure queue.

Thin views: parse a form, call one service, render. The rules (R4-R9, R14) live in
league.services; the views only turn their refusals into answers a referee can read:

- RuleViolation -> 400 with the message in the form,
- NotAllowed    -> 403 with the message,
- MatchConflict -> 409 with the current state of the match re-rendered and a clear
  "this match changed" message (the stale form saved nothing).

htmx requests get the card fragment (``referee/match.html#card``), plain requests the whole page
(errors) or a redirect (success), so the pages also work without JavaScript.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import roles, services
from ..errors import MatchConflict, NotAllowed, RuleViolation
from ..forms import referee as forms
from ..http_cache import push_served, uncached
from ..models import AllowanceUse, Corner, FailureReport, Match
from ..models.clock import ClockEvent
from ..models.match import Method
from ..selectors.clock import clock_state
from ..selectors.referee import (
    MatchCard,
    can_view,
    deciding_preview,
    failure_queue,
    match_card,
    my_matches,
    recent_decisions,
    running_seasons,
    season_days,
)
from ..services import clock as clock_services
from ..services import idempotency
from ..services.undo import entry_undo

# --- Pages --------------------------------------------------------------------------------------

def _fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment in (not a boosted navigation or a history restore,
    which need the whole page)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def _denied(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    template = "referee/denied.html#message" if _fragment(request) else "referee/denied.html"
    return TemplateResponse(request, template, {"message": message}, status=status)


def staff_view(view: Callable) -> Callable:
    """Signed-in referees, head referees and organizers only. An expired session on an htmx
    request sends the browser to the sign-in page (HX-Redirect) instead of swapping it in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            if request.htmx:
                back = request.htmx.current_url_abs_path or reverse("referee:home")
                response = HttpResponse(status=401)
                response["HX-Redirect"] = f"{reverse('referee:login')}?{urlencode({'next': back})}"
                return response
            return redirect_to_login(request.get_full_path())
        if not (roles.is_referee(user) or roles.is_organizer(user)):
            return _denied(request, _("These pages are for the league's referees and organizers."))
        return view(request, *args, **kwargs)

    return wrapper


# --- Pages -------------------------------------------------------------------------------

@require_GET
@staff_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    overview = seasons = season = queue = None
    if roles.is_head_referee(user) or roles.is_organizer(user):
        seasons = running_seasons()
        wanted = request.GET.get("season")
        season = next((s for s in seasons if s.slug == wanted), seasons[0] if seasons else None)
        overview = season_days(season=season) if season else []
        queue = failure_queue()
    return TemplateResponse(request, "referee/home.html", {
        "mine": my_matches(user=user, now=timezone.now()),
        "seasons": seasons, "season": season, "overview": overview, "queue": queue,
        "is_head": roles.is_head_referee(user),
    })


def _card_response(request: HttpRequest, card: MatchCard, *, status: int = 200,
                   bound: dict | None = None, notice: str = "", alert: str = "",
                   conflict: str = "", confirm: dict | None = None) -> HttpResponse:
    match = card.match
    done = match.is_done
    ctx_forms = {
        "checkin": forms.CheckInForm(match=match, corners=card.corners),
        "start": forms.StartForm(match=match),
        "round": forms.RoundForm(match=match, initial=_round_initial(card)),
        "swap": forms.BatterySwapForm(match=match),
        "failure": forms.FailureReportForm(match=match, corners=card.corners),
        "forfeit": forms.ForfeitForm(match=match),
        "signoff": forms.SignOffForm(match=match),
        "correct": forms.CorrectionForm(match=match) if card.sections["correct"] else None,
        "undo": forms.UndoForm(match=match),
    }
    ctx_forms.update(bound or {})
    # A refusal for a form the card no longer shows (a finished match, a repeated sign-off) is
    # said at the top of the card, so it is never lost.
    orphan_errors = [
        message for name, form in (bound or {}).items()
        if form is not None and form.is_bound and not card.sections.get(name)
        for message in _form_messages(form)]
    context = {
        "card": card, "match": match, "forms": ctx_forms, "notice": notice, "alert": alert,
        "conflict": conflict, "done": done, "orphan_errors": orphan_errors,
        "show": card.sections,
        "round_numbers": range(1, match.season.best_of + 1),
        "clock": card.clock, "confirm": confirm,
        "push": push_served(request),  # the card's poll also listens to the match's stream
    }
    template = "referee/match.html#card" if _fragment(request) else "referee/match.html"
    return TemplateResponse(request, template, context, status=status)


def _round_initial(card: MatchCard) -> dict:
    """The round form, filled in with what the clock proposes (R17): the referee confirms it by
    ending the round, or changes it."""
    initial = {"number": card.next_round or 1}
    proposal = (card.clock or {}).get("proposal")
    if proposal:
        initial["method"] = proposal["method"]
        if proposal["winner"]:
            initial["winner"] = proposal["winner"]
    return initial


def _form_messages(form) -> list[str]:
    out = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name != "__all__":
            out.extend(str(e) for e in errors)
    return out


@require_GET
@staff_view
def match_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = match_card(pk=pk, user=request.user)
    if not can_view(request.user, card):
        return _denied(request, _("You are not assigned to this match."))
    return _card_response(request, card)


@require_GET
@staff_view
def match_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """Tells a device that the match changed elsewhere: 204 while its version is current."""
    row = (Match.objects.filter(pk=pk).values("version", "status", "referees__id"))
    rows = list(row)
    if not rows:
        raise Http404
    user = request.user
    assigned = any(r["referees__id"] == user.pk for r in rows)
    if not (assigned or roles.is_head_referee(user) or roles.is_organizer(user)):
        return _denied(request, _("You are not assigned to this match."))
    try:
        seen = int(request.GET.get("v", ""))
    except ValueError:
        seen = -1
    if rows[0]["version"] == seen:
        return HttpResponse(status=204)
    return TemplateResponse(request, "referee/match.html#changed", {"match_pk": pk})


@uncached
@require_GET
@staff_view
def match_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """The match clock as JSON (R17), for the referee's devices (league/selectors/clock.py)."""
    if not (Match.referees.through.objects.filter(match_id=pk, user_id=request.user.pk).exists()
            or roles.is_head_referee(request.user) or roles.is_organizer(request.user)):
        get_object_or_404(Match.objects.only("id"), pk=pk)
        return JsonResponse({"error": _("You are not assigned to this match.")}, status=403)
    return JsonResponse(clock_state(match_id=pk))


# --- Actions: one form, one service call -------------------------------------------------

@dataclass(frozen=True)
class Action:
    name: str
    form: type
    perform: Callable  # (match, cleaned form, actor) -> notice text
    needs_corners: bool = False
    # (match, cleaned form) -> what a second step must show before it is applied, or None
    confirm: Callable | None = None


def _corner(corner: str) -> str:
    return str(Corner(corner).label).lower()


def _do_check_in(match, form, actor) -> str:
    d = form.cleaned_data
    services.match_check_in(match=match, red_robot=d["red_robot"], blue_robot=d["blue_robot"],
                            red_seal=d["red_seal"], blue_seal=d["blue_seal"],
                            expected_version=d["expected_version"], actor=actor)
    return _("Both corners are checked in. Check robots and seals, then start the match.")


def _do_start(match, form, actor) -> str:
    services.match_start(match=match, expected_version=form.cleaned_data["expected_version"],
                         actor=actor)
    return _("The match is live. Robots and battery seals are locked until it ends (R6).")


def _do_allowance(match, form, actor) -> str:
    d = form.cleaned_data
    use = services.allowance_use(match=match, corner=d["corner"], kind=d["kind"],
                                 expected_version=d["expected_version"], actor=actor)
    return _("%(what)s for the %(corner)s corner: %(n)d of %(limit)d used.") % {
        "what": AllowanceUse.Kind(use.kind).label, "corner": _corner(use.corner), "n": use.seq,
        "limit": AllowanceUse.LIMITS[use.kind]}


def _do_round(match, form, actor) -> str:
    d = form.cleaned_data
    after = services.round_record(match=match, number=d["number"], data=form.round_input(),
                                  expected_version=d["expected_version"], actor=actor)
    text = _("Round %(n)d to the %(corner)s corner by %(method)s.") % {
        "n": d["number"], "corner": _corner(d["winner"]), "method": str(Method(d["method"]).label).lower()}
    if after.is_done:
        text += " " + _("The match is over: %(team)s wins %(red)d–%(blue)d. Sign the result off.") % {
            "team": after.winner.team, "red": after.red_rounds, "blue": after.blue_rounds}
    return text


def _do_battery_swap(match, form, actor) -> str:
    d = form.cleaned_data
    after = services.battery_swap_report(match=match, corner=d["corner"], confirmed=d["confirmed"],
                                         expected_version=d["expected_version"], actor=actor)
    return _("The %(corner)s corner is disqualified for a battery swap (R6): %(team)s wins.") % {
        "corner": _corner(d["corner"]), "team": after.winner.team}


def _do_failure(match, form, actor) -> str:
    d = form.cleaned_data
    robot = d["robot"]
    # Filing a report does not change the match (no version to check), so a double tap or a
    # resent form is recognised here: the same referee's identical pending report is not filed twice.
    if FailureReport.objects.filter(match=match, robot=robot, filed_by=actor,
                                    description=d["description"].strip(),
                                    status=FailureReport.Status.PENDING).exists():
        return _("This failure report is already filed; it waits in the referee panel's queue.")
    services.failure_report_file(entry=robot.entry, robot=robot, description=d["description"],
                                 irreversible=d["irreversible"], match=match, actor=actor)
    return _("Failure report filed for %(robot)s: it waits in the referee panel's queue (R4).") % {
        "robot": robot}


def _do_forfeit(match, form, actor) -> str:
    d = form.cleaned_data
    services.match_forfeit(match=match, corners=d["corners"], reason=d["reason"],
                           expected_version=d["expected_version"], actor=actor)
    return _("Forfeit recorded. Sign the result off.")


def _do_sign_off(match, form, actor) -> str:
    services.match_sign_off(match=match, expected_version=form.cleaned_data["expected_version"],
                            actor=actor)
    return _("Result signed off.")


def _do_correct(match, form, actor) -> str:
    d = form.cleaned_data
    services.match_result_correct(match=match, rounds=form.rounds.rounds(), reason=d["reason"],
                                  expected_version=d["expected_version"], actor=actor)
    return _("Result corrected. The reason is in the match history.")


def _confirm_round(match, form) -> dict | None:
    """The deciding round is asked twice: say what will happen (the match ends, the bracket
    advances) before it is recorded."""
    d = form.cleaned_data
    if d.get("confirm_deciding"):
        return None
    return deciding_preview(match_id=match.pk, winner=d["winner"])


def _do_clock(operation: Callable, text: str) -> Callable:
    def perform(match, form, actor) -> str:
        operation(match=match, actor=actor)
        return str(text)
    return perform


def _do_countdown(match, form, actor) -> str:
    d = form.cleaned_data
    event = clock_services.countdown_start(match=match, kind=d["kind"], corner=d["corner"],
                                           expected_version=d.get("expected_version"), actor=actor)
    seconds = event.length_ms // 1000
    if event.allowance_id:
        use = event.allowance
        return _("%(what)s for the %(corner)s corner: %(n)d of %(limit)d used.") % {
            "what": AllowanceUse.Kind(use.kind).label, "corner": _corner(use.corner), "n": use.seq,
            "limit": AllowanceUse.LIMITS[use.kind]} + " " + _(
            "Its countdown runs: %(s)d s. The round clock is stopped.") % {"s": seconds}
    return _("Counting %(s)d s for the %(corner)s corner's robot to stand up unaided.") % {
        "s": seconds, "corner": _corner(d["corner"])}


def _do_countdown_end(match, form, actor) -> str:
    event = clock_services.countdown_end(match=match, countdown=form.cleaned_data["countdown"],
                                         actor=actor)
    started = ClockEvent.objects.get(match_id=match.pk, seq=event.ref)
    return _("%(what)s of the %(corner)s corner ended.") % {
        "what": ClockEvent.Countdown(started.countdown).label, "corner": _corner(started.corner)}


def _do_undo(match, form, actor) -> str:
    d = form.cleaned_data
    return entry_undo(match=match, reason=d["reason"], expected_version=d["expected_version"],
                      actor=actor)


ACTIONS = {
    "checkin": Action("checkin", forms.CheckInForm, _do_check_in, needs_corners=True),
    "start": Action("start", forms.StartForm, _do_start),
    "allowance": Action("allowance", forms.AllowanceForm, _do_allowance),
    "round": Action("round", forms.RoundForm, _do_round, confirm=_confirm_round),
    "swap": Action("swap", forms.BatterySwapForm, _do_battery_swap),
    "failure": Action("failure", forms.FailureReportForm, _do_failure, needs_corners=True),
    "forfeit": Action("forfeit", forms.ForfeitForm, _do_forfeit),
    "signoff": Action("signoff", forms.SignOffForm, _do_sign_off),
    "correct": Action("correct", forms.CorrectionForm, _do_correct),
    "clock_start": Action("clock_start", forms.ClockForm, _do_clock(
        clock_services.clock_start, _("The round clock runs."))),
    "clock_pause": Action("clock_pause", forms.ClockForm, _do_clock(
        clock_services.clock_pause, _("The round clock is stopped."))),
    "clock_resume": Action("clock_resume", forms.ClockForm, _do_clock(
        clock_services.clock_resume, _("The fight goes on: the round clock runs."))),
    "countdown": Action("countdown", forms.CountdownForm, _do_countdown),
    "countdown_end": Action("countdown_end", forms.CountdownEndForm, _do_countdown_end),
    "undo": Action("undo", forms.UndoForm, _do_undo),
}


def _idempotency_key(request: HttpRequest) -> str | None:
    return idempotency.clean_key(request.POST.get("idempotency_key")
                                 or request.headers.get("Idempotency-Key"))


def _applied_response(request: HttpRequest, *, pk: int, notice: str, redirect_to: str):
    """A retried post that was applied before: answered as applied, with the stored answer."""
    if not _fragment(request):
        messages.success(request, notice)
        return redirect(redirect_to, pk=pk) if pk else redirect(redirect_to)
    if redirect_to == "referee:failures":
        return _queue_response(request, notice=notice)
    return _card_response(request, match_card(pk=pk, user=request.user), notice=notice)


def _target(*, pk: int, user) -> Match:
    """The match a post is about, light (one query): what the services need, and whether the
    user is one of its referees."""
    assigned = Match.referees.through.objects.filter(match_id=OuterRef("pk"), user_id=user.pk)
    return get_object_or_404(
        Match.objects.only("id", "version", "status", "season_id", "red_id", "blue_id", "slot")
        .annotate(assigned=Exists(assigned)), pk=pk)


def _make_form(action: Action, card: MatchCard, **kwargs):
    if action.needs_corners:
        kwargs["corners"] = card.corners
    return action.form(match=card.match, **kwargs)


def _carry_over(action: Action, form, card: MatchCard):
    """After a conflict, offer the referee's input again on the fresh state (it was not saved)."""
    if action.name not in ("checkin", "round", "failure", "forfeit", "correct") or not hasattr(
            form, "cleaned_data"):
        return None
    initial = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
    if action.name == "round":
        if card.next_round != initial.get("number"):
            return None
    if action.name == "correct":
        return None  # the rounds changed under it: start again from the corrected state
    return _make_form(action, card, initial=initial)


def action_view(name: str) -> Callable:
    action = ACTIONS[name]

    @require_POST
    @staff_view
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        target = _target(pk=pk, user=user)
        if not (target.assigned or roles.is_head_referee(user) or roles.is_organizer(user)):
            return _denied(request, _("You are not assigned to this match: nothing was saved."))
        # The whole card is read once: before the call only when the form needs its robots.
        card = match_card(pk=pk, user=user) if action.needs_corners else None
        if card is not None:
            form = _make_form(action, card, data=request.POST)
        else:
            form = action.form(data=request.POST, match=target)
        key = _idempotency_key(request)
        done = idempotency.applied(actor=user, key=key)
        if done is not None:
            return _applied_response(request, pk=pk, notice=done.notice, redirect_to="referee:match")
        if not form.is_valid():
            return _card_response(request, card or match_card(pk=pk, user=user), status=400,
                                  bound={name: form})
        if action.confirm is not None:
            preview = action.confirm(target, form)
            if preview is not None:
                return _card_response(request, card or match_card(pk=pk, user=user),
                                      bound={name: form}, confirm=preview)
        try:
            notice = idempotency.post_once(actor=user, key=key, path=request.path,
                                           perform=lambda: action.perform(target, form, user))
        except idempotency.AlreadyApplied as exc:
            return _applied_response(request, pk=pk, notice=exc.stored.notice,
                                     redirect_to="referee:match")
        except MatchConflict:
            done = idempotency.applied(actor=user, key=key)
            if done is not None:  # a copy of this very post won the race: it is applied
                return _applied_response(request, pk=pk, notice=done.notice,
                                         redirect_to="referee:match")
            fresh = match_card(pk=pk, user=user)
            carried = _carry_over(action, form, fresh)
            return _card_response(
                request, fresh, status=409, bound={name: carried} if carried else None,
                conflict=_("Another device (or a repeated tap) changed this match since this page "
                           "was drawn. Nothing was saved. Below is the current state (now %(status)s): "
                           "check it, then enter again what is still needed.")
                % {"status": fresh.match.get_status_display()})
        except NotAllowed as exc:
            return _card_response(request, card or match_card(pk=pk, user=user), status=403,
                                  alert=exc.text)
        except RuleViolation as exc:
            form.add_error(None, exc.text)
            return _card_response(request, match_card(pk=pk, user=user), status=400,
                                  bound={name: form})
        if not _fragment(request):
            messages.success(request, notice)
            return redirect("referee:match", pk=pk)
        return _card_response(request, match_card(pk=pk, user=user), notice=notice)

    view.__name__ = f"match_{name}"
    return view


# --- The referee panel: failure reports --------------------------------------------------

def _queue_response(request: HttpRequest, *, status: int = 200, notice: str = "",
                    errors: dict | None = None) -> HttpResponse:
    queue = failure_queue()
    errors = errors or {}
    listed = {r.pk for r in queue}
    context = {"queue": queue, "notice": notice, "errors": errors,
               "orphan_errors": [m for pk, msgs in errors.items() if pk not in listed for m in msgs],
               "is_head": roles.is_head_referee(request.user)}
    if _fragment(request):
        return TemplateResponse(request, "referee/failures.html#queue", context, status=status)
    context["decided"] = recent_decisions()
    return TemplateResponse(request, "referee/failures.html", context, status=status)


@require_GET
@staff_view
def failures(request: HttpRequest) -> HttpResponse:
    if not (roles.is_head_referee(request.user) or roles.is_organizer(request.user)):
        return _denied(request, _("The failure queue is for the referee panel (head referees)."))
    return _queue_response(request)


@require_POST
@staff_view
def failure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(FailureReport.objects.select_related("robot", "entry__team"), pk=pk)
    key = _idempotency_key(request)
    done = idempotency.applied(actor=request.user, key=key)
    if done is not None:
        return _applied_response(request, pk=0, notice=done.notice, redirect_to="referee:failures")
    form = forms.DecisionForm(request.POST, report=report)
    if not form.is_valid():
        return _queue_response(request, status=400, errors={report.pk: [
            e for errs in form.errors.values() for e in errs]})
    outcome = {}

    def perform() -> str:
        outcome["report"] = services.failure_report_decide(
            report=report, approve=form.approve, note=form.cleaned_data["note"], actor=request.user)
        return _decision_notice(outcome["report"])

    try:
        notice = idempotency.post_once(actor=request.user, key=key, path=request.path,
                                       perform=perform)
    except idempotency.AlreadyApplied as exc:
        return _applied_response(request, pk=0, notice=exc.stored.notice,
                                 redirect_to="referee:failures")
    except NotAllowed as exc:
        if _fragment(request):
            return _queue_response(request, status=403, errors={report.pk: [exc.text]})
        return _denied(request, exc.text)
    except RuleViolation as exc:
        return _queue_response(request, status=400, errors={report.pk: [exc.text]})
    if not _fragment(request):
        messages.success(request, notice)
        return redirect("referee:failures")
    return _queue_response(request, notice=notice)


def _decision_notice(decided: FailureReport) -> str:
    if decided.status == FailureReport.Status.APPROVED:
        notice = _("Approved: %(robot)s of %(team)s.") % {"robot": decided.robot, "team": decided.entry.team}
        replacement = getattr(decided, "replacement", None)
        if replacement is not None:
            notice += " " + _("%(new)s replaces it from the team's next match (R4, R5).") % {
                "new": replacement.new_robot}
    else:
        notice = _("Rejected: %(robot)s of %(team)s.") % {"robot": decided.robot,
                                                         "team": decided.entry.team}
    return notice
