"""The rings on the day of the fights: calling the next match, delaying a ring, moving a match.

Every change is re-checked against the whole season's plan before anything is saved: R11 (no
team twice on one day in the group stage, the minimum rest between a team's fights), R13 (the
final starts after the third-place match's estimated end), R14 (a knockout match starts after
the matches that feed it end) and one match at a time on a ring. A refusal names the rule and
saves nothing.

These services do not bump ``Match.version``: it guards the referee's forms, and a call, a delay
or a move changes nothing a referee submits. They bump the season's public version.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events, roles
from ..errors import NotAllowed, RuleViolation
from ..models import Match, Season
from ..models.match import MAX_DELAY_MINUTES
from ..rules import bracket as bracket_rules
from ..rules.schedule import schedule_violations, third_place_before_final
from ..selectors.rings import _is_now, match_minutes
from .common import audit, bump, is_system, lock_season, require_actor, require_organizer, require_phase

__all__ = ["MAX_DELAY_STEP_MINUTES", "match_call", "match_move", "ring_call_next", "ring_delay"]

# One delay is at most 12 hours; a later start is a move to another day.
MAX_DELAY_STEP_MINUTES = 12 * 60
# A match is moved at most this far ahead of now.
MAX_MOVE_AHEAD = dt.timedelta(days=366)

RUNNING = (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)


def _require_caller(actor) -> None:
    require_actor(actor)
    if is_system(actor):
        return
    if not (roles.is_organizer(actor) or roles.is_head_referee(actor)):
        raise NotAllowed("R7", _("Only an organizer or a head referee may call a match."))


def _locked(season: Season, doing: str) -> Season:
    season = lock_season(season)
    require_phase(season, *RUNNING, doing=doing)
    return season


def _season_matches(season: Season) -> list[Match]:
    return list(Match.objects.select_for_update(of=("self",)).filter(season=season)
                .select_related("red__team", "blue__team"))


# --- Calling the next match ---------------------------------------------------------------------

def _call(season: Season, match: Match, matches: list[Match], actor) -> Match:
    if match.is_done:
        raise RuleViolation("R7", _("%(slot)s is over.") % {"slot": match.slot})
    if _is_now(match):
        raise RuleViolation("R7", _("%(slot)s is already called to %(ring)s.")
                            % {"slot": match.slot, "ring": match.ring})
    if not match.ring or match.scheduled_at is None:
        raise RuleViolation("R7", _("%(slot)s has no ring and time yet.") % {"slot": match.slot})
    busy = [m for m in matches if m.ring == match.ring and m.pk != match.pk and not m.is_done
            and _is_now(m)]
    if busy:
        raise RuleViolation("R7", _("%(slot)s is still on %(ring)s: call the next match when it "
                                    "is over.") % {"slot": busy[0].slot, "ring": match.ring})
    if not (match.red_id and match.blue_id):
        raise RuleViolation("R14", _("%(slot)s waits for the matches that decide its teams.")
                            % {"slot": match.slot})
    if match.slot == bracket_rules.FINAL:
        third = next((m for m in matches if m.slot == bracket_rules.THIRD), None)
        if third is not None and not third.is_done:
            raise RuleViolation("R13", _("The third-place match is played before the final."))
    match.called_at = timezone.now()
    match.save(update_fields=["called_at"])
    audit(actor=actor, action="match_called", obj=match, season=season, to_state=match.ring)
    events.emit(events.MATCH_CALLED, actor=actor, season=season, match=match, data={"ring": match.ring})
    bump(season)
    return match


def _locked_match(match: Match, doing: str) -> tuple[Season, list[Match], Match]:
    """The season locked in a running phase, its matches, and ``match`` among them."""
    season = _locked(match.season, doing)
    matches = _season_matches(season)
    current = next((m for m in matches if m.pk == match.pk), None)
    if current is None:
        raise RuleViolation(None, _("This match is not in the season."))
    return season, matches, current


def match_call(*, match: Match, actor) -> Match:
    """Call ``match`` to its ring (organizer or head referee): it becomes the ring's "now"."""
    _require_caller(actor)
    with transaction.atomic():
        season, matches, current = _locked_match(match, _("Calling a match"))
        return _call(season, current, matches, actor)


