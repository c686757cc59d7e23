"""The audit trail: every state change, who, when, what, from, to, why."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .season import Season

# What each AuditEvent.action code means, for people; the code itself stays what is stored and
# filtered on. A code missing here is shown as it is.
ACTION_LABELS = {
    "season_created": _("Season created"),
    "season_settings_changed": _("Season settings changed"),
    "season_phase": _("Season phase changed"),
    "season_imported": _("Season imported"),
    "reward_set": _("Reward set"),
    "team_created": _("Team created"),
    "team_changed": _("Team changed"),
    "entry_applied": _("Entry applied"),
    "entry_audition_passed": _("Audition passed"),
    "entry_audition_rejected": _("Audition rejected"),
    "entry_qualified": _("Qualified"),
    "entry_withdrawn": _("Withdrawn"),
    "member_added": _("Team member added"),
    "member_removed": _("Team member removed"),
    "robot_registered": _("Robot registered"),
    "robot_removed": _("Robot removed"),
    "robot_failed": _("Robot marked failed"),
    "robot_replaced": _("Robot replaced"),
    "no_robot_left": _("No robot left: forfeit only"),
    "pots_seeded": _("Seeds and pots set"),
    "audition_scored": _("Audition score recorded"),
    "draw_run": _("Group draw held"),
    "lots_drawn": _("Lots drawn"),
    "referees_assigned": _("Referees assigned"),
    "fixtures_placed": _("Fixtures placed (import)"),
    "match_checked_in": _("Match checked in"),
    "match_started": _("Match started"),
    "round_recorded": _("Round recorded"),
    "allowance_used": _("Allowance used"),
    "match_finished": _("Match finished"),
    "match_signed_off": _("Result signed off"),
    "result_corrected": _("Result corrected"),
    "bracket_advanced": _("Bracket advanced"),
    "failure_reported": _("Failure reported"),
    "failure_decided": _("Failure report decided"),
    "clock_start": _("Round clock started"),
    "clock_pause": _("Round clock stopped"),
    "clock_resume": _("Round clock resumed"),
    "clock_countdown": _("Countdown started"),
    "clock_end": _("Countdown ended"),
    "clock_settings_changed": _("Clock settings changed"),
    "entry_undone": _("Entry undone"),
    "bracket_reverted": _("Bracket advance reverted"),
    "team_manager_added": _("Team manager added"),
    "team_manager_removed": _("Team manager removed"),
    "team_invitation_sent": _("Team invitation sent"),
    "team_invitation_revoked": _("Team invitation revoked"),
    "roster_set": _("Roster saved by the team"),
    "entry_proof_set": _("Proof of registration uploaded"),
    "calendar_feed_renewed": _("Calendar subscription link renewed"),
    "calendar_feed_revoked": _("Calendar subscription link revoked"),
    "staff_created": _("Staff account created"),
    "staff_changed": _("Staff account or roles changed"),
    "staff_password_set": _("Staff password set"),
    "staff_deleted": _("Staff account deleted"),
    "match_called": _("Match called to its ring"),
    "ring_delayed": _("Ring delayed"),
    "match_moved": _("Match moved"),
    "protest_filed": _("Protest filed"),
    "protest_ruled": _("Protest ruled"),
    "webhook_registered": _("Webhook endpoint registered"),
    "webhook_changed": _("Webhook endpoint changed"),
    "webhook_secret_rotated": _("Webhook secret renewed"),
    "webhook_redelivered": _("Webhook delivery sent again"),
}


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="audit_events", verbose_name=_("who"))
    season = models.ForeignKey(Season, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="audit_events", verbose_name=_("season"))
    action = models.CharField(_("what"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True)
    object_repr = models.CharField(_("object"), max_length=200)
    from_state = models.CharField(_("from"), max_length=64, blank=True)
    to_state = models.CharField(_("to"), max_length=64, blank=True)
    reason = models.CharField(_("why"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language (the stored code if it has no label)."""
        return str(ACTION_LABELS.get(self.action, self.action))
