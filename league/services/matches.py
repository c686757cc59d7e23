"""Running a match: check-in, start, rounds, allowances, battery swaps, forfeits, sign-off,
result corrections and the bracket filling itself (R5-R9, R14).

Every service takes the version the referee's form was loaded with: a stale form is refused
with MatchConflict, so two devices never lose or double an update.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..errors import MatchConflict, NotAllowed, RuleViolation
from ..models import AllowanceUse, Corner, Match, Replacement, Robot, Round, Season
from ..models.match import Method
from .common import audit, bump, is_system, person, require_actor, require_head_referee

LIVE_PHASES = (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)


_ANY_RUNNER = object()


def _claim(match: Match, expected_version: int | None, runner=_ANY_RUNNER) -> Match:
    """Lock the match and take the next version; refuse a stale form.

    With ``runner`` (the acting user) it is checked first that they may run the match (R7), so
    an outsider hears "not allowed" rather than "changed".
    """
    current = (Match.objects.select_for_update(of=("self",))
               .select_related("season", "red__team", "blue__team").get(pk=match.pk))
    if runner is not _ANY_RUNNER:
        _require_runner(current, runner)
    if expected_version is not None and current.version != expected_version:
        raise MatchConflict(_("This match changed on another device (now %(state)s). Your change "
                              "was not saved: look at the current state and try again.")
                            % {"state": current.get_status_display()},
                            current_version=current.version)
    # Compare-and-swap: holds on SQLite too, where select_for_update() is a no-op.
    if not Match.objects.filter(pk=current.pk, version=current.version).update(
            version=F("version") + 1):
        raise MatchConflict(_("This match changed on another device. Try again."),
                            current_version=current.version + 1)
    current.version += 1
    return current


def _require_runner(match: Match, actor) -> None:
    """R7: only a referee assigned to the match runs it (or the system: imports, the demo)."""
    require_actor(actor)
    if is_system(actor):
        return
    if not match.referees.filter(pk=actor.pk).exists():
        raise NotAllowed("R7", _("Only a referee assigned to this match may run it."))


def _require_status(match: Match, *statuses: str, doing: str) -> None:
    if match.status not in statuses:
        raise RuleViolation("R7", _("%(doing)s is not possible: the match is %(status)s.") % {
            "doing": doing, "status": match.get_status_display()})


def _require_move(match: Match, to: str, *, doing: str) -> None:
    """R7: a match moves only along Match.TRANSITIONS."""
    if not match.can_move_to(to):
        raise RuleViolation("R7", _("%(doing)s is not possible: the match is %(status)s.") % {
            "doing": doing, "status": match.get_status_display()})


def normalize_seal(seal: str | None) -> str:
    """A battery seal number as written on the seal: case and surrounding spaces do not count
    (R6: "bs-1" and "BS-1" are the same seal)."""
    return (seal or "").strip().upper()


def active_robot(entry) -> Robot | None:
    """The robot a team fights with: its primary, or the backup once replaced (R4, R5)."""
    replaced = Replacement.objects.filter(entry_id=entry.pk).exists()
    return Robot.objects.filter(
        entry_id=entry.pk, role=Robot.Role.BACKUP if replaced else Robot.Role.PRIMARY).first()


def match_check_in(*, match: Match, red_robot: Robot, blue_robot: Robot, red_seal: str,
                   blue_seal: str, expected_version: int | None = None, actor) -> Match:
    """Record each corner's robot and battery seal (R5, R6). May be redone until the start."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        if match.season.phase not in LIVE_PHASES:
            raise RuleViolation("R7", _("Matches run in the group stage and the knockout."))
        _require_move(match, Match.Status.CHECKED_IN, doing=_("Check-in"))
        if not (match.red_id and match.blue_id):
            raise RuleViolation("R14", _("Both corners must be known before check-in."))
        seals = {}
        for corner, robot, seal in ((Corner.RED, red_robot, red_seal),
                                    (Corner.BLUE, blue_robot, blue_seal)):
            entry = match.entry_of(corner)
            if robot is None or robot.entry_id != entry.pk:
                raise RuleViolation("R5", _("The %(corner)s corner must field a robot of %(team)s.")
                                    % {"corner": Corner(corner).label.lower(), "team": entry.team})
            robot = Robot.objects.get(pk=robot.pk)
            if robot.status == Robot.Status.FAILED:
                raise RuleViolation("R5", _("%(robot)s has failed and never fights again this "
                                            "season.") % {"robot": robot})
            expected = active_robot(entry)
            if expected is None or expected.pk != robot.pk:
                raise RuleViolation("R4", _("%(team)s fights with %(robot)s: the backup enters only "
                                            "after an approved replacement.")
                                    % {"team": entry.team, "robot": expected or "?"})
            seal = normalize_seal(seal)
            if not seal or len(seal) > 32:
                raise RuleViolation("R6", _("Record the %(corner)s corner's battery seal number "
                                            "(1-32 characters).") % {"corner": Corner(corner).label.lower()})
            seals[corner] = (robot, seal)
        if seals[Corner.RED][1] == seals[Corner.BLUE][1]:
            raise RuleViolation("R6", _("The two corners cannot share a battery seal number."))
        before = match.status
        match.red_robot, match.red_seal = seals[Corner.RED]
        match.blue_robot, match.blue_seal = seals[Corner.BLUE]
        match.status = Match.Status.CHECKED_IN
        match.save(update_fields=["red_robot", "red_seal", "blue_robot", "blue_seal", "status"])
        audit(actor=actor, action="match_checked_in", obj=match, from_state=before,
              to_state=match.status, data={"red_robot": match.red_robot.serial,
                                           "red_seal": match.red_seal,
                                           "blue_robot": match.blue_robot.serial,
                                           "blue_seal": match.blue_seal})
        bump(match.season_id)
        return match


