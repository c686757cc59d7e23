"""Forms of the teams' site: they parse and label; the services check the rules (R1-R3)."""
from __future__ import annotations

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..models import Robot, Team, TeamMember


class ReapplyForm(forms.Form):
    """The proof of registration (R2): a team the account manages applies to another season."""

    proof = forms.FileField(label=_("Proof of registration"),
                            help_text=_("PDF, JPEG or PNG, at most %(mb)s MB."))

    def __init__(self, *args, max_mb: str = "5", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proof"].help_text = self.fields["proof"].help_text % {"mb": max_mb}
        self.fields["proof"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"


class ApplicationForm(ReapplyForm):
    """A new team's identity (R2) and its proof of registration."""

    name_en = forms.CharField(label=_("Team name (English)"), max_length=120)
    name_zh = forms.CharField(label=_("Team name (Chinese)"), max_length=120)
    organization = forms.CharField(label=_("Organization"), max_length=160)
    registration_number = forms.CharField(
        label=_("Legal registration number"), max_length=64,
        help_text=_("Only legally registered organizations enter (R2)."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)
    country = forms.CharField(label=_("Country"), min_length=2, max_length=2,
                              help_text=_("Two-letter code, e.g. CN, HK, US, GB."))
    field_order = ["name_en", "name_zh", "organization", "registration_number", "kind", "country",
                   "proof"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["country"].widget.attrs
        attrs["autocapitalize"], attrs["size"] = "characters", 3

    def identity(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("name_en", "name_zh", "organization",
                                                  "registration_number", "kind", "country")}
        data["slug"] = slugify(data["name_en"])[:50] or "team"
        return data


class MemberRow(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *TeamMember.Role.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("name", "").strip() and not data.get("role"):
            self.add_error("role", _("Choose the member's role."))
        return data


# A post with more than 10 rows reaches roster_set, which says why not (R2).
RosterFormSet = forms.formset_factory(MemberRow, extra=0, max_num=30, absolute_max=30)
SPARE_ROWS = 2


def roster_formset(members=None, data=None) -> forms.BaseFormSet:
    """The members, then empty rows: enough for the 3 of R2 and two more, at most 10 in all."""
    initial = [{"name": m.name, "role": m.role} for m in (members or [])]
    rows = min(TeamMember.MAX_ROSTER, max(TeamMember.MIN_ROSTER, len(initial)) + SPARE_ROWS)
    initial += [{} for _ in range(rows - len(initial))]
    return RosterFormSet(data=data, initial=None if data else initial, prefix="members")


class RobotForm(forms.Form):
    """The primary or the backup robot (R3); the role is the form's prefix (and a hidden "role")."""

    name = forms.CharField(label=_("Robot name"), max_length=80)
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    model = forms.CharField(label=_("Model"), max_length=80, initial=Robot.DEFAULT_MODEL)
    firmware_version = forms.CharField(label=_("Firmware version"), max_length=40, required=False)
    photo = forms.FileField(label=_("Photo"), required=False,
                            help_text=_("JPEG or PNG; large photos are scaled down."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the co-manager"))
