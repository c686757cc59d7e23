"""Referee match-entry forms: they parse and check the shape of the input only.

The league rules (R4-R9, R14) live in league.services; a form never decides them. Every form that
changes a match carries the Match.version it was rendered with (``expected_version``): the
services refuse a stale form with MatchConflict, so a second device or a double tap changes nothing.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AllowanceUse, Corner, FailureReport, Match, Robot, Round
from ..models.clock import ClockEvent
from ..models.match import Method
from ..services import RoundInput

ROUND_METHOD_CHOICES = [(m, Method(m).label) for m in Method.round_methods()]


def robot_label(robot: Robot, active: Robot | None = None) -> str:
    """How a robot reads in a select: name, serial, role, and why it cannot fight (R4, R5)."""
    label = f"{robot.name} ({robot.serial}) · {robot.get_role_display()}"
    if robot.status == Robot.Status.FAILED:
        label += " · " + str(_("failed"))
    elif active is not None and robot.pk == active.pk:
        label += " · " + str(_("active robot"))
    return label


class VersionedForm(forms.Form):
    """The version of the match the referee was looking at when the form was drawn."""

    expected_version = forms.IntegerField(
        min_value=1, widget=forms.HiddenInput,
        error_messages={
            "required": _("This form does not say which state of the match it was made for: "
                          "reload the match and try again."),
            "invalid": _("This form is damaged: reload the match and try again."),
            "min_value": _("This form is damaged: reload the match and try again."),
        })

    #: element ids stay unique when several forms share the match card
    id_prefix = "f"

    def __init__(self, *args, match: Match | None = None, **kwargs):
        self.match = match
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if match is not None and not self.is_bound:
            self.initial.setdefault("expected_version", match.version)


def _count_field(label, *, maximum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=maximum, initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": maximum,
                                        "class": "count-input"}),
        error_messages={
            "required": _("Enter a number (0 if none)."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Cannot be negative."),
            "max_value": _("At most %(limit_value)s in a round."),
        })


class CheckInForm(VersionedForm):
    """Each corner's robot and battery seal number (R5, R6).

    The select offers the corner's own robots, the team's active robot first; any robot of the
    season is accepted here so that the service, not the form, explains a wrong one (R4, R5).
    """

    id_prefix = "checkin"

    red_robot = forms.ModelChoiceField(queryset=Robot.objects.none(), label=_("Red corner robot"),
                                       error_messages={"required": _("Choose the red corner's robot."),
                                                       "invalid_choice": _("That robot does not exist.")})
    red_seal = forms.CharField(label=_("Red battery seal number"), max_length=32,
                               widget=forms.TextInput(attrs={"autocomplete": "off",
                                                             "autocapitalize": "characters"}),
                               error_messages={"required": _("Record the red battery seal number.")})
    blue_robot = forms.ModelChoiceField(queryset=Robot.objects.none(), label=_("Blue corner robot"),
                                        error_messages={"required": _("Choose the blue corner's robot."),
                                                        "invalid_choice": _("That robot does not exist.")})
    blue_seal = forms.CharField(label=_("Blue battery seal number"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "autocapitalize": "characters"}),
                                error_messages={"required": _("Record the blue battery seal number.")})

    def __init__(self, *args, match: Match, corners=None, **kwargs):
        super().__init__(*args, match=match, **kwargs)
        for name in ("red_robot", "blue_robot"):
            self.fields[name].queryset = Robot.objects.filter(season_id=match.season_id)
        for view in corners or ():
            field = self.fields[f"{view.corner}_robot"]
            field.widget.choices = [("", "—")] + [
                (r.pk, robot_label(r, view.active_robot)) for r in view.robots]
            if not self.is_bound:
                chosen = view.active_robot or view.checked_in_robot
                self.initial.setdefault(f"{view.corner}_robot", chosen.pk if chosen else None)
                self.initial.setdefault(f"{view.corner}_seal", view.seal)


class StartForm(VersionedForm):
    id_prefix = "start"

    pass


class SignOffForm(VersionedForm):
    id_prefix = "signoff"

    pass


class RoundForm(VersionedForm):
    """The end of a round: winner, method, and per corner points, knockdowns and fouls (R8)."""

    id_prefix = "round"

    number = forms.IntegerField(min_value=1, max_value=7, widget=forms.HiddenInput,
                                error_messages={"min_value": _("There is no such round."),
                                                "max_value": _("There is no such round."),
                                                "required": _("Which round is this? Reload the match.")})
    winner = forms.ChoiceField(label=_("Round winner"), choices=Corner.choices, widget=forms.RadioSelect,
                               error_messages={
                                   "required": _("Choose the corner that won the round."),
                                   "invalid_choice": _("The winner must be the red or the blue corner "
                                                       "of this match.")})
    method = forms.ChoiceField(label=_("Won by"), choices=ROUND_METHOD_CHOICES, widget=forms.RadioSelect,
                               error_messages={
                                   "required": _("Choose how the round was won."),
                                   "invalid_choice": _("A round is won by knockout, technical knockout, "
                                                       "points decision or overtime.")})
    red_points = _count_field(_("Points"), maximum=Round.MAX_POINTS)
    blue_points = _count_field(_("Points"), maximum=Round.MAX_POINTS)
    red_knockdowns = _count_field(_("Knockdowns"), maximum=Round.MAX_COUNT)
    blue_knockdowns = _count_field(_("Knockdowns"), maximum=Round.MAX_COUNT)
    red_fouls = _count_field(_("Fouls"), maximum=Round.MAX_COUNT)
    blue_fouls = _count_field(_("Fouls"), maximum=Round.MAX_COUNT)

    # The deciding round is asked twice: the second post carries this (the match ends, the
    # bracket advances).
    confirm_deciding = forms.BooleanField(required=False, widget=forms.HiddenInput)

    STATS = ("points", "knockdowns", "fouls")

    def round_input(self) -> RoundInput:
        d = self.cleaned_data
        return RoundInput(winner=d["winner"], method=d["method"],
                          **{f"{c}_{s}": d[f"{c}_{s}"] for c in Corner.values for s in self.STATS})

    def corner_fields(self, corner: str):
        return [self[f"{corner}_{stat}"] for stat in self.STATS]

    @property
    def red_fields(self):
        return self.corner_fields(Corner.RED)

    @property
    def blue_fields(self):
        return self.corner_fields(Corner.BLUE)


class AllowanceForm(VersionedForm):
    """One tap: a manual reset, tactical timeout or emergency repair of one corner (R9)."""

    id_prefix = "allowance"

    corner = forms.ChoiceField(choices=Corner.choices, error_messages={
        "required": _("Choose a corner."), "invalid_choice": _("Choose the red or the blue corner.")})
    kind = forms.ChoiceField(choices=AllowanceUse.Kind.choices, error_messages={
        "required": _("Choose an allowance."),
        "invalid_choice": _("Choose a manual reset, a tactical timeout or an emergency repair.")})


class ClockForm(forms.Form):
    """Start, stop or resume the round clock (R17): the tap is all there is to it."""

    def __init__(self, *args, match: Match | None = None, **kwargs):
        self.match = match
        super().__init__(*args, **kwargs)


class CountdownForm(ClockForm):
    """Start a countdown for a corner: a tactical timeout, a manual reset, the emergency repair
    (each counted as the corner's allowance, R9) or the self-recovery count (R17)."""

    corner = forms.ChoiceField(choices=Corner.choices, error_messages={
        "required": _("Choose a corner."), "invalid_choice": _("Choose the red or the blue corner.")})
    kind = forms.ChoiceField(choices=ClockEvent.Countdown.choices, error_messages={
        "required": _("Choose a countdown."),
        "invalid_choice": _("Choose a tactical timeout, a manual reset, the emergency repair or "
                            "the self-recovery count.")})
    # Counting an allowance changes the match: a stale form is refused like any other (R9).
    expected_version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput,
                                          error_messages={
                                              "invalid": _("This form is damaged: reload the match "
                                                           "and try again."),
                                              "min_value": _("This form is damaged: reload the "
                                                             "match and try again.")})