def match_start(*, match: Match, expected_version: int | None = None, actor) -> Match:
    """Start the fight: robots and battery seals are locked until it ends (R6)."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_move(match, Match.Status.LIVE, doing=_("Starting"))
        for robot in Robot.objects.filter(pk__in=[match.red_robot_id, match.blue_robot_id]):
            if robot.status == Robot.Status.FAILED:
                raise RuleViolation("R5", _("%(robot)s failed after check-in and never fights again: "
                                            "check in the team's robot again.") % {"robot": robot})
        match.status = Match.Status.LIVE
        match.started_at = timezone.now()
        match.save(update_fields=["status", "started_at"])
        audit(actor=actor, action="match_started", obj=match, from_state=Match.Status.CHECKED_IN,
              to_state=match.status)
        events.emit(events.MATCH_STARTED, actor=actor, season=match.season, match=match, data={})
        bump(match.season_id)
        return match


@dataclass(frozen=True)
class RoundInput:
    winner: str
    method: str
    red_points: int = 0
    blue_points: int = 0
    red_knockdowns: int = 0
    blue_knockdowns: int = 0
    red_fouls: int = 0
    blue_fouls: int = 0


def _validate_round(number: int, data: RoundInput, best_of: int) -> None:
    if not 1 <= number <= best_of:
        raise RuleViolation("R8", _("A match has at most %(n)d rounds.") % {"n": best_of})
    if data.winner not in Corner.values:
        raise RuleViolation("R8", _("Every round has a winner: the red or the blue corner."))
    if data.method not in Method.round_methods():
        raise RuleViolation("R8", _("A round is won by knockout, technical knockout, points "
                                    "decision or overtime."))
    for field in ("red_points", "blue_points"):
        value = getattr(data, field)
        if not isinstance(value, int) or not 0 <= value <= Round.MAX_POINTS:
            raise RuleViolation("R8", _("Points are a whole number from 0 to %(max)d.") % {
                "max": Round.MAX_POINTS})
    for field in ("red_knockdowns", "blue_knockdowns", "red_fouls", "blue_fouls"):
        value = getattr(data, field)
        if not isinstance(value, int) or not 0 <= value <= Round.MAX_COUNT:
            raise RuleViolation("R8", _("Knockdowns and fouls are whole numbers from 0 to %(max)d.")
                                % {"max": Round.MAX_COUNT})
    if data.method == Method.POINTS:
        mine, theirs = ((data.red_points, data.blue_points) if data.winner == Corner.RED
                        else (data.blue_points, data.red_points))
        if mine <= theirs:
            raise RuleViolation("R8", _("A points decision goes to the corner with more points."))


def round_record(*, match: Match, number: int, data: RoundInput,
                 expected_version: int | None = None, actor) -> Match:
    """Record a round; the match ends by itself when a corner has won enough rounds (R8)."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_status(match, Match.Status.LIVE, doing=_("Recording a round"))
        done = match.rounds.count()
        if number != done + 1:
            raise RuleViolation("R8", _("The next round to record is round %(n)d.") % {"n": done + 1})
        _validate_round(number, data, match.season.best_of)
        rnd = Round.objects.create(match=match, number=number, recorded_by=person(actor),
                                   **data.__dict__)
        setattr(match, f"{data.winner}_rounds", getattr(match, f"{data.winner}_rounds") + 1)
        fields = ["red_rounds", "blue_rounds"]
        audit(actor=actor, action="round_recorded", obj=match, to_state=f"R{number}",
              data={"round": number, **data.__dict__})
        events.emit(events.ROUND_RECORDED, actor=actor, season=match.season, match=match,
                    data={"round": number, **data.__dict__})
        if getattr(match, f"{data.winner}_rounds") >= match.season.rounds_to_win:
            _finish(match, winner_corner=data.winner, method=rnd.method, actor=actor)
        else:
            match.save(update_fields=fields)
        bump(match.season_id)
        return match


