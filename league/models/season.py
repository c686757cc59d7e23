"""Season (one city's tournament), its rewards and its groups."""
from __future__ import annotations

import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..zh import EN, HANT, script, split_list
from .base import choices_check, validate_one_line

HANT_HELP = _("Traditional characters (繁體). Left blank, it is proposed from the simplified text.")

def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value}) from exc


class SeasonPhase(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    AUDITIONS = "auditions", _("Auditions")
    DRAW = "draw", _("Draw")
    GROUP_STAGE = "group_stage", _("Group stage")
    KNOCKOUT = "knockout", _("Knockout")
    FINISHED = "finished", _("Finished")


MAX_REST_MINUTES = 7 * 24 * 60
MAX_PROTEST_WINDOW_MINUTES = 24 * 60


class Season(models.Model):
    Phase = SeasonPhase

    # Phases move only forward, one step at a time (see services.season).
    PHASE_ORDER = [p.value for p in Phase]

    # The settings an organizer may change, and the phase from which each is locked: what the
    # services already used (the schedule, the bracket) must not change under the matches they
    # made. services.season_update enforces it; the admin form only shows it.
    SETTINGS_LOCKED_FROM = {
        "name": None, "name_zh": None, "name_zh_hant": None,
        # Translations of the names below: what the schedule was made with is the English ring
        # name (Match.ring), so the Chinese names of the rings stay editable.
        "rings_zh": None, "rings_zh_hant": None,
        "time_zone": Phase.GROUP_STAGE, "starts_on": Phase.GROUP_STAGE,
        "best_of": Phase.GROUP_STAGE, "round_minutes": Phase.GROUP_STAGE,
        "day_start": Phase.KNOCKOUT, "rings": Phase.KNOCKOUT, "slot_minutes": Phase.KNOCKOUT,
        "min_rest_minutes": Phase.KNOCKOUT, "third_place_match": Phase.KNOCKOUT,
        "slug": Phase.FINISHED, "city": Phase.FINISHED, "venue": Phase.FINISHED,
        "city_zh": Phase.FINISHED, "city_zh_hant": Phase.FINISHED,
        "venue_zh": Phase.FINISHED, "venue_zh_hant": Phase.FINISHED,
        # R18: the window in force when a team files; it may change until the season ends.
        "protest_window_minutes": Phase.FINISHED,
    }
    # The texts kept in English, 简体 (<stem>_zh) and 繁體 (<stem>_zh_hant): league/zh.py.
    TRANSLATED = ("name", "city", "venue", "rings")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True,
                               validators=[validate_one_line], help_text=_("Simplified characters (简体)."))
    name_zh_hant = models.CharField(_("Chinese name (traditional)"), max_length=120, blank=True,
                                    validators=[validate_one_line], help_text=HANT_HELP)
    city = models.CharField(_("city"), max_length=80, validators=[validate_one_line])
    city_zh = models.CharField(_("city (simplified Chinese)"), max_length=80, blank=True,
                               validators=[validate_one_line])
    city_zh_hant = models.CharField(_("city (traditional Chinese)"), max_length=80, blank=True,
                                    validators=[validate_one_line], help_text=HANT_HELP)
    venue = models.CharField(_("venue"), max_length=160, validators=[validate_one_line])
    venue_zh = models.CharField(_("venue (simplified Chinese)"), max_length=160, blank=True,
                                validators=[validate_one_line])
    venue_zh_hant = models.CharField(_("venue (traditional Chinese)"), max_length=160, blank=True,
                                     validators=[validate_one_line], help_text=HANT_HELP)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    starts_on = models.DateField(_("first match day"))
    day_start = models.TimeField(_("first fight of a day"), default="14:00")
    rings = models.CharField(_("rings"), max_length=120, default="Ring 1,Ring 2",
                             validators=[validate_one_line],
                             help_text=_("Comma-separated ring names."))
    rings_zh = models.CharField(_("rings (simplified Chinese)"), max_length=120, blank=True,
                                validators=[validate_one_line],
                                help_text=_("The same rings in the same order, comma-separated."))
    rings_zh_hant = models.CharField(_("rings (traditional Chinese)"), max_length=120, blank=True,
                                     validators=[validate_one_line], help_text=HANT_HELP)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices,
                             default=Phase.REGISTRATION)
    best_of = models.PositiveSmallIntegerField(
        _("rounds per match (best of)"), default=3,
        choices=[(1, "1"), (3, "3"), (5, "5"), (7, "7")])
    round_minutes = models.PositiveSmallIntegerField(
        _("round length (minutes, net)"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)])
    slot_minutes = models.PositiveSmallIntegerField(
        _("time slot per fight (minutes)"), default=40,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)])
    min_rest_minutes = models.PositiveIntegerField(
        _("minimum rest between fights (minutes)"), default=12 * 60)
    third_place_match = models.BooleanField(_("third-place match"), default=True)
    protest_window_minutes = models.PositiveSmallIntegerField(
        _("protest window (minutes after the sign-off)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PROTEST_WINDOW_MINUTES)],
        help_text=_("R18: a team may protest a result this long after the referee signs it off."))
    draw_seed = models.BigIntegerField(_("draw seed"), null=True, blank=True)
    knockout_seed = models.BigIntegerField(_("quarterfinal draw seed"), null=True, blank=True)
    # Where the pots' seeds came from (league/services/seeding.py), and the seed of a drawn order.
    seeding_source = models.CharField(_("seeding source"), max_length=16, blank=True)
    seeding_seed = models.BigIntegerField(_("seeding draw seed"), null=True, blank=True)
    # Bumped by every service that changes what the public sees: ETags of live pages.
    version = models.PositiveBigIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            choices_check("phase", SeasonPhase, "season_phase_valid"),
            models.CheckConstraint(condition=models.Q(best_of__in=[1, 3, 5, 7]),
                                   name="season_best_of_odd",
                                   violation_error_message=_("A match is best of 1, 3, 5 or 7 rounds (R8).")),
            models.CheckConstraint(
                condition=models.Q(min_rest_minutes__lte=MAX_REST_MINUTES), name="season_min_rest_sane",
                violation_error_message=_("The minimum rest between fights is at most 7 days "
                                          "(10080 minutes).")),
            models.CheckConstraint(
                condition=models.Q(protest_window_minutes__gte=1,
                                   protest_window_minutes__lte=MAX_PROTEST_WINDOW_MINUTES),
                name="season_protest_window_sane",
                violation_error_message=_("R18: the protest window is 1 minute to 24 hours.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:season", kwargs={"slug": self.slug})

    def clean(self) -> None:
        rings = self.ring_list
        if not rings:
            raise ValidationError({"rings": _("Name at least one ring.")})
        if len({r.casefold() for r in rings}) != len(rings):
            raise ValidationError({"rings": _("Each ring needs its own name.")})
        for field in ("rings_zh", "rings_zh_hant"):
            names = split_list(getattr(self, field))
            if names and (len(names) != len(rings) or not all(names)):
                raise ValidationError({field: _(
                    "Name each of the %(count)d rings, in the order of the English names, or "
                    "leave it blank.") % {"count": len(rings)}})

    def ring_name(self, ring: str, language: str | None = None) -> str:
        """A ring's name (its English name is what Match.ring holds) in ``language``."""
        wanted = script(language)
        if wanted == EN or ring not in self.ring_list:
            return ring
        index = self.ring_list.index(ring)
        fields = ("rings_zh_hant", "rings_zh") if wanted == HANT else ("rings_zh",)
        for field in fields:
            names = split_list(getattr(self, field))
            if len(names) > index and names[index]:
                return names[index]
        return ring

    @property
    def rounds_to_win(self) -> int:
        return self.best_of // 2 + 1

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def ring_list(self) -> list[str]:
        return [r.strip() for r in self.rings.split(",") if r.strip()]

    def phase_index(self, phase: str | None = None) -> int:
        return self.PHASE_ORDER.index(phase or self.phase)

    def is_past(self, phase: str) -> bool:
        return self.phase_index() > self.phase_index(phase)

    @property
    def is_finished(self) -> bool:
        return self.phase == self.Phase.FINISHED

    def draw_has_run(self) -> bool:
        """The group draw has run (R1, R3, R10): the 16 and their robots are fixed from here."""
        return self.draw_seed is not None or self.is_past(self.Phase.DRAW)

    def locked_settings(self) -> list[str]:
        """The settings that can no longer change in the season's phase (SETTINGS_LOCKED_FROM)."""
        return [name for name, phase in self.SETTINGS_LOCKED_FROM.items()
                if phase is not None and self.phase_index() >= self.phase_index(phase)]


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper() or not value.isascii():
        raise ValidationError(_("Write the currency as its three-letter ISO code, e.g. CNY."))


class Reward(models.Model):
    """What a final place earns in a season (R15, R16); set by the organizer."""

    class Place(models.IntegerChoices):
        CHAMPION = 1, _("Champion")
        RUNNER_UP = 2, _("Runner-up")
        THIRD = 3, _("Third place")
        FOURTH = 4, _("Fourth place")
        QUARTERFINALIST = 5, _("Places 5-8 (quarterfinalists)")

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="rewards",
                               verbose_name=_("season"))
    place = models.PositiveSmallIntegerField(_("place"), choices=Place.choices)
    description = models.CharField(_("description"), max_length=200)
    description_zh = models.CharField(_("description (simplified Chinese)"), max_length=200,
                                      blank=True, validators=[validate_one_line])
    description_zh_hant = models.CharField(_("description (traditional Chinese)"), max_length=200,
                                           blank=True, validators=[validate_one_line],
                                           help_text=HANT_HELP)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="CNY",
                                validators=[validate_currency])

    class Meta:
        ordering = ["season", "place"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.UniqueConstraint(fields=["season", "place"], name="reward_one_per_place",
                                    violation_error_message=_("This place already has a reward.")),
            models.CheckConstraint(condition=models.Q(place__gte=1, place__lte=5),
                                   name="reward_place_range"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="reward_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display()}: {self.description}"


class Group(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="groups",
                               verbose_name=_("season"))
    name = models.CharField(_("group"), max_length=1)

    class Meta:
        ordering = ["season", "name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["season", "name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        return _("Group %(name)s") % {"name": self.name}