class CountdownEndForm(ClockForm):
    countdown = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput,
                                   error_messages={
                                       "required": _("Which countdown? Reload the match."),
                                       "invalid": _("Which countdown? Reload the match."),
                                       "min_value": _("Which countdown? Reload the match."),
                                       "max_value": _("Which countdown? Reload the match.")})


class UndoForm(VersionedForm):
    """Take back the last entry (a round, an allowance use) before sign-off, with a reason."""

    id_prefix = "undo"

    reason = forms.CharField(label=_("Why undo it?"), max_length=300,
                             error_messages={"required": _("Say why the entry is undone.")})


class BatterySwapForm(VersionedForm):
    """A battery swap during the match disqualifies the corner (R6); it must be confirmed."""

    id_prefix = "swap"

    corner = forms.ChoiceField(label=_("Corner that swapped its battery"), choices=Corner.choices,
                               widget=forms.RadioSelect, error_messages={
                                   "required": _("Choose the corner that swapped its battery."),
                                   "invalid_choice": _("Choose the red or the blue corner.")})
    confirmed = forms.BooleanField(
        label=_("I saw the battery swap. This corner is disqualified and loses the match."),
        required=False)


class FailureReportForm(VersionedForm):
    """A robot failure for the referee panel's queue (R4)."""

    id_prefix = "failure"

    robot = forms.ModelChoiceField(queryset=Robot.objects.none(), label=_("Robot"),
                                   error_messages={"required": _("Choose the robot that failed."),
                                                   "invalid_choice": _("That robot does not exist.")})
    description = forms.CharField(label=_("What happened"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Describe the failure.")})
    irreversible = forms.BooleanField(
        label=_("Irreversible: the robot cannot be repaired this season"), required=False,
        help_text=_("If the panel approves an irreversible failure of a primary robot, the backup "
                    "replaces it from the team's next match (R4, R5). This cannot be undone."))

    def __init__(self, *args, match: Match, corners=None, **kwargs):
        super().__init__(*args, match=match, **kwargs)
        self.fields["robot"].queryset = Robot.objects.filter(season_id=match.season_id)
        choices = [("", "—")]
        for view in corners or ():
            prefix = view.label
            current = view.checked_in_robot or view.active_robot
            choices += [(r.pk, f"{prefix}: {robot_label(r, current)}") for r in view.robots]
        self.fields["robot"].widget.choices = choices


class ForfeitForm(VersionedForm):
    id_prefix = "forfeit"

    corners = forms.MultipleChoiceField(
        label=_("Forfeiting corner"), choices=Corner.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the corner that forfeits."),
                        "invalid_choice": _("Choose the red or the blue corner.")})
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             error_messages={"required": _("Give the reason for the forfeit.")})