def _finish(match: Match, *, winner_corner: str | None, method: str, actor, note: str = "",
            status: str = Match.Status.FINISHED) -> None:
    if not match.can_move_to(status):  # the callers checked; the table has the last word (R7)
        raise RuleViolation("R7", _("A %(now)s match cannot become %(new)s.") % {
            "now": match.get_status_display(), "new": Match.Status(status).label})
    before = match.status
    match.status = status
    match.winner = match.entry_of(winner_corner) if winner_corner else None
    match.method = method
    match.result_note = note
    match.finished_at = timezone.now()
    match.save(update_fields=["status", "winner", "method", "result_note", "finished_at",
                              "red_rounds", "blue_rounds"])
    audit(actor=actor, action="match_finished", obj=match, from_state=before, to_state=status,
          reason=note, data={"winner": match.winner.team.slug if match.winner else None,
                             "method": method})
    events.emit(events.MATCH_FINISHED, actor=actor, season=match.season, match=match, data={
        "winner": match.winner.team.slug if match.winner else None, "method": method,
        "note": note})
    bracket_advance(match=match, actor=actor)


def allowance_use(*, match: Match, corner: str, kind: str, expected_version: int | None = None,
                  actor) -> AllowanceUse:
    """Count a manual reset, tactical timeout or emergency repair; refuse past the limit (R9)."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_status(match, Match.Status.LIVE, doing=_("Using an allowance"))
        if corner not in Corner.values or kind not in AllowanceUse.Kind.values:
            raise RuleViolation("R9", _("Choose a corner and an allowance."))
        used = match.allowances.filter(corner=corner, kind=kind).count()
        limit = AllowanceUse.LIMITS[kind]
        if used >= limit:
            label = AllowanceUse.Kind(kind).label.lower()
            if kind == AllowanceUse.Kind.MANUAL_RESET:
                msg = _("The %(corner)s corner has used its %(n)d manual resets. A further reset is "
                        "a technical knockout: record this round as won by the %(other)s corner by "
                        "technical knockout.")
            else:
                msg = _("The %(corner)s corner has used its %(n)d %(what)s allowance(s).")
            raise RuleViolation("R9", msg % {"corner": Corner(corner).label.lower(), "n": limit,
                                             "what": label,
                                             "other": Corner(Corner.other(corner)).label.lower()})
        use = AllowanceUse.objects.create(match=match, corner=corner, kind=kind, seq=used + 1,
                                          round_number=match.rounds.count() + 1,
                                          recorded_by=person(actor))
        audit(actor=actor, action="allowance_used", obj=match, to_state=f"{corner}:{kind}#{used + 1}")
        bump(match.season_id)
        return use


def battery_swap_report(*, match: Match, corner: str, confirmed: bool,
                        expected_version: int | None = None, actor) -> Match:
    """A battery swap during a match disqualifies that corner (R6)."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_status(match, Match.Status.LIVE, doing=_("Reporting a battery swap"))
        if corner not in Corner.values:
            raise RuleViolation("R6", _("Choose the corner that swapped its battery."))
        if not confirmed:
            raise RuleViolation("R6", _("Confirm the battery swap: it disqualifies the %(corner)s "
                                        "corner.") % {"corner": Corner(corner).label.lower()})
        note = _("Battery swap by the %(corner)s corner during the match (R6).") % {
            "corner": Corner(corner).label.lower()}
        _finish(match, winner_corner=Corner.other(corner), method=Method.DISQUALIFICATION,
                actor=actor, note=note)
        bump(match.season_id)
        return match


