"""Failure reports, the panel's four-eyes decision and the one replacement (R4, R5)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..errors import NotAllowed, RuleViolation
from ..models import Entry, FailureReport, Match, Replacement, Robot, Season
from .common import audit, bump, is_system, require_actor, require_head_referee
from .preconditions import no_robot_left


def failure_report_file(*, entry: Entry, robot: Robot, description: str, irreversible: bool,
                        match: Match | None = None, actor) -> FailureReport:
    """A referee reports a robot failure; it goes to the panel's queue (R4)."""
    require_actor(actor)
    if not is_system(actor) and not roles.is_referee(actor):
        raise NotAllowed("R4", _("Only a referee files a failure report."))
    with transaction.atomic():
        robot = Robot.objects.select_for_update().select_related("entry__season").get(pk=robot.pk)
        if robot.entry_id != entry.pk:
            raise RuleViolation("R4", _("%(robot)s is not a robot of %(team)s.") % {
                "robot": robot, "team": entry.team})
        if robot.entry.season.phase not in (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT):
            raise RuleViolation("R4", _("Failures are reported during the main event."))
        if robot.status == Robot.Status.FAILED:
            raise RuleViolation("R5", _("%(robot)s has already failed.") % {"robot": robot})
        if match is not None:
            if match.corner_of(entry.pk) is None:
                raise RuleViolation("R4", _("%(team)s does not fight in %(slot)s.") % {
                    "team": entry.team, "slot": match.slot})
            if not match.referees.filter(pk=actor.pk).exists():
                raise NotAllowed("R7", _("Only a referee assigned to this match may report from it."))
        description = description.strip()
        if not description:
            raise RuleViolation("R4", _("Describe the failure."))
        report = FailureReport.objects.create(
            entry=entry, robot=robot, match=match, description=description[:2000],
            irreversible=bool(irreversible), filed_by=actor)
        audit(actor=actor, action="failure_reported", obj=report, season=robot.entry.season,
              to_state=report.status, data={"irreversible": report.irreversible,
                                            "robot": robot.serial})
        bump(robot.season_id)
        return report


def failure_report_decide(*, report: FailureReport, approve: bool, note: str = "",
                          actor) -> FailureReport:
    """The panel decides (four eyes: never the referee who filed it). An approved irreversible
    failure of the primary retires it and records the replacement by the backup (R4, R5)."""
    require_head_referee(actor)
    with transaction.atomic():
        report = (FailureReport.objects.select_for_update()
                  .select_related("entry__season", "entry__team", "robot").get(pk=report.pk))
        if report.status != FailureReport.Status.PENDING:
            raise RuleViolation("R4", _("This report is already %(status)s.") % {
                "status": report.get_status_display()})
        if report.filed_by_id == actor.pk:
            raise RuleViolation("R4", _("Four eyes: the referee who filed a report cannot decide it."))
        report.status = FailureReport.Status.APPROVED if approve else FailureReport.Status.REJECTED
        report.decided_by = actor
        report.decided_at = timezone.now()
        report.decision_note = note.strip()[:500]
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit(actor=actor, action="failure_decided", obj=report, season=report.entry.season,
              from_state=FailureReport.Status.PENDING, to_state=report.status, reason=note)
        if approve and report.irreversible:
            robot = report.robot
            robot.status = Robot.Status.FAILED
            robot.save(update_fields=["status"])
            audit(actor=actor, action="robot_failed", obj=robot, season=report.entry.season,
                  from_state=Robot.Status.READY, to_state=Robot.Status.FAILED)
            if robot.role == Robot.Role.PRIMARY and not Replacement.objects.filter(
                    entry=report.entry).exists():
                robot_replace(entry=report.entry, report=report, actor=actor)
            if no_robot_left(report.entry.robots.all()):
                # The organizer's notice (dashboard, audit trail): the team can only forfeit.
                audit(actor=actor, action="no_robot_left", obj=report.entry, season=report.entry.season,
                      from_state=Robot.Status.READY, to_state=Robot.Status.FAILED)
        bump(report.entry.season_id)
        return report


def robot_replace(*, entry: Entry, report: FailureReport, actor) -> Replacement:
    """The backup replaces the primary: once, after an approved irreversible failure (R4).
    It takes effect from the team's next check-in (R5)."""
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("team").get(pk=entry.pk)
        report = FailureReport.objects.select_related("robot").get(pk=report.pk)
        if Replacement.objects.filter(entry=entry).exists():
            raise RuleViolation("R4", _("%(team)s has already replaced its primary robot once.") % {
                "team": entry.team})
        if report.entry_id != entry.pk:
            raise RuleViolation("R4", _("The failure report is about another team."))
        if report.status != FailureReport.Status.APPROVED or not report.irreversible:
            raise RuleViolation("R4", _("A replacement needs an irreversible failure that the "
                                        "referee panel approved."))
        if report.robot.role != Robot.Role.PRIMARY:
            raise RuleViolation("R4", _("Only the primary robot is replaced by the backup."))
        backup = entry.robots.filter(role=Robot.Role.BACKUP).first()
        if backup is None or backup.status != Robot.Status.READY:
            raise RuleViolation("R4", _("%(team)s has no ready backup robot.") % {"team": entry.team})
        replacement = Replacement.objects.create(entry=entry, failure_report=report,
                                                 old_robot=report.robot, new_robot=backup,
                                                 recorded_by=actor)
        audit(actor=actor, action="robot_replaced", obj=replacement, season=entry.season,
              from_state=report.robot.serial, to_state=backup.serial)
        bump(entry.season_id)
        return replacement
