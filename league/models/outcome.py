"""Final placings and the reward each one earned (R15, R16)."""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .season import Reward, Season
from .team import Entry


class Placing(models.Model):
    """Assigned by season_finish from the bracket, never typed in (R16).

    The reward is copied from the season's Reward at finish time, so a later
    edit of the season's rewards does not rewrite history.
    """

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="placings",
                               verbose_name=_("season"))
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="placing",
                                 verbose_name=_("entry"))
    place = models.PositiveSmallIntegerField(_("place"), choices=Reward.Place.choices)
    reward_description = models.CharField(_("reward"), max_length=200, blank=True)
    reward_description_zh = models.CharField(_("reward (simplified Chinese)"), max_length=200,
                                             blank=True)
    reward_description_zh_hant = models.CharField(_("reward (traditional Chinese)"),
                                                  max_length=200, blank=True)
    reward_value = models.DecimalField(_("reward value"), max_digits=14, decimal_places=2,
                                       default=Decimal("0"))
    reward_currency = models.CharField(_("reward currency"), max_length=3, blank=True)

    class Meta:
        ordering = ["season", "place", "entry__team__name_en"]
        verbose_name = _("placing")
        verbose_name_plural = _("placings")
        constraints = [
            models.CheckConstraint(condition=Q(place__gte=1, place__lte=5), name="placing_range"),
            models.UniqueConstraint(fields=["season", "place"], condition=Q(place__lte=2),
                                    name="placing_one_champion_one_runner_up",
                                    violation_error_message=_("R15: one champion and one runner-up.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display()}: {self.entry.team}"
