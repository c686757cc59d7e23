"""Applications, auditions, qualification, rosters and robot registration (R1, R2, R3)."""
from __future__ import annotations

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from .. import events, uploads
from ..errors import RuleViolation
from ..models import Entry, Robot, Season, Team, TeamMember
from .common import (
    audit,
    bump,
    lock_season,
    require_organizer,
    require_phase,
    require_team_hand,
    save_checked,
)

FIELD_SIZE = 16  # R1


def _lock_entry(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().select_related("season", "team").get(pk=entry.pk)


def _move(entry: Entry, status: str, *, actor, reason: str, rule: str | None) -> Entry:
    if not entry.can_move_to(status):
        raise RuleViolation(rule, _("An entry that is %(now)s cannot become %(new)s.") % {
            "now": entry.get_status_display(), "new": Entry.Status(status).label})
    before = entry.status
    entry.status = status
    entry.status_reason = reason
    save_checked(entry)
    audit(actor=actor, action=f"entry_{status}", obj=entry, from_state=before, to_state=status,
          reason=reason)
    bump(entry.season_id)
    return entry


def entry_apply(*, season: Season, team: Team, actor) -> Entry:
    """A team applies to a season (R2: once per season, legally registered organizations only)."""
    require_team_hand(actor, team)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.REGISTRATION, rule="R2", doing=_("Applying"))
        if not team.registration_number.strip():
            raise RuleViolation("R2", _("Only legally registered organizations enter: %(team)s has "
                                        "no registration number.") % {"team": team})
        if Entry.objects.filter(season=season, team=team).exists():
            raise RuleViolation("R2", _("%(team)s has already entered this season.") % {"team": team})
        entry = Entry(season=season, team=team)
        save_checked(entry)
        audit(actor=actor, action="entry_applied", obj=entry, to_state=entry.status)
        events.emit(events.ENTRY_APPLIED, actor=actor, season=season, data={"entry": entry.pk})
        bump(season)
        return entry


def entry_audition(*, entry: Entry, passed: bool, reason: str = "", actor) -> Entry:
    """Record an audition: passed or rejected (rejection needs a reason)."""
    require_organizer(actor)
    with transaction.atomic():
        entry = _lock_entry(entry)
        require_phase(entry.season, Season.Phase.AUDITIONS, doing=_("Recording an audition"))
        if not passed and not reason.strip():
            raise RuleViolation(None, _("Give the reason for rejecting %(team)s.") % {"team": entry.team})
        status = Entry.Status.AUDITION_PASSED if passed else Entry.Status.AUDITION_REJECTED
        entry = _move(entry, status, actor=actor, reason=reason, rule=None)
        events.emit(events.ENTRY_AUDITIONED, actor=actor, season=entry.season, data={"entry": entry.pk})
        return entry


def entry_qualify(*, entry: Entry, actor) -> Entry:
    """Qualify a team for the main event (R1: at most 16; R2: a roster of 3-10)."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(entry.season)  # serializes qualifications of one season
        entry = _lock_entry(entry)
        require_phase(season, Season.Phase.AUDITIONS, rule="R1", doing=_("Qualifying a team"))
        if entry.status != Entry.Status.AUDITION_PASSED:
            raise RuleViolation("R1", _("Only a team that passed its audition can qualify; %(team)s "
                                        "is %(status)s.") % {"team": entry.team,
                                                             "status": entry.get_status_display()})
        qualified = season.entries.filter(status=Entry.Status.QUALIFIED).count()
        if qualified >= FIELD_SIZE:
            raise RuleViolation("R1", _("Exactly %(n)d teams enter the main event and %(n)d are "
                                        "already qualified.") % {"n": FIELD_SIZE})
        _check_roster_size(entry)
        entry = _move(entry, Entry.Status.QUALIFIED, actor=actor, reason="", rule="R1")
        events.emit(events.ENTRY_QUALIFIED, actor=actor, season=season, data={"entry": entry.pk})
        return entry


def entry_withdraw(*, entry: Entry, reason: str, actor) -> Entry:
    """Withdraw before the draw; after it a team that stops forfeits its matches (R1)."""
    require_team_hand(actor, entry.team_id)
    with transaction.atomic():
        season = lock_season(entry.season)
        entry = _lock_entry(entry)
        if season.draw_has_run():
            raise RuleViolation("R1", _("The draw has run: the 16 are fixed. A team that stops now "
                                        "forfeits its matches."))
        if not reason.strip():
            raise RuleViolation(None, _("Give the reason for the withdrawal."))
        return _move(entry, Entry.Status.WITHDRAWN, actor=actor, reason=reason, rule=None)


def _check_roster_size(entry: Entry) -> None:
    from .preconditions import refuse_if, roster_blocker

    refuse_if([b for b in [roster_blocker(entry, entry.members.count())] if b])


def _require_roster_open(entry: Entry) -> None:
    if not entry.roster_open():
        raise RuleViolation("R2", _("The roster is locked for the main event."))


def member_add(*, entry: Entry, name: str, role: str, actor) -> TeamMember:
    """Add a member to a team's roster in a season (R2: at most 10, locked for the main event)."""
    require_team_hand(actor, entry.team_id)
    with transaction.atomic():
        entry = _lock_entry(entry)
        _require_roster_open(entry)
        if entry.members.count() >= TeamMember.MAX_ROSTER:
            raise RuleViolation("R2", _("A team has at most %(n)d members.") % {"n": TeamMember.MAX_ROSTER})
        member = TeamMember(entry=entry, name=name.strip(), role=role)
        save_checked(member)
        audit(actor=actor, action="member_added", obj=member, season=entry.season, to_state=role)
        bump(entry.season_id)
        return member