class CorrectionRoundForm(forms.Form):
    """One round of a corrected result; a row left without a winner is not a round."""

    winner = forms.ChoiceField(label=_("Winner"), choices=[("", "—"), *Corner.choices], required=False,
                               error_messages={"invalid_choice": _("The winner must be the red or the "
                                                                   "blue corner of this match.")})
    method = forms.ChoiceField(label=_("Won by"), choices=[("", "—"), *ROUND_METHOD_CHOICES],
                               required=False)
    red_points = _count_field(_("Red points"), maximum=Round.MAX_POINTS)
    blue_points = _count_field(_("Blue points"), maximum=Round.MAX_POINTS)
    red_knockdowns = _count_field(_("Red knockdowns"), maximum=Round.MAX_COUNT)
    blue_knockdowns = _count_field(_("Blue knockdowns"), maximum=Round.MAX_COUNT)
    red_fouls = _count_field(_("Red fouls"), maximum=Round.MAX_COUNT)
    blue_fouls = _count_field(_("Blue fouls"), maximum=Round.MAX_COUNT)

    def clean(self):
        data = super().clean()
        if data.get("winner") and not data.get("method"):
            self.add_error("method", _("Choose how the round was won."))
        if data.get("method") and not data.get("winner"):
            self.add_error("winner", _("Choose the corner that won the round."))
        return data

    @property
    def is_round(self) -> bool:
        return bool(self.cleaned_data.get("winner"))

    def round_input(self) -> RoundInput:
        d = self.cleaned_data
        return RoundInput(winner=d["winner"], method=d["method"],
                          **{f"{c}_{s}": d[f"{c}_{s}"] for c in Corner.values
                             for s in RoundForm.STATS})


class BaseCorrectionRounds(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        seen_gap = False
        for form in self.forms:
            if form.is_round and seen_gap:
                raise forms.ValidationError(_("Leave no empty round between two rounds."))
            seen_gap = seen_gap or not form.is_round
        if not any(form.is_round for form in self.forms):
            raise forms.ValidationError(_("A corrected result needs its rounds."))

    def rounds(self) -> list[RoundInput]:
        return [form.round_input() for form in self.forms if form.is_round]


CorrectionRounds = forms.formset_factory(CorrectionRoundForm, formset=BaseCorrectionRounds, extra=0,
                                         max_num=7, validate_max=True, absolute_max=7)


class CorrectionForm(VersionedForm):
    """A head referee's correction of a finished result: the rounds and a mandatory reason (R7)."""

    id_prefix = "correct"

    reason = forms.CharField(label=_("Reason for the correction"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("A correction needs a reason.")})

    def __init__(self, *args, match: Match, **kwargs):
        super().__init__(*args, match=match, **kwargs)
        data = args[0] if args else kwargs.get("data")
        if data is not None:
            self.rounds = CorrectionRounds(data, prefix="rounds")
        else:
            initial = [{f: getattr(r, f) for f in ("winner", "method", *[
                f"{c}_{s}" for c in Corner.values for s in RoundForm.STATS])}
                for r in match.rounds.all()]
            initial += [{}] * max(0, match.season.best_of - len(initial))
            self.rounds = CorrectionRounds(initial=initial, prefix="rounds")

    def is_valid(self) -> bool:
        own = super().is_valid()
        return self.rounds.is_valid() and own


class DecisionForm(forms.Form):
    """The referee panel's decision on a failure report (R4)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 error_messages={"required": _("Approve or reject the report."),
                                                 "invalid_choice": _("Approve or reject the report.")})
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, report: FailureReport | None = None, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"
