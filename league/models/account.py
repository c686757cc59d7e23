"""Team accounts: the people who manage a team on the teams' site (/my-team/).

A team account is an ordinary user who is never staff and holds no staff role; what it may see and
change follows from its TeamManager rows. One manager per team, who invites co-managers.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import choices_check
from .team import Team


class ManagerRole(models.TextChoices):
    MANAGER = "manager", _("Team manager")
    CO_MANAGER = "co_manager", _("Co-manager")


class TeamManager(models.Model):
    """A user who manages a team (its applications, roster, robots and protests)."""

    Role = ManagerRole

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="team_roles", verbose_name=_("user"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="managers",
                             verbose_name=_("team"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["team", "role", "created_at"]
        verbose_name = _("team manager")
        verbose_name_plural = _("team managers")
        constraints = [
            choices_check("role", ManagerRole, "team_manager_role_valid"),
            models.UniqueConstraint(fields=["user", "team"], name="team_manager_once_per_team",
                                    violation_error_message=_("This person already manages the team.")),
            models.UniqueConstraint(fields=["team"], condition=models.Q(role="manager"),
                                    name="team_one_manager",
                                    violation_error_message=_("A team has one manager; invite co-managers.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.team})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class TeamInvitation(models.Model):
    """The manager invites a co-manager by e-mail; the link carries a signed, expiring token
    (league.services.teamsite) and is accepted by an account whose verified address it names."""

    Status = InvitationStatus

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations",
                             verbose_name=_("team"))
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="team_invitations_sent", verbose_name=_("invited by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="team_invitations_accepted",
                                    verbose_name=_("accepted by"))

    class Meta:
        ordering = ["team", "-created_at"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            choices_check("status", InvitationStatus, "team_invitation_status_valid"),
            models.UniqueConstraint(fields=["team", "email"], condition=models.Q(status="pending"),
                                    name="team_invitation_one_pending",
                                    violation_error_message=_("This address is already invited.")),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.team}"


class CalendarFeed(models.Model):
    """A team's private iCalendar subscription: whoever holds the secret URL reads the team's
    fights. Revoked by deleting the row; regenerated with a new token."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="calendar_feed",
                                verbose_name=_("team"))
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return f"{self.team} calendar"
