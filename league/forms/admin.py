"""Forms of the organizer's admin site: they parse input; the rules stay in league.services."""
from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import roles, services
from ..errors import RuleViolation
from ..exchange.reading import ENCODINGS, MAX_TABLE_BYTES
from ..models import Entry, Match, Reward, Season
from ..services.common import dry_run

SEED_MAX = 2**63 - 1  # Season.draw_seed is a BigIntegerField


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))] + [
        ("UTC", "UTC")]


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that saves nothing itself: ``service_call(data)`` makes the one service call
    its save needs. ``clean`` tries it in a rolled-back transaction, so a refusal shows on the
    form and nothing is half-saved; the admin's ``save_model`` then makes it for real."""

    actor = None

    def service_call(self, data: dict):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                dry_run(lambda: self.service_call(data) and None)
            except RuleViolation as exc:
                raise forms.ValidationError(exc.text) from exc
        return data


class SeasonAdminForm(ServiceModelForm):
    """The season's settings, saved by season_create / season_update. Phase, seeds and version
    move only through the phase actions. Which setting is locked in which phase is the domain's
    table (Season.SETTINGS_LOCKED_FROM): shown here, enforced by season_update."""

    class Meta:
        model = Season
        fields = ["name", "name_zh", "name_zh_hant", "slug", "city", "city_zh", "city_zh_hant", "venue",
                  "venue_zh", "venue_zh_hant", "time_zone", "starts_on", "day_start", "rings", "rings_zh",
                  "rings_zh_hant", "best_of", "round_minutes", "slot_minutes", "min_rest_minutes",
                  "third_place_match", "protest_window_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "time_zone" in self.fields:
            self.fields["time_zone"].widget = forms.Select(choices=[("", "---------"), *time_zone_choices()])
            self.fields["time_zone"].help_text = _("Every time of the season is shown in this zone.")
        for name, field in self.fields.items():
            phase = Season.SETTINGS_LOCKED_FROM.get(name)
            if phase is not None:
                locked = format_lazy(_("Fixed from the phase {phase} on."), phase=Season.Phase(phase).label)
                field.help_text = format_lazy("{} {}", field.help_text, locked) if field.help_text else locked

    def service_call(self, data):
        if self.instance.pk:
            return services.season_update(season=self.instance, actor=self.actor,
                                          **{n: data[n] for n in self.changed_data if n in data})
        return services.season_create(actor=self.actor,
                                      **{n: data[n] for n in self._meta.fields if n in data})


class RewardForm(forms.ModelForm):
    """One place's reward. The place of an existing reward stays; the currency is an ISO code."""

    class Meta:
        model = Reward
        fields = ["place", "description", "description_zh", "description_zh_hant", "value", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "place" in self.fields:
            self.fields["place"].disabled = True
        if "currency" in self.fields:
            self.fields["currency"].help_text = _("ISO 4217 code: CNY (renminbi, RMB), HKD, USD, GBP...")

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()  # the model checks the code


class ReasonForm(forms.Form):
    """The reason an organizer gives for a rejection or a withdrawal (kept in the audit trail)."""

    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Told to the team and kept in the audit trail."))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."))
        return reason


class SeedForm(forms.Form):
    """The random seed of a draw: the same seed always gives the same draw (R10, R13)."""

    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=SEED_MAX,
                              help_text=_("Keep it: anyone can re-run the draw with this seed and "
                                          "check the result."))


class SeedingForm(forms.Form):
    """A seed from 1 to 16 for each qualified team; seeds 1-4 fill pot 1, 5-8 pot 2, ... (R10)."""

    def __init__(self, *args, entries: list[Entry], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for index, entry in enumerate(entries, start=1):
            self.fields[f"seed_{entry.pk}"] = forms.IntegerField(
                label=str(entry.team), min_value=1, max_value=len(entries),
                initial=entry.seed or index,
                widget=forms.NumberInput(attrs={"class": "vSmallField"}))

    def clean(self):
        data = super().clean()
        seeds = [data.get(f"seed_{e.pk}") for e in self.entries]
        if None not in seeds:
            duplicates = sorted({s for s in seeds if seeds.count(s) > 1})
            if duplicates:
                raise forms.ValidationError(
                    _("Each seed from 1 to %(n)d is given once; given more than once: %(dups)s.")
                    % {"n": len(self.entries), "dups": ", ".join(map(str, duplicates))})
        return data

    def order(self) -> list[int]:
        """The entries' ids from seed 1 down."""
        return [e.pk for e in sorted(self.entries, key=lambda e: self.cleaned_data[f"seed_{e.pk}"])]

    def rows(self):
        return [(entry, self[f"seed_{entry.pk}"]) for entry in self.entries]


class LotsForm(forms.Form):
    """The organizer's drawing of lots among the teams of one group still tied (R12)."""

    group = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, tied: list[Entry], group_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tied = tied
        self.fields["group"].initial = group_name
        self.prefix = f"lots-{group_name}"
        for index, entry in enumerate(tied, start=1):
            self.fields[f"lot_{entry.pk}"] = forms.IntegerField(
                label=str(entry.team), min_value=1, max_value=len(tied), initial=index,
                widget=forms.NumberInput(attrs={"class": "vSmallField"}))

    def clean(self):
        data = super().clean()
        lots = [data.get(f"lot_{e.pk}") for e in self.tied]
        if None not in lots and len(set(lots)) != len(lots):
            raise forms.ValidationError(_("Each lot number is drawn once."))
        return data

    def order(self) -> list[int]:
        return [e.pk for e in sorted(self.tied, key=lambda e: self.cleaned_data[f"lot_{e.pk}"])]

    def rows(self):
        return [(entry, self[f"lot_{entry.pk}"]) for entry in self.tied]


class ImportForm(forms.Form):
    MAX_BYTES = MAX_TABLE_BYTES

    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("One row per team; the columns are listed below."))
    encoding = forms.ChoiceField(
        label=_("Encoding"), choices=ENCODINGS, required=False,
        help_text=_("For a CSV file: leave it on Detect automatically (UTF-8, UTF-16, Chinese "
                    "GB18030) unless the import asks you to choose."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is %(size)s MB; the limit is %(limit)s MB.") % {
                "size": f"{upload.size / 1048576:.1f}", "limit": f"{self.MAX_BYTES / 1048576:g}"})
        return upload


def referee_queryset():
    """Active users of the referee or head-referee group, the only ones a match can get (R7)."""
    return (get_user_model().objects.filter(is_active=True,
                                            groups__name__in=[roles.REFEREE, roles.HEAD_REFEREE])
            .distinct().order_by("username"))


class MatchRefereesForm(forms.ModelForm):
    """Only the referees of a match are edited in the admin, through services.referees_assign."""

    class Meta:
        model = Match
        fields = ["referees"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "referees" in self.fields:
            self.fields["referees"].queryset = referee_queryset()
            self.fields["referees"].required = True
