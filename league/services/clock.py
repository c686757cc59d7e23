"""The match clock (R17): start, stop and resume the round clock, run the countdowns of a
tactical timeout, a manual reset, the emergency repair and the self-recovery count, and set a
season's countdown lengths.

Clock taps append ClockEvent rows with the server's time; nothing is edited, so any device
folds the same state (league.rules.clock). A clock tap does not change the match's version (a
round form open on another phone stays valid); starting a timeout, reset or repair counts the
allowance through ``allowance_use`` (R9), which does.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import NotAllowed, RuleViolation
from ..models import AllowanceUse, Corner, Match, Season
from ..models.clock import ClockEvent, ClockSettings
from ..rules import clock as rules
from .common import audit, bump, is_system, person, require_actor, require_organizer
from .matches import allowance_use

ALLOWANCE_OF = {rules.TIMEOUT: AllowanceUse.Kind.TACTICAL_TIMEOUT,
                rules.RESET: AllowanceUse.Kind.MANUAL_RESET,
                rules.REPAIR: AllowanceUse.Kind.EMERGENCY_REPAIR}
SECONDS_FIELD = {rules.TIMEOUT: "timeout_seconds", rules.RESET: "reset_seconds",
                 rules.REPAIR: "repair_seconds", rules.RECOVERY: "recovery_seconds"}


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def settings_for(season: Season) -> dict[str, int]:
    """A season's countdown lengths in seconds (the defaults where it set none)."""
    row = ClockSettings.objects.filter(season_id=season.pk).values(*ClockSettings.DEFAULTS).first()
    return row or dict(ClockSettings.DEFAULTS)


def to_rule_events(rows) -> list[rules.Event]:
    return [rules.Event(seq=r.seq, kind=r.kind, at_ms=int(r.at.timestamp() * 1000),
                        countdown=r.countdown, corner=r.corner, length_ms=r.length_ms, ref=r.ref)
            for r in rows]


def current_state(match: Match, *, at_ms: int | None = None) -> tuple[int, rules.ClockState]:
    """(round number, clock state) of a match's current round."""
    number = match.rounds.count() + 1
    rows = ClockEvent.objects.filter(match_id=match.pk, round_number=number).order_by("seq")
    return number, rules.fold(to_rule_events(rows), round_ms=match.season.round_minutes * 60_000,
                              now_ms=at_ms if at_ms is not None else now_ms())


def _lock_live(match: Match, actor) -> Match:
    """Lock the match row (no version change) and check who and when (R7, R17)."""
    require_actor(actor)
    current = (Match.objects.select_for_update(of=("self",)).select_related("season")
               .get(pk=match.pk))
    if not is_system(actor) and not current.referees.filter(pk=actor.pk).exists():
        raise NotAllowed("R7", _("Only a referee assigned to this match may run its clock."))
    if current.status != Match.Status.LIVE:
        raise RuleViolation("R17", _("The clock runs only while the match is live; it is %(status)s.")
                            % {"status": current.get_status_display()})
    return current


def _append(match: Match, *, number: int, kind: str, actor, at, countdown: str = "",
            corner: str = "", length_ms: int = 0, ref: int | None = None,
            allowance: AllowanceUse | None = None) -> ClockEvent:
    last = ClockEvent.objects.filter(match_id=match.pk).aggregate(m=Max("seq"))["m"] or 0
    event = ClockEvent.objects.create(
        match=match, seq=last + 1, round_number=number, kind=kind, countdown=countdown,
        corner=corner, length_ms=length_ms, ref=ref, allowance=allowance, at=at,
        actor=person(actor))
    audit(actor=actor, action=f"clock_{kind}", obj=match,
          to_state=f"R{number}:{kind}{':' + countdown if countdown else ''}"
                   f"{':' + corner if corner else ''}",
          data={"seq": event.seq, "round": number, "countdown": countdown, "corner": corner,
                "length_ms": length_ms, "ref": ref, "at_ms": int(at.timestamp() * 1000)})
    bump(match.season_id)
    return event


def _refuse_while_stopped(state: rules.ClockState) -> None:
    stopping = [c for c in state.countdowns if c.kind in rules.STOPS_CLOCK]
    if stopping:
        raise RuleViolation("R17", _("End the %(what)s of the %(corner)s corner first.") % {
            "what": str(ClockEvent.Countdown(stopping[0].kind).label).lower(),
            "corner": str(Corner(stopping[0].corner).label).lower()})


def clock_start(*, match: Match, actor) -> ClockEvent:
    """Start the round clock of the current round (R17)."""
    with transaction.atomic():
        match = _lock_live(match, actor)
        at = timezone.now()
        number, state = current_state(match, at_ms=int(at.timestamp() * 1000))
        if state.started:
            raise RuleViolation("R17", _("The clock of round %(n)d is already started: stop or "
                                         "resume it.") % {"n": number})
        _refuse_while_stopped(state)
        return _append(match, number=number, kind=rules.START, actor=actor, at=at)


