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
