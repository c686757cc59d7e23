"""Undo a referee's last entry before sign-off (R8, R9, R14).

The assigned referee who made the match's latest entry (a round, an allowance use) can take it
back, with a reason, until the result is signed off. Undoing the round that decided a match
re-opens it; in a knockout the bracket advance is reverted, which R14 allows only while the
matches it fed have not started.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..errors import RuleViolation
from ..models import AllowanceUse, Corner, Match, Round
from ..models.clock import ClockEvent
from ..models.match import Method
from ..rules import clock as clock_rules
from .common import audit, bump, is_system, person
from .matches import _claim


def last_entry(match: Match):
    """The match's latest round or allowance use (None if there is none)."""
    rnd = match.rounds.order_by("-recorded_at", "-id").first()
    use = match.allowances.order_by("-recorded_at", "-id").first()
    if rnd is None or use is None:
        return rnd or use
    return rnd if rnd.recorded_at >= use.recorded_at else use


def entry_undo(*, match: Match, reason: str, actor, expected_version: int | None = None) -> str:
    """Take back the latest entry; returns what was undone, for the referee to read."""
    reason = (reason or "").strip()
    with transaction.atomic():
        match = _claim(match, expected_version, runner=actor)
        if match.signed_off_at:
            raise RuleViolation("R7", _("The result is signed off: only a head referee can "
                                        "correct it now, with a reason."))
        if match.status not in (Match.Status.LIVE, Match.Status.FINISHED) or match.method in (
                Method.FORFEIT, Method.DISQUALIFICATION):
            raise RuleViolation("R8", _("There is no round or allowance to undo in this match."))
        if not reason:
            raise RuleViolation("R7", _("Say why the entry is undone."))
        entry = last_entry(match)
        if entry is None:
            raise RuleViolation("R8", _("There is no round or allowance to undo in this match."))
        if not is_system(actor) and entry.recorded_by_id not in (None, actor.pk):
            raise RuleViolation("R7", _("The last entry was made by %(who)s: only they can undo it.")
                                % {"who": entry.recorded_by.get_username()})
        if isinstance(entry, Round):
            text = _undo_round(match, entry, actor=actor, reason=reason)
        else:
            text = _undo_allowance(match, entry, actor=actor, reason=reason)
        bump(match.season_id)
        return text


def _undo_round(match: Match, rnd: Round, *, actor, reason: str) -> str:
    data = {k: getattr(rnd, k) for k in ("number", "winner", "method", "red_points", "blue_points",
                                         "red_knockdowns", "blue_knockdowns", "red_fouls",
                                         "blue_fouls")}
    before = match.status
    fields = ["red_rounds", "blue_rounds"]
    if match.status == Match.Status.FINISHED:
        if not match.can_reopen_to(Match.Status.LIVE):  # the callers checked; the table has the last word
            raise RuleViolation("R7", _("This match cannot be reopened."))
        _revert_bracket(match, actor=actor, reason=reason)
        match.status = Match.Status.LIVE
        match.winner = None
        match.method = ""
        match.result_note = ""
        match.finished_at = None
        fields += ["status", "winner", "method", "result_note", "finished_at"]
    setattr(match, f"{rnd.winner}_rounds", getattr(match, f"{rnd.winner}_rounds") - 1)
    rnd.delete()
    match.save(update_fields=fields)
    audit(actor=actor, action="entry_undone", obj=match, from_state=before, to_state=match.status,
          reason=reason, data={"round": data})
    events.emit(events.MATCH_CORRECTED, actor=actor, season=match.season, match=match,
                data={"reason": reason, "undone_round": data["number"]})
    return _("Round %(n)d is undone: record it again.") % {"n": data["number"]}


def _revert_bracket(match: Match, *, actor, reason: str) -> None:
    """R14: take the winner (and loser) back out of the slots this match fed, if not started."""
    emptied = []
    for target_id, corner, entry_id in match.sends_to():
        target = Match.objects.select_for_update().get(pk=target_id)
        if getattr(target, f"{corner}_id") != entry_id:
            continue
        if target.status != Match.Status.SCHEDULED:
            raise RuleViolation("R14", _("The deciding round cannot be undone: %(slot)s, which this "
                                         "match feeds, has started.") % {"slot": target.slot})
        Match.objects.filter(pk=target.pk).update(**{f"{corner}_id": None},
                                                  version=F("version") + 1)
        audit(actor=actor, action="bracket_reverted", obj=target, season=match.season,
              from_state=f"{corner}:{entry_id}", reason=reason, data={"from": match.slot})
        emptied.append({"slot": target.slot, "corner": corner, "entry": None})
    if emptied:
        events.emit(events.BRACKET_CHANGED, actor=actor, season=match.season,
                    data={"reason": "reverted", "from": match.slot, "filled": emptied})


def _undo_allowance(match: Match, use: AllowanceUse, *, actor, reason: str) -> str:
    label = AllowanceUse.Kind(use.kind).label
    # A countdown the allowance started ends with it.
    for event in ClockEvent.objects.filter(match_id=match.pk, allowance_id=use.pk,
                                           kind=clock_rules.COUNTDOWN):
        if not ClockEvent.objects.filter(match_id=match.pk, kind=clock_rules.END,
                                         ref=event.seq).exists():
            last = ClockEvent.objects.filter(match_id=match.pk).order_by("-seq").first()
            ClockEvent.objects.create(match=match, seq=last.seq + 1,
                                      round_number=event.round_number, kind=clock_rules.END,
                                      ref=event.seq, at=timezone.now(),
                                      actor=person(actor))
    data = {"corner": use.corner, "kind": use.kind, "seq": use.seq, "round": use.round_number}
    use.delete()
    audit(actor=actor, action="entry_undone", obj=match, to_state=f"-{use.corner}:{use.kind}",
          reason=reason, data={"allowance": data})
    return _("%(what)s of the %(corner)s corner is undone (%(n)d of %(limit)d used now).") % {
        "what": label, "corner": str(Corner(use.corner).label).lower(), "n": use.seq - 1,
        "limit": AllowanceUse.LIMITS[use.kind]}
