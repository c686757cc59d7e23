"""Robot failure reports, the panel's decision and the one replacement per team (R4, R5)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import choices_check
from .match import Match
from .team import Entry, Robot


class FailureStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class FailureReport(models.Model):
    Status = FailureStatus

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="failure_reports",
                              verbose_name=_("entry"))
    robot = models.ForeignKey(Robot, on_delete=models.CASCADE, related_name="failure_reports",
                              verbose_name=_("robot"))
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="failure_reports", verbose_name=_("match"))
    description = models.TextField(_("description"), max_length=2000)
    irreversible = models.BooleanField(_("irreversible"), default=False)
    status = models.CharField(_("decision"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="failure_reports_filed", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="failure_reports_decided",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("failure report")
        verbose_name_plural = _("failure reports")
        constraints = [
            choices_check("status", FailureStatus, "failure_status_valid"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("filed_by")),
                name="failure_four_eyes",
                violation_error_message=_("R4: the referee who filed a report cannot decide it.")),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_by__isnull=True))
                | (~Q(status="pending") & Q(decided_by__isnull=False)),
                name="failure_decided_has_decider"),
        ]

    def __str__(self) -> str:
        return f"{self.robot} – {self.get_status_display()}"


class Replacement(models.Model):
    """The primary replaced by the backup: once per entry, after an approved failure (R4)."""

    entry = models.OneToOneField(
        Entry, on_delete=models.CASCADE, related_name="replacement",
        error_messages={"unique": _("R4: a team's primary may be replaced only once.")},
        verbose_name=_("entry"))
    failure_report = models.OneToOneField(FailureReport, on_delete=models.RESTRICT,
                                          related_name="replacement",
                                          verbose_name=_("failure report"))
    old_robot = models.ForeignKey(Robot, on_delete=models.RESTRICT, related_name="+",
                                  verbose_name=_("replaced robot"))
    new_robot = models.ForeignKey(Robot, on_delete=models.RESTRICT, related_name="+",
                                  verbose_name=_("replacement robot"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("replacement")
        verbose_name_plural = _("replacements")
        constraints = [
            models.CheckConstraint(condition=~Q(old_robot=F("new_robot")),
                                   name="replacement_changes_robot"),
        ]

    def __str__(self) -> str:
        return f"{self.old_robot} -> {self.new_robot}"