def match_forfeit(*, match: Match, corners: list[str], reason: str,
                  expected_version: int | None = None, actor) -> Match:
    """One corner forfeits (the other wins), or both do: a loss for both in the group (R12)."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_move(match, Match.Status.FORFEITED, doing=_("A forfeit"))
        corners = sorted(set(corners))
        if not corners or any(c not in Corner.values for c in corners):
            raise RuleViolation("R8", _("Choose the corner that forfeits."))
        if not reason.strip():
            raise RuleViolation(None, _("Give the reason for the forfeit."))
        if not (match.red_id and match.blue_id):
            raise RuleViolation("R14", _("Both corners must be known."))
        if len(corners) == 2 and match.is_knockout:
            raise RuleViolation("R14", _("A knockout match needs a winner: only one corner can "
                                         "forfeit."))
        winner = Corner.other(corners[0]) if len(corners) == 1 else None
        if winner:
            setattr(match, f"{winner}_rounds", match.season.rounds_to_win)
        _finish(match, winner_corner=winner, method=Method.FORFEIT, actor=actor, note=reason,
                status=Match.Status.FORFEITED)
        bump(match.season_id)
        return match


def match_sign_off(*, match: Match, expected_version: int | None = None, actor) -> Match:
    """The referee signs the result."""
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        _require_status(match, *Match.DONE, doing=_("Signing off"))
        if match.signed_off_at:
            raise RuleViolation(None, _("The result is already signed."))
        match.signed_off_by = person(actor)
        match.signed_off_at = timezone.now()
        match.save(update_fields=["signed_off_by", "signed_off_at"])
        audit(actor=actor, action="match_signed_off", obj=match, to_state="signed")
        bump(match.season_id)
        return match


def bracket_advance(*, match: Match, actor) -> None:
    """Send the winner (and from a semifinal the loser) to the slots this match feeds (R14).
    Called inside the service that finished or corrected ``match``, in its transaction."""
    moved = []
    for target_id, corner, entry_id in match.sends_to():
        target = Match.objects.select_for_update().get(pk=target_id)
        if getattr(target, f"{corner}_id") == entry_id:
            continue
        if target.status != Match.Status.SCHEDULED:
            raise RuleViolation("R14", _("%(slot)s has already started; its corners are fixed.") % {
                "slot": target.slot})
        Match.objects.filter(pk=target.pk).update(**{f"{corner}_id": entry_id},
                                                  version=F("version") + 1)
        audit(actor=actor, action="bracket_advanced", obj=target, season=match.season,
              to_state=f"{corner}:{entry_id}", data={"from": match.slot})
        moved.append({"slot": target.slot, "corner": corner, "entry": entry_id})
    if moved:
        events.emit(events.BRACKET_CHANGED, actor=actor, season=match.season,
                    data={"reason": "advanced", "from": match.slot, "filled": moved})


def match_result_correct(*, match: Match, rounds: list[RoundInput], reason: str,
                         expected_version: int | None = None, actor) -> Match:
    """A head referee corrects a finished result with a reason (R7); a change of winner is
    refused once a match it feeds has started (R14)."""
    require_head_referee(actor)
    with transaction.atomic():
        match = _claim(match, expected_version)
        _require_status(match, Match.Status.FINISHED, doing=_("Correcting a result"))
        if match.method == Method.DISQUALIFICATION:
            raise RuleViolation("R6", _("A disqualification is not corrected through its rounds."))
        if not reason.strip():
            raise RuleViolation("R7", _("A correction needs a reason."))
        need = match.season.rounds_to_win
        won = {Corner.RED: 0, Corner.BLUE: 0}
        for number, data in enumerate(rounds, start=1):
            _validate_round(number, data, match.season.best_of)
            if max(won.values()) >= need:
                raise RuleViolation("R8", _("The match was decided before round %(n)d.") % {"n": number})
            won[data.winner] += 1
        if max(won.values(), default=0) < need:
            raise RuleViolation("R8", _("A finished match has a corner with %(n)d rounds won.") % {
                "n": need})
        winner_corner = Corner.RED if won[Corner.RED] >= need else Corner.BLUE
        old = {"winner": match.winner_id, "rounds": [
            {k: getattr(r, k) for k in RoundInput.__dataclass_fields__}
            for r in match.rounds.all()]}
        new_winner = match.entry_id_of(winner_corner)
        if new_winner != match.winner_id:
            for target in (match.winner_to, match.loser_to):
                if target is not None and target.status != Match.Status.SCHEDULED:
                    raise RuleViolation("R14", _("The winner cannot change: %(slot)s, which this "
                                                 "match feeds, has started.") % {"slot": target.slot})
        match.rounds.all().delete()
        for number, data in enumerate(rounds, start=1):
            Round.objects.create(match=match, number=number, recorded_by=person(actor), **data.__dict__)
        match.red_rounds, match.blue_rounds = won[Corner.RED], won[Corner.BLUE]
        match.winner_id = new_winner
        match.method = rounds[-1].method
        match.save(update_fields=["red_rounds", "blue_rounds", "winner", "method"])
        audit(actor=actor, action="result_corrected", obj=match, reason=reason,
              from_state=str(old["winner"]), to_state=str(new_winner), data={"before": old})
        events.emit(events.MATCH_CORRECTED, actor=actor, season=match.season, match=match, data={
            "reason": reason, "winner_changed": new_winner != old["winner"]})
        bracket_advance(match=match, actor=actor)
        bump(match.season_id)
        return match
