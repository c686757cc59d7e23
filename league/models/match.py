"""Matches, their rounds and the per-corner allowances used (R6-R9, R13, R14)."""
from __future__ import annotations

import datetime as dt
import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import choices_check
from .season import Group, Season
from .team import Entry, Robot


class Corner(models.TextChoices):
    RED = "red", _("Red")
    BLUE = "blue", _("Blue")

    @classmethod
    def other(cls, corner: str) -> str:
        return cls.BLUE if corner == cls.RED else cls.RED


class Method(models.TextChoices):
    """How a round, or a whole match, was won (R8)."""

    # The context keeps the round method apart from the season phase "Knockout" (淘汰賽 vs 擊倒).
    KNOCKOUT = "ko", pgettext_lazy("round method", "Knockout")
    TECHNICAL_KNOCKOUT = "tko", _("Technical knockout")
    POINTS = "points", _("Points decision")
    OVERTIME = "overtime", _("Overtime")
    FORFEIT = "forfeit", _("Forfeit")
    DISQUALIFICATION = "dq", _("Disqualification")

    @classmethod
    def round_methods(cls) -> list[str]:
        return [cls.KNOCKOUT, cls.TECHNICAL_KNOCKOUT, cls.POINTS, cls.OVERTIME]


class MatchStage(models.TextChoices):
    GROUP = "group", _("Group stage")
    QUARTERFINAL = "quarterfinal", _("Quarterfinal")
    SEMIFINAL = "semifinal", _("Semifinal")
    THIRD_PLACE = "third_place", _("Third-place match")
    FINAL = "final", _("Final")


# A match's announced delays add up to at most a day; beyond that, move it.
MAX_DELAY_MINUTES = 24 * 60


class MatchStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CHECKED_IN = "checked_in", _("Checked in")
    LIVE = "live", _("Live")
    FINISHED = "finished", _("Finished")
    FORFEITED = "forfeited", _("Forfeited")


