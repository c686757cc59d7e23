"""The match clock (R17) and the idempotency keys of referee posts.

Clock events are appended, never edited: the state every device shows (round time left, the
countdowns, what an expired countdown proposes) is folded from them by league.rules.clock.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import choices_check
from .match import Corner, Match
from .season import Season


class ClockSettings(models.Model):
    """A season's countdown lengths in seconds (R17); a season without a row uses DEFAULTS."""

    DEFAULTS = {"timeout_seconds": 60, "reset_seconds": 60, "repair_seconds": 300,
                "recovery_seconds": 10}
    # What a referee can sensibly be asked to wait (refused beyond with a sentence).
    LIMITS = {"timeout_seconds": (10, 600), "reset_seconds": (10, 600),
              "repair_seconds": (30, 1800), "recovery_seconds": (3, 60)}

    season = models.OneToOneField(Season, on_delete=models.CASCADE, related_name="clock_settings",
                                  verbose_name=_("season"))
    timeout_seconds = models.PositiveSmallIntegerField(_("tactical timeout (seconds)"), default=60)
    reset_seconds = models.PositiveSmallIntegerField(_("manual reset (seconds)"), default=60)
    repair_seconds = models.PositiveSmallIntegerField(_("emergency repair (seconds)"), default=300)
    recovery_seconds = models.PositiveSmallIntegerField(_("self-recovery count (seconds)"),
                                                        default=10)

    class Meta:
        verbose_name = _("clock settings")
        verbose_name_plural = _("clock settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(timeout_seconds__gte=10, timeout_seconds__lte=600,
                            reset_seconds__gte=10, reset_seconds__lte=600,
                            repair_seconds__gte=30, repair_seconds__lte=1800,
                            recovery_seconds__gte=3, recovery_seconds__lte=60),
                name="clock_settings_sane",
                violation_error_message=_("R17: a countdown length is out of range.")),
        ]

    def __str__(self) -> str:
        return f"{self.season}: clock"


class ClockEventKind(models.TextChoices):
    START = "start", _("Round clock started")
    PAUSE = "pause", _("Round clock stopped")
    RESUME = "resume", _("Round clock resumed")
    COUNTDOWN = "countdown", _("Countdown started")
    END = "end", _("Countdown ended")


class CountdownKind(models.TextChoices):
    TIMEOUT = "timeout", _("Tactical timeout")
    RESET = "reset", _("Manual reset")
    REPAIR = "repair", _("Emergency repair")
    RECOVERY = "recovery", _("Self-recovery count")


class ClockEvent(models.Model):
    """One tap on a match's clock, with the server's time (R17)."""

    Kind = ClockEventKind
    Countdown = CountdownKind

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="clock_events",
                              verbose_name=_("match"))
    seq = models.PositiveIntegerField(_("sequence"))
    round_number = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    countdown = models.CharField(_("countdown"), max_length=10, choices=Countdown.choices,
                                 blank=True)
    corner = models.CharField(_("corner"), max_length=4, choices=Corner.choices, blank=True)
    length_ms = models.PositiveIntegerField(_("length (ms)"), default=0)
    ref = models.PositiveIntegerField(_("ends countdown"), null=True, blank=True)
    allowance = models.ForeignKey("league.AllowanceUse", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("allowance used"))
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))

    class Meta:
        ordering = ["match", "seq"]
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")
        constraints = [
            models.UniqueConstraint(fields=["match", "seq"], name="clock_event_seq_unique"),
            choices_check("kind", ClockEventKind, "clock_event_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="countdown") | (Q(countdown__in=["timeout", "reset", "repair",
                                                                   "recovery"])
                                                  & Q(length_ms__gt=0, length_ms__lte=3_600_000)),
                name="clock_countdown_has_kind_and_length"),
            models.CheckConstraint(condition=~Q(kind="end") | Q(ref__isnull=False),
                                   name="clock_end_names_its_countdown"),
        ]

    def __str__(self) -> str:
        return f"{self.match_id}#{self.seq} {self.kind}"


class IdempotentPost(models.Model):
    """The answer to a referee post, kept under the key its form carried: a retry (a lost
    response, a double tap, another server) is answered from here and applied once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=64)
    path = models.CharField(_("path"), max_length=200)
    notice = models.CharField(_("answer"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("applied post")
        verbose_name_plural = _("applied posts")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_post_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