def clock_pause(*, match: Match, actor) -> ClockEvent:
    """Stop the round clock (a referee's stop, R17)."""
    with transaction.atomic():
        match = _lock_live(match, actor)
        at = timezone.now()
        number, state = current_state(match, at_ms=int(at.timestamp() * 1000))
        if state.time_up:
            raise RuleViolation("R17", _("The round's time is over: record the round."))
        if not state.running:
            raise RuleViolation("R17", _("The round clock is not running."))
        return _append(match, number=number, kind=rules.PAUSE, actor=actor, at=at)


def clock_resume(*, match: Match, actor) -> ClockEvent:
    """Let the fight go on: the round clock runs again (R17)."""
    with transaction.atomic():
        match = _lock_live(match, actor)
        at = timezone.now()
        number, state = current_state(match, at_ms=int(at.timestamp() * 1000))
        if not state.started:
            raise RuleViolation("R17", _("Start the round clock first."))
        if state.running:
            raise RuleViolation("R17", _("The round clock is already running."))
        if state.time_up:
            raise RuleViolation("R17", _("The round's time is over: record the round."))
        _refuse_while_stopped(state)
        return _append(match, number=number, kind=rules.RESUME, actor=actor, at=at)


def countdown_start(*, match: Match, kind: str, corner: str, actor,
                    expected_version: int | None = None) -> ClockEvent:
    """Start a countdown for a corner. A tactical timeout, manual reset or emergency repair is
    counted as that corner's allowance and refused past its limit (R9); it stops the round clock.
    The self-recovery count (a robot down) counts nothing and lets the clock run (R17)."""
    if kind not in SECONDS_FIELD or corner not in Corner.values:
        raise RuleViolation("R17", _("Choose a corner and a countdown."))
    with transaction.atomic():
        match = _lock_live(match, actor)
        at = timezone.now()
        number, state = current_state(match, at_ms=int(at.timestamp() * 1000))
        use = None
        if kind in ALLOWANCE_OF:  # R9 first: past the limit, that is what the referee hears
            use = allowance_use(match=match, corner=corner, kind=ALLOWANCE_OF[kind],
                                expected_version=expected_version, actor=actor)
        if state.open_countdown(kind, corner):
            raise RuleViolation("R17", _("The %(what)s of the %(corner)s corner is already "
                                         "counting.") % {
                "what": str(ClockEvent.Countdown(kind).label).lower(),
                "corner": str(Corner(corner).label).lower()})
        seconds = settings_for(match.season)[SECONDS_FIELD[kind]]
        return _append(match, number=number, kind=rules.COUNTDOWN, actor=actor, at=at,
                       countdown=kind, corner=corner, length_ms=seconds * 1000, allowance=use)


def countdown_end(*, match: Match, countdown: int, actor) -> ClockEvent:
    """End an open countdown: the robot stood up, the reset or repair is done, the timeout is
    over, or the referee dismisses what it proposed. The round clock stays stopped until resumed."""
    with transaction.atomic():
        match = _lock_live(match, actor)
        at = timezone.now()
        number, state = current_state(match, at_ms=int(at.timestamp() * 1000))
        if not any(c.id == countdown for c in state.countdowns):
            raise RuleViolation("R17", _("That countdown has already ended."))
        return _append(match, number=number, kind=rules.END, actor=actor, at=at, ref=countdown)


def clock_settings_set(*, season: Season, actor, **seconds: int) -> ClockSettings:
    """Set a season's countdown lengths in seconds (R17); out-of-range lengths are refused."""
    require_organizer(actor)
    unknown = set(seconds) - set(ClockSettings.DEFAULTS)
    if unknown:
        raise RuleViolation("R17", _("Unknown clock setting: %(name)s.") % {
            "name": ", ".join(sorted(unknown))})
    labels = {"timeout_seconds": _("A tactical timeout"), "reset_seconds": _("A manual reset"),
              "repair_seconds": _("The emergency repair"),
              "recovery_seconds": _("The self-recovery count")}
    for name, value in seconds.items():
        low, high = ClockSettings.LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise RuleViolation("R17", _("%(what)s lasts from %(low)d to %(high)d seconds; "
                                         "%(value)s is not possible.") % {
                "what": labels[name], "low": low, "high": high, "value": value})
    with transaction.atomic():
        row, _created = ClockSettings.objects.select_for_update().get_or_create(season=season)
        before = {k: getattr(row, k) for k in ClockSettings.DEFAULTS}
        for name, value in seconds.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        audit(actor=actor, action="clock_settings_changed", obj=season, data={
            "before": before, "after": {k: getattr(row, k) for k in ClockSettings.DEFAULTS}})
        bump(season)
        return row