def ring_call_next(*, season: Season, ring: str, actor) -> Match:
    """Call the match on deck of ``ring``: the first one not over, in planned order."""
    _require_caller(actor)
    with transaction.atomic():
        season = _locked(season, _("Calling a match"))
        if ring not in season.ring_list:
            raise RuleViolation("R7", _("%(ring)s is not a ring of this season.") % {"ring": ring})
        matches = _season_matches(season)
        waiting = sorted((m for m in matches if m.ring == ring and not m.is_done
                          and m.scheduled_at is not None), key=lambda m: (m.planned_at, m.slot))
        now = next((m for m in waiting if _is_now(m)), None)
        if now is not None:
            raise RuleViolation("R7", _("%(slot)s is still on %(ring)s: call the next match when "
                                        "it is over.") % {"slot": now.slot, "ring": ring})
        if not waiting:
            raise RuleViolation(None, _("No match is left on %(ring)s.") % {"ring": ring})
        return _call(season, waiting[0], matches, actor)


# --- Delays and moves: the plan re-checked ------------------------------------------------------

@dataclass(frozen=True)
class _Planned:
    match: Match
    ring: str
    at: dt.datetime


def _check_plan(season: Season, matches: list[Match], changed: dict[int, tuple[str, dt.datetime]]
                ) -> None:
    """Refuse, naming the rule, a plan (the season's matches with ``changed`` applied) that breaks
    R11 for a team of a changed match, R13, R14 or one match at a time on a ring."""
    length = dt.timedelta(minutes=match_minutes(season))
    slot = dt.timedelta(minutes=season.slot_minutes)
    plan = {m.pk: _Planned(m, *changed.get(m.pk, (m.ring, m.planned_at))) for m in matches
            if m.scheduled_at is not None}
    moved = [plan[pk] for pk in changed]

    # One match at a time on a ring (R7: a match has a ring and a time).
    for p in moved:
        for other in plan.values():
            if other.match.pk == p.match.pk or other.ring != p.ring or other.match.is_done:
                continue
            if abs(other.at - p.at) < length:
                raise RuleViolation("R7", _("%(slot)s would clash with %(other)s on %(ring)s at "
                                            "%(time)s.") % {
                    "slot": p.match.slot, "other": other.match.slot, "ring": p.ring,
                    "time": _local(season, other.at)})

    # R11: the teams of the changed matches, across all their fights: the minimum rest always,
    # once a day in the group stage.
    teams = {pk for p in moved for pk in (p.match.red_id, p.match.blue_id) if pk}
    fights, group_fights = [], []
    for p in plan.values():
        for entry, entry_id in ((p.match.red, p.match.red_id), (p.match.blue, p.match.blue_id)):
            if entry_id in teams:
                fight = (entry.team.name_en, p.at, p.at + slot)
                fights.append(fight)
                if p.match.stage == Match.Stage.GROUP:
                    group_fights.append(fight)
    problems = schedule_violations(group_fights, tz=season.tz, min_rest=dt.timedelta(0))
    problems += schedule_violations(fights, tz=season.tz, once_a_day=False,
                                    min_rest=dt.timedelta(minutes=season.min_rest_minutes))
    if problems:
        raise RuleViolation("R11", problems[0].removeprefix("R11: "))

    # R13: the third-place match, then the final.
    by_slot = {p.match.slot: p for p in plan.values()}
    third, final = by_slot.get(bracket_rules.THIRD), by_slot.get(bracket_rules.FINAL)
    if third and final and not third_place_before_final(
            third_start=third.at, final_start=final.at, match_minutes=match_minutes(season)):
        raise RuleViolation("R13", _("The final must start after the third-place match ends "
                                     "(%(time)s at the earliest).")
                            % {"time": _local(season, third.at + length)})

    # R14: a knockout match starts after the matches that feed it end.
    for p in plan.values():
        for target_id in (p.match.winner_to_id, p.match.loser_to_id):
            target = plan.get(target_id)
            if target and (p.match.pk in changed or target_id in changed) \
                    and target.at < p.at + length and not target.match.is_done:
                raise RuleViolation("R14", _("%(target)s must start after %(source)s ends "
                                             "(%(time)s at the earliest).") % {
                    "target": target.match.slot, "source": p.match.slot,
                    "time": _local(season, p.at + length)})


def _local(season: Season, moment: dt.datetime) -> str:
    return moment.astimezone(season.tz).strftime("%Y-%m-%d %H:%M")


def _require_movable(match: Match) -> None:
    if match.status != Match.Status.SCHEDULED or match.called_at is not None:
        raise RuleViolation("R7", _("%(slot)s is called, under way or over: its time and ring "
                                    "stay as they are.") % {"slot": match.slot})