def member_remove(*, member: TeamMember, actor) -> None:
    require_team_hand(actor, member.entry.team_id)
    with transaction.atomic():
        entry = _lock_entry(member.entry)
        _require_roster_open(entry)
        if entry.status == Entry.Status.QUALIFIED and entry.members.count() <= TeamMember.MIN_ROSTER:
            raise RuleViolation("R2", _("A qualified team keeps at least %(n)d members.") % {
                "n": TeamMember.MIN_ROSTER})
        audit(actor=actor, action="member_removed", obj=member, season=entry.season,
              from_state=member.role)
        member.delete()
        bump(entry.season_id)


def robot_register(*, entry: Entry, role: str, serial: str, name: str,
                   model: str = Robot.DEFAULT_MODEL, firmware_version: str = "",
                   photo: File | None = None, actor) -> Robot:
    """Register the primary or the backup robot before the draw (R3), with its firmware version
    and a photo (checked by content, league.uploads) when the team gives them."""
    require_team_hand(actor, entry.team_id)
    photo = uploads.checked_photo(photo) if photo else None
    with uploads.stored(photo, "robots/") as photo_name, transaction.atomic():
        season = lock_season(entry.season)
        entry = _lock_entry(entry)
        if season.draw_has_run():
            raise RuleViolation("R3", _("Robots are registered before the draw."))
        if not entry.in_running():
            raise RuleViolation("R3", _("%(team)s is %(status)s and registers no robots.") % {
                "team": entry.team, "status": entry.get_status_display()})
        if role not in Robot.Role.values:
            raise RuleViolation("R3", _("A robot is the primary or the backup."))
        if entry.robots.filter(role=role).exists():
            raise RuleViolation("R3", _("%(team)s already has a %(role)s robot.") % {
                "team": entry.team, "role": Robot.Role(role).label.lower()})
        serial = serial.strip()
        clash = Robot.objects.filter(season=season, serial=serial).select_related("entry__team").first()
        if clash:
            raise RuleViolation("R3", _("Serial %(serial)s is already registered to %(team)s.") % {
                "serial": serial, "team": clash.entry.team})
        robot = Robot(season=season, entry=entry, role=role, serial=serial, name=name.strip(),
                      model=(model or Robot.DEFAULT_MODEL).strip(),
                      firmware_version=firmware_version.strip(), photo=photo_name or "")
        save_checked(robot)
        audit(actor=actor, action="robot_registered", obj=robot, season=season, to_state=role)
        bump(season)
        return robot


def robot_remove(*, robot: Robot, actor) -> None:
    """Remove a robot registered by mistake (a mistyped serial), before the draw only (R3)."""
    require_team_hand(actor, robot.entry.team_id)
    with transaction.atomic():
        season = lock_season(robot.entry.season)
        robot = Robot.objects.select_for_update().select_related("entry__team").get(pk=robot.pk)
        if season.draw_has_run():
            raise RuleViolation("R3", _("After the draw a team's robots are fixed; a broken robot "
                                        "goes through a failure report."))
        audit(actor=actor, action="robot_removed", obj=robot, season=season, from_state=robot.role,
              data={"serial": robot.serial})
        photo = robot.photo.name
        robot.delete()
        bump(season)
        if photo:
            uploads.delete_on_commit(photo)