class Match(models.Model):
    Stage = MatchStage

    Status = MatchStatus

    # R7: scheduled -> checked in -> live -> finished (or forfeited). Check-in may be redone
    # until the start (R5). The services move a match only along these arrows (can_move_to).
    TRANSITIONS = {
        Status.SCHEDULED: {Status.CHECKED_IN, Status.FORFEITED},
        Status.CHECKED_IN: {Status.CHECKED_IN, Status.LIVE, Status.FORFEITED},
        Status.LIVE: {Status.FINISHED, Status.FORFEITED},
        Status.FINISHED: set(),
        Status.FORFEITED: set(),
    }
    DONE = (Status.FINISHED, Status.FORFEITED)

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="matches",
                               verbose_name=_("season"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="matches", verbose_name=_("group"))
    slot = models.CharField(_("slot"), max_length=8, help_text=_("A1-D6, QF1-QF4, SF1, SF2, 3P, F"))
    day = models.PositiveSmallIntegerField(_("match day"), null=True, blank=True)
    red = models.ForeignKey(Entry, on_delete=models.RESTRICT, null=True, blank=True,
                            related_name="red_matches", verbose_name=_("red corner"))
    blue = models.ForeignKey(Entry, on_delete=models.RESTRICT, null=True, blank=True,
                             related_name="blue_matches", verbose_name=_("blue corner"))
    # The bracket slots this match feeds (R14).
    winner_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="fed_by_winner", verbose_name=_("winner goes to"))
    winner_to_corner = models.CharField(_("winner's corner there"), max_length=4,
                                        choices=Corner.choices, blank=True)
    loser_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="fed_by_loser", verbose_name=_("loser goes to"))
    loser_to_corner = models.CharField(_("loser's corner there"), max_length=4,
                                       choices=Corner.choices, blank=True)
    ring = models.CharField(_("ring"), max_length=40, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    # Ring queue (services/rings.py): the announced delay on top of scheduled_at, and when the
    # organizer or a head referee called the match to its ring.
    delay_minutes = models.PositiveIntegerField(_("delay (minutes)"), default=0)
    called_at = models.DateTimeField(_("called to the ring at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SCHEDULED)
    referees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                      related_name="assigned_matches",
                                      verbose_name=_("assigned referees"))
    red_robot = models.ForeignKey(Robot, on_delete=models.RESTRICT, null=True, blank=True,
                                  related_name="+", verbose_name=_("red robot"))
    blue_robot = models.ForeignKey(Robot, on_delete=models.RESTRICT, null=True, blank=True,
                                   related_name="+", verbose_name=_("blue robot"))
    red_seal = models.CharField(_("red battery seal"), max_length=32, blank=True)
    blue_seal = models.CharField(_("blue battery seal"), max_length=32, blank=True)
    winner = models.ForeignKey(Entry, on_delete=models.RESTRICT, null=True, blank=True,
                               related_name="won_matches", verbose_name=_("winner"))
    red_rounds = models.PositiveSmallIntegerField(_("red rounds won"), default=0)
    blue_rounds = models.PositiveSmallIntegerField(_("blue rounds won"), default=0)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, blank=True)
    result_note = models.CharField(_("result note"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("signed off by"))
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    # Optimistic locking: every change bumps it; a stale form is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["season", "scheduled_at", "slot"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            choices_check("stage", MatchStage, "match_stage_valid"),
            choices_check("status", MatchStatus, "match_status_valid"),
            models.UniqueConstraint(fields=["season", "slot"], name="match_one_per_slot",
                                    violation_error_message=_("This bracket slot is taken.")),
            models.CheckConstraint(condition=Q(red__isnull=True) | Q(blue__isnull=True)
                                   | ~Q(red=F("blue")), name="match_two_different_corners"),
            models.CheckConstraint(
                condition=Q(winner__isnull=True) | Q(winner=F("red")) | Q(winner=F("blue")),
                name="match_winner_in_match",
                violation_error_message=_("R8: the winner must be one of the two corners.")),
            models.CheckConstraint(
                condition=(Q(stage="group") & Q(group__isnull=False))
                | (~Q(stage="group") & Q(group__isnull=True)),
                name="match_group_iff_group_stage"),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "forfeited"])
                | (Q(red_robot__isnull=False) & Q(blue_robot__isnull=False)
                   & ~Q(red_seal="") & ~Q(blue_seal="")),
                name="match_checked_in_has_robots_and_seals",
                violation_error_message=_("R6: a match starts only with both robots and seals "
                                          "checked in.")),
            models.CheckConstraint(condition=~Q(status="finished") | Q(winner__isnull=False),
                                   name="match_finished_has_winner"),
            models.CheckConstraint(condition=Q(red_seal="") | ~Q(red_seal=F("blue_seal")),
                                   name="match_seals_differ"),
            models.CheckConstraint(condition=Q(delay_minutes__lte=MAX_DELAY_MINUTES),
                                   name="match_delay_sane",
                                   violation_error_message=_("A match is delayed by at most a day.")),
        ]
        indexes = [models.Index(fields=["season", "status"])]

    def __str__(self) -> str:
        return f"{self.slot}: {self.red_name} v {self.blue_name}"

    def get_absolute_url(self) -> str:
        return reverse("public:match", kwargs={"slug": self.season.slug, "slot": self.slot})

    @property
    def red_name(self) -> str:
        return self.red.team.name_en if self.red_id else "?"

    @property
    def blue_name(self) -> str:
        return self.blue.team.name_en if self.blue_id else "?"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def planned_at(self):
        """The scheduled time plus the delays announced for it."""
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + dt.timedelta(minutes=self.delay_minutes)

    @property
    def is_knockout(self) -> bool:
        return self.stage != self.Stage.GROUP

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def sends_to(self) -> list[tuple[int, str, int]]:
        """(match id, corner, entry id) of each slot this decided match fills (R14): its
        winner's, and from a semifinal its loser's."""
        return [(target_id, corner, entry_id) for target_id, corner, entry_id in (
            (self.winner_to_id, self.winner_to_corner, self.winner_id),
            (self.loser_to_id, self.loser_to_corner, self.loser_id))
            if target_id is not None and entry_id is not None]

    # The one move backwards: taking back the deciding round before sign-off (services/undo.py)
    # reopens the finished match.
    REOPENINGS = {Status.FINISHED: {Status.LIVE}}

    def can_reopen_to(self, status: str) -> bool:
        return not self.signed_off_at and status in self.REOPENINGS.get(self.Status(self.status), set())

    def entry_of(self, corner: str) -> Entry | None:
        return self.red if corner == Corner.RED else self.blue

    def entry_id_of(self, corner: str) -> int | None:
        return self.red_id if corner == Corner.RED else self.blue_id

    def corner_of(self, entry_id: int) -> str | None:
        if entry_id == self.red_id:
            return Corner.RED
        if entry_id == self.blue_id:
            return Corner.BLUE
        return None

    @property
    def loser_id(self) -> int | None:
        if self.winner_id is None:
            return None
        return self.blue_id if self.winner_id == self.red_id else self.red_id



ROUND_MAX_POINTS = 200
ROUND_MAX_COUNT = 30


