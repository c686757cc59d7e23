"""Teams (lasting identity), their entries in seasons, rosters and robots."""
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..uploads import private_storage
from .base import choices_check, validate_one_line
from .season import HANT_HELP, Group, Season


class TeamKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    COMPANY = "company", _("Company")
    INSTITUTE = "institute", _("Research institute")
    OTHER = "other", _("Other")


class Team(models.Model):
    """A team's identity lasts across seasons so its history can be shown (R2)."""

    Kind = TeamKind

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, validators=[validate_one_line])
    # Chinese in both scripts (league/zh.py): name_zh is 简体; name_zh_hant (繁體) is proposed
    # from it with OpenCC by the services when the team gives none, and stays editable.
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, validators=[validate_one_line],
                               help_text=_("Simplified characters (简体)."))
    name_zh_hant = models.CharField(
        _("name (Traditional Chinese)"), max_length=120, blank=True, validators=[validate_one_line],
        help_text=HANT_HELP)
    organization = models.CharField(_("organization"), max_length=160, validators=[validate_one_line])
    registration_number = models.CharField(
        _("legal registration number"), max_length=64,
        help_text=_("Only legally registered organizations enter (R2)."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code."))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            choices_check("kind", TeamKind, "team_kind_valid"),
            models.UniqueConstraint(fields=["name_en"], name="team_unique_name_en"),
        ]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("public:team", kwargs={"slug": self.slug})


class EntryStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    AUDITION_PASSED = "audition_passed", _("Audition passed")
    AUDITION_REJECTED = "audition_rejected", _("Audition rejected")
    QUALIFIED = "qualified", _("Qualified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Entry(models.Model):
    """A team in a season (R1, R2)."""

    Status = EntryStatus

    TRANSITIONS = {
        Status.APPLIED: {Status.AUDITION_PASSED, Status.AUDITION_REJECTED, Status.WITHDRAWN},
        Status.AUDITION_PASSED: {Status.QUALIFIED, Status.WITHDRAWN},
        Status.AUDITION_REJECTED: set(),
        Status.QUALIFIED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }
    # Out of the running: no robots, no roster page, not counted among the applicants.
    OUT = (Status.AUDITION_REJECTED, Status.WITHDRAWN)

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="entries",
                               verbose_name=_("season"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.APPLIED)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    seed = models.PositiveSmallIntegerField(_("seed"), null=True, blank=True,
                                            validators=[MinValueValidator(1), MaxValueValidator(16)])
    pot = models.PositiveSmallIntegerField(_("pot"), null=True, blank=True,
                                           validators=[MinValueValidator(1), MaxValueValidator(4)])
    group = models.ForeignKey(Group, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="entries", verbose_name=_("group"))
    # Drawing of lots by the organizer, the last tie-breaker of R12 (lower ranks higher).
    lot = models.PositiveSmallIntegerField(_("lot"), null=True, blank=True)
    # The audition's score (0-100), one source the organizer may seed the pots from (R10).
    audition_score = models.PositiveSmallIntegerField(
        _("audition score"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)])
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    # R2 "legally registered": the team's proof (PDF, JPEG or PNG), private (league.uploads).
    proof = models.FileField(_("proof of registration"), upload_to="proofs/", storage=private_storage,
                             blank=True, max_length=200)

    class Meta:
        ordering = ["season", "seed", "team__name_en"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["season", "team"], name="entry_one_per_team_season",
                                    violation_error_message=_("R2: a team enters a season once.")),
            models.UniqueConstraint(fields=["season", "seed"], name="entry_unique_seed",
                                    condition=models.Q(seed__isnull=False),
                                    violation_error_message=_("Two entries cannot share a seed.")),
            choices_check("status", EntryStatus, "entry_status_valid"),
            models.CheckConstraint(condition=models.Q(pot__isnull=True) | models.Q(pot__gte=1, pot__lte=4),
                                   name="entry_pot_range"),
            models.CheckConstraint(
                condition=models.Q(group__isnull=True) | models.Q(status="qualified")
                | models.Q(status="withdrawn"),
                name="entry_grouped_only_if_qualified",
                violation_error_message=_("R1: only qualified teams are drawn into groups.")),
        ]

    def __str__(self) -> str:
        return f"{self.team} @ {self.season.slug}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def in_running(self) -> bool:
        """Neither rejected at the audition nor withdrawn."""
        return self.status not in self.OUT

    def may_withdraw(self) -> bool:
        """R1: withdrawal until the draw runs, from a status that can move to it."""
        return self.can_move_to(Entry.Status.WITHDRAWN) and not self.season.draw_has_run()

    def roster_open(self) -> bool:
        """The roster changes until auditions close; then it is locked for the main event (R2)."""
        return not self.season.is_past(Season.Phase.AUDITIONS)

    def robots_open(self) -> bool:
        """Robots are registered (or removed) before the draw, by a team still in the running (R3)."""
        return not self.season.draw_has_run() and self.in_running()


class MemberRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUBSTITUTE_OPERATOR = "substitute_operator", _("Substitute operator")
    TECHNICAL_STAFF = "technical_staff", _("Technical staff")
    COACH = "coach", _("Coach")


class TeamMember(models.Model):
    """A member of a team's roster in one season (R2: 3-10, locked for the main event)."""

    Role = MemberRole

    MIN_ROSTER = 3
    MAX_ROSTER = 10

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="members",
                              verbose_name=_("entry"))
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)

    class Meta:
        ordering = ["entry", "role", "name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            choices_check("role", MemberRole, "member_role_valid"),
            models.UniqueConstraint(fields=["entry", "name"], name="member_unique_name_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @classmethod
    def roster_size_ok(cls, size: int) -> bool:
        """R2: a team has 3-10 members."""
        return cls.MIN_ROSTER <= size <= cls.MAX_ROSTER


class RobotRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    BACKUP = "backup", _("Backup")


class RobotStatus(models.TextChoices):
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Robot(models.Model):
    """A robot registered by an entry: exactly one primary and one backup (R3)."""

    Role = RobotRole

    Status = RobotStatus

    DEFAULT_MODEL = "EngineAI T800"

    # season is the entry's season, kept here so the database can hold a serial to one team.
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="robots",
                               verbose_name=_("season"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="robots",
                              verbose_name=_("entry"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    model = models.CharField(_("model"), max_length=80, default=DEFAULT_MODEL)
    serial = models.CharField(_("serial number"), max_length=64)
    name = models.CharField(_("name"), max_length=80)
    firmware_version = models.CharField(_("firmware version"), max_length=40, blank=True,
                                        validators=[validate_one_line])
    photo = models.FileField(_("photo"), upload_to="robots/", storage=private_storage, blank=True,
                             max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.READY)

    class Meta:
        ordering = ["entry", "role"]
        verbose_name = _("robot")
        verbose_name_plural = _("robots")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "role"], name="robot_one_per_role",
                violation_error_message=_("R3: a team registers one primary and one backup robot.")),
            models.UniqueConstraint(
                fields=["season", "serial"], name="robot_serial_unique_in_season",
                violation_error_message=_("R3: a serial number belongs to one team in a season.")),
            choices_check("role", RobotRole, "robot_role_valid"),
            choices_check("status", RobotStatus, "robot_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.serial})"