def ring_delay(*, season: Season, ring: str, minutes: int, from_match: Match | None = None,
               reason: str = "", actor) -> list[Match]:
    """Delay ``ring`` by ``minutes`` from ``from_match`` on (default: the first match of the
    ring not called yet): that match and every later one of the same day on the ring, not
    called yet, start later. The next match day keeps its times. The scheduled times stay as
    published; the delay adds to them (``planned_at``)."""
    require_organizer(actor)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise RuleViolation(None, _("A delay is a whole number of minutes."))
    if minutes < 1:
        raise RuleViolation(None, _("A delay is at least one minute; to bring a match forward, "
                                    "move it."))
    if minutes > MAX_DELAY_STEP_MINUTES:
        raise RuleViolation(None, _("A delay is at most %(n)d minutes; to play on another day, "
                                    "move the match.") % {"n": MAX_DELAY_STEP_MINUTES})
    with transaction.atomic():
        season = _locked(season, _("Delaying a ring"))
        if ring not in season.ring_list:
            raise RuleViolation("R7", _("%(ring)s is not a ring of this season.") % {"ring": ring})
        matches = _season_matches(season)
        on_ring = sorted((m for m in matches if m.ring == ring and m.scheduled_at is not None),
                         key=lambda m: (m.planned_at, m.slot))
        movable = [m for m in on_ring if m.status == Match.Status.SCHEDULED and m.called_at is None]
        if from_match is not None:
            first = next((m for m in on_ring if m.pk == from_match.pk), None)
            if first is None:
                raise RuleViolation("R7", _("%(slot)s is not on %(ring)s.")
                                    % {"slot": from_match.slot, "ring": ring})
            _require_movable(first)
            movable = [m for m in movable if (m.planned_at, m.slot) >= (first.planned_at, first.slot)]
        if not movable:
            raise RuleViolation(None, _("No match left to delay on %(ring)s.") % {"ring": ring})
        # The rest of that day on the ring: the next match day starts on its own time again.
        day = movable[0].planned_at.astimezone(season.tz).date()
        movable = [m for m in movable if m.planned_at.astimezone(season.tz).date() == day]
        too_late = [m.slot for m in movable if m.delay_minutes + minutes > MAX_DELAY_MINUTES]
        if too_late:
            raise RuleViolation(None, _("%(slots)s would be delayed by more than a day in all: "
                                        "move them instead.") % {"slots": ", ".join(too_late)})
        step = dt.timedelta(minutes=minutes)
        _check_plan(season, matches, {m.pk: (m.ring, m.planned_at + step) for m in movable})
        for m in movable:
            m.delay_minutes += minutes
            m.save(update_fields=["delay_minutes"])
        change = audit(actor=actor, action="ring_delayed", obj=movable[0], season=season,
                       reason=reason, to_state=f"+{minutes} min",
                       data={"ring": ring, "minutes": minutes, "slots": [m.slot for m in movable]})
        events.emit(events.SCHEDULE_CHANGED, actor=actor, season=season, data={
            "reason": "delay", "ring": ring, "minutes": minutes, "why": reason,
            "slots": [m.slot for m in movable], "matches": [m.pk for m in movable],
            "change": change.pk})
        bump(season)
        return movable


def match_move(*, match: Match, to: dt.datetime, ring: str | None = None, reason: str = "",
               actor) -> Match:
    """Move one match to another time (and ring): its new scheduled time, with no delay."""
    require_organizer(actor)
    if not isinstance(to, dt.datetime) or timezone.is_naive(to):
        raise RuleViolation(None, _("Give the new time with its time zone."))
    now = timezone.now()
    if to < now:
        raise RuleViolation(None, _("A match cannot be moved into the past."))
    if to > now + MAX_MOVE_AHEAD:
        raise RuleViolation(None, _("A match is moved at most a year ahead."))
    with transaction.atomic():
        season, matches, current = _locked_match(match, _("Moving a match"))
        _require_movable(current)
        ring = ring or current.ring
        if ring not in season.ring_list:
            raise RuleViolation("R7", _("%(ring)s is not a ring of this season.") % {"ring": ring})
        _check_plan(season, matches, {current.pk: (ring, to)})
        before = f"{current.ring} {_local(season, current.planned_at)}" if current.scheduled_at else ""
        current.scheduled_at, current.delay_minutes, current.ring = to, 0, ring
        current.save(update_fields=["scheduled_at", "delay_minutes", "ring"])
        change = audit(actor=actor, action="match_moved", obj=current, season=season,
                       reason=reason, from_state=before, to_state=f"{ring} {_local(season, to)}")
        events.emit(events.SCHEDULE_CHANGED, actor=actor, season=season, data={
            "reason": "move", "ring": ring, "why": reason, "slots": [current.slot],
            "matches": [current.pk], "change": change.pk})
        bump(season)
        return current