class Round(models.Model):
    """One round of a match: per-corner points, knockdowns and fouls; a winner and how (R8)."""

    MAX_POINTS = ROUND_MAX_POINTS
    MAX_COUNT = ROUND_MAX_COUNT

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="rounds",
                              verbose_name=_("match"))
    number = models.PositiveSmallIntegerField(_("round"))
    winner = models.CharField(_("winner"), max_length=4, choices=Corner.choices)
    method = models.CharField(_("method"), max_length=10,
                              choices=[(m, Method(m).label) for m in Method.round_methods()])
    red_points = models.PositiveSmallIntegerField(_("red points"), default=0)
    blue_points = models.PositiveSmallIntegerField(_("blue points"), default=0)
    red_knockdowns = models.PositiveSmallIntegerField(_("red knockdowns"), default=0)
    blue_knockdowns = models.PositiveSmallIntegerField(_("blue knockdowns"), default=0)
    red_fouls = models.PositiveSmallIntegerField(_("red fouls"), default=0)
    blue_fouls = models.PositiveSmallIntegerField(_("blue fouls"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["match", "number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(fields=["match", "number"], name="round_unique_number",
                                    violation_error_message=_("R8: this round is already recorded.")),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=7), name="round_number_range"),
            choices_check("winner", Corner, "round_winner_valid"),
            models.CheckConstraint(condition=Q(method__in=Method.round_methods()),
                                   name="round_method_valid"),
            models.CheckConstraint(
                condition=Q(red_points__lte=ROUND_MAX_POINTS, blue_points__lte=ROUND_MAX_POINTS,
                            red_knockdowns__lte=ROUND_MAX_COUNT, blue_knockdowns__lte=ROUND_MAX_COUNT,
                            red_fouls__lte=ROUND_MAX_COUNT, blue_fouls__lte=ROUND_MAX_COUNT),
                name="round_counts_sane"),
            models.CheckConstraint(
                condition=~Q(method="points")
                | (Q(winner="red") & Q(red_points__gt=F("blue_points")))
                | (Q(winner="blue") & Q(blue_points__gt=F("red_points"))),
                name="round_points_decision_has_more_points",
                violation_error_message=_("R8: a points decision goes to the corner with more "
                                          "points.")),
        ]

    def __str__(self) -> str:
        return f"{self.match.slot} R{self.number}"

    def get(self, corner: str, stat: str) -> int:
        return getattr(self, f"{corner}_{stat}")


# R9 (league), per corner per match: the one place the limits are written. The constraint below,
# AllowanceUse.LIMITS (services, referee pages) and the public templates all read it.
ALLOWANCE_LIMITS = {"manual_reset": 2, "tactical_timeout": 2, "emergency_repair": 1}


class AllowanceUse(models.Model):
    """One use of a per-corner, per-match allowance (R9). ``seq`` counts uses 1..limit."""

    class Kind(models.TextChoices):
        MANUAL_RESET = "manual_reset", _("Manual reset")
        TACTICAL_TIMEOUT = "tactical_timeout", _("Tactical timeout")
        EMERGENCY_REPAIR = "emergency_repair", _("Emergency repair")

    LIMITS = dict(ALLOWANCE_LIMITS)  # keyed by Kind values (TextChoices equal their strings)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="allowances",
                              verbose_name=_("match"))
    corner = models.CharField(_("corner"), max_length=4, choices=Corner.choices)
    kind = models.CharField(_("allowance"), max_length=20, choices=Kind.choices)
    seq = models.PositiveSmallIntegerField(_("use number"))
    round_number = models.PositiveSmallIntegerField(_("round"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["match", "recorded_at", "id"]
        verbose_name = _("allowance used")
        verbose_name_plural = _("allowances used")
        constraints = [
            models.UniqueConstraint(fields=["match", "corner", "kind", "seq"],
                                    name="allowance_use_once",
                                    violation_error_message=_("R9: this allowance is already used.")),
            choices_check("corner", Corner, "allowance_corner_valid"),
            models.CheckConstraint(
                condition=functools.reduce(operator.or_, (
                    Q(kind=kind, seq__gte=1, seq__lte=limit) for kind, limit in ALLOWANCE_LIMITS.items())),
                name="allowance_within_limit",
                violation_error_message=format_lazy(
                    _("R9: per corner per match, at most {resets} manual resets, {timeouts} tactical "
                      "timeouts and {repairs} emergency repair."),
                    resets=ALLOWANCE_LIMITS["manual_reset"], timeouts=ALLOWANCE_LIMITS["tactical_timeout"],
                    repairs=ALLOWANCE_LIMITS["emergency_repair"])),
        ]

    def __str__(self) -> str:
        return f"{self.match.slot} {self.corner} {self.kind} #{self.seq}"
