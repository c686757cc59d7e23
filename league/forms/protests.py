"""Protest forms (R18): the team's protest and the head referee's ruling. They parse the shape of
the input; the rules (window, once, who) live in league.services.protests."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.protest import MAX_FILE_BYTES, MAX_FILES, MAX_LINKS, RULING_MAX, STATEMENT_MAX
from ..services.protests import Upload
from .referee import CorrectionForm

ACCEPT = ".mp4,.mov,.jpg,.jpeg,.png,.pdf,video/mp4,video/quicktime,image/jpeg,image/png,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class ProtestForm(forms.Form):
    statement = forms.CharField(
        label=_("What is wrong with the result?"), max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say which round and moment, and what the referee should have decided."),
        error_messages={"required": _("Say what is wrong with the result."),
                        "max_length": _("The statement is at most %(limit_value)d characters.")})
    links = forms.CharField(
        label=_("Video links (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "url", "autocomplete": "off"}),
        help_text=_("At most %(n)d links, each starting with https:// or http://.") % {"n": MAX_LINKS})
    files = MultipleFileField(
        label=_("Files"), required=False,
        help_text=_("At most %(n)d files: MP4 or MOV videos, JPEG or PNG images, PDF; each at most "
                    "%(mb)d MB. Only the referee panel sees them.")
        % {"n": MAX_FILES, "mb": MAX_FILE_BYTES // (1024 * 1024)})

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]

    def uploads(self) -> list[Upload]:
        return [Upload(name=f.name, file=f, size=f.size) for f in self.cleaned_data["files"]]


class RulingForm(CorrectionForm):
    """A head referee's ruling: upheld with the corrected rounds, or rejected; a reason either
    way (the public reads it). The rounds are the correction form's (R14 applies)."""

    id_prefix = "ruling"

    decision = forms.ChoiceField(
        label=_("Ruling"), widget=forms.RadioSelect,
        choices=[("uphold", _("Uphold: correct the result")), ("reject", _("Reject: the result stands"))],
        error_messages={"required": _("Uphold or reject the protest."),
                        "invalid_choice": _("Uphold or reject the protest.")})
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the ruling (public)"), max_length=RULING_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Give the reason for the ruling: the teams and the public "
                                          "read it.")})
        self.order_fields(["decision", "reason"])

    @property
    def uphold(self) -> bool:
        return self.cleaned_data.get("decision") == "uphold"

    def is_valid(self) -> bool:
        own = forms.Form.is_valid(self)
        if own and self.uphold:  # the rounds count only for an upheld protest
            return self.rounds.is_valid()
        return own
