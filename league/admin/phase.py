"""The season's phase actions: each a preview page, a confirmation and one service call.

The preview runs the very service the confirmation will call, inside a transaction that is
rolled back (``dry_run``): the organizer sees exactly what will happen, or the rule that refuses
it, and nothing is saved until they confirm.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms.admin import SeedForm, SeedingForm
from ..models import Entry, Match, Season
from ..money import money
from ..rules.draw import DrawTeam, draw_conflicts, draw_groups
from ..services import seeding
from ..services.entries import FIELD_SIZE
from .base import duration

Phase = Season.Phase


def local(season: Season, moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(season.tz) if moment else None


def qualified(season: Season) -> list[Entry]:
    return list(season.entries.filter(status=Entry.Status.QUALIFIED).select_related("team", "group")
                .annotate(member_count=Count("members", distinct=True))
                .order_by("seed", "team__name_en"))


@dataclass(frozen=True)
class PhaseAction:
    """One step of the season: which service it calls and when it applies."""

    slug: str
    title: str
    phases: tuple[str, ...]  # the phases in which it is the thing to do
    rules: str
    explanation: str
    confirm_label: str

    def form(self, season: Season, data=None):
        return None

    def preview(self, season: Season, form, actor) -> dict:  # runs inside dry_run
        raise NotImplementedError

    def perform(self, season: Season, form, actor) -> str:
        raise NotImplementedError

    def success_url(self, season: Season) -> str:
        return reverse("admin:league_season_change", args=[season.pk])

    def url(self, season: Season) -> str:
        return reverse("admin:league_season_phase", args=[season.pk, self.slug])

    @property
    def template(self) -> str:
        return f"admin/league/season/phase/{self.slug.replace('-', '_')}.html"


class CloseRegistration(PhaseAction):
    def preview(self, season, form, actor):
        teams = [str(e.team) for e in season.entries.select_related("team").order_by("team__name_en")]
        services.season_registration_close(season=season, actor=actor)
        return {"teams": teams}

    def perform(self, season, form, actor):
        services.season_registration_close(season=season, actor=actor)
        return _("Registration is closed: the auditions begin.")


class CloseAuditions(PhaseAction):
    def preview(self, season, form, actor):
        entries = qualified(season)
        left_out = list(season.entries.exclude(status=Entry.Status.QUALIFIED).select_related("team")
                        .order_by("status", "team__name_en"))
        services.season_auditions_close(season=season, actor=actor)
        robots = defaultdict(dict)
        for robot in season.robots.filter(entry__in=entries):
            robots[robot.entry_id][robot.role] = f"{robot.name} ({robot.serial})"
        return {
            "qualified": [{"team": str(e.team), "country": e.team.country, "members": e.member_count,
                           "primary": robots[e.pk].get("primary", ""),
                           "backup": robots[e.pk].get("backup", "")} for e in entries],
            "left_out": [{"team": str(e.team), "status": e.get_status_display()} for e in left_out],
        }

    def perform(self, season, form, actor):
        services.season_auditions_close(season=season, actor=actor)
        return _("Auditions are closed: the %(n)d teams of the main event are fixed.") % {"n": FIELD_SIZE}


class SourceSeedingForm(SeedingForm):
    """The seeds (R10), where they come from, the stored seed of a drawn order, and the reason for
    any change made by hand from the source's order."""

    EXTRA = ("source", "source_seed", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = forms.ChoiceField(label=_("Seeds come from"), choices=seeding.Source.choices)
        self.fields["source_seed"] = forms.IntegerField(
            label=_("Seed of the drawn order"), required=False, min_value=0, max_value=2**31 - 1,
            help_text=_("Stored with the seeding, so anyone can re-draw the same order."))
        self.fields["reason"] = forms.CharField(
            label=_("Reason for changes by hand"), required=False, max_length=300,
            help_text=_("Needed when a team's seed differs from what the source gives (audited)."))

    def extra_fields(self):
        return [self[name] for name in self.EXTRA]

    def stated(self) -> dict:
        return {"source": self.cleaned_data["source"], "source_seed": self.cleaned_data.get("source_seed"),
                "reason": self.cleaned_data.get("reason", "")}


class SeedPots(PhaseAction):
    def form(self, season, data=None):
        entries = sorted(qualified(season), key=lambda e: (e.seed is None, e.seed or 0, e.team.name_en))
        if data is not None and "_source" not in data:
            return SourceSeedingForm(data, entries=entries)
        # A source picked (or the page opened): fill the seeds from it and preview straight away.
        default = (seeding.Source.AUDITION if any(e.audition_score is not None for e in entries)
                   else seeding.Source.DRAWN)
        source = (data or {}).get("source") or default
        source = source if source in seeding.Source.values else default
        try:
            draw_seed = int((data or {}).get("source_seed") or "")
        except ValueError:
            draw_seed = secrets.randbelow(2**31)
        ordered = [t.entry for t in seeding.seeding_order(season, entries, source, seed=draw_seed)]
        return SourceSeedingForm({**{f"seed_{e.pk}": i for i, e in enumerate(ordered, start=1)},
                                  "source": source, "source_seed": draw_seed if source == "drawn" else "",
                                  "reason": ""}, entries=entries)

    def preview(self, season, form, actor):
        stated = form.stated()
        entries = qualified(season)
        basis = {t.entry.pk: t.basis for t in seeding.seeding_order(
            season, entries, stated["source"], seed=stated["source_seed"])}
        seeded = services.pots_seed(season=season, order=form.order(), actor=actor, **stated)
        pots = defaultdict(list)
        for entry in seeded:
            pots[entry.pot].append({"seed": entry.seed, "team": str(entry.team),
                                    "country": entry.team.country, "basis": basis.get(entry.pk, "")})
        return {"pots": sorted(pots.items()), "source": seeding.Source(stated["source"]).label,
                "source_seed": stated["source_seed"] if stated["source"] == "drawn" else None}

    def perform(self, season, form, actor):
        services.pots_seed(season=season, order=form.order(), actor=actor, **form.stated())
        return _("The pots are seeded.")


class SeededAction(PhaseAction):
    """A step that draws lots from a seed: a fresh random one offered, the organizer's kept."""

    def form(self, season, data=None):
        if data is None:
            return SeedForm({"seed": secrets.randbelow(2**31)})
        return SeedForm(data)


class RunDraw(SeededAction):
    def preview(self, season, form, actor):
        seed = form.cleaned_data["seed"]
        drawn = services.draw_run(season=season, seed=seed, actor=actor)
        return {"seed": seed, **draw_table(drawn)}

    def perform(self, season, form, actor):
        seed = form.cleaned_data["seed"]
        services.draw_run(season=season, seed=seed, actor=actor)
        return _("The draw has run with seed %(seed)d.") % {"seed": seed}

    def success_url(self, season):
        return reverse("admin:league_season_draw_check", args=[season.pk])


def draw_table(drawn: dict[str, list[Entry]]) -> dict:
    teams = {e.pk: DrawTeam(key=e.pk, pot=e.pot, country=e.team.country,
                            organization=e.team.organization)
             for entries in drawn.values() for e in entries}
    groups = {name: [e.pk for e in entries] for name, entries in drawn.items()}
    return {
        "groups": [(name, [{"team": str(e.team), "pot": e.pot, "country": e.team.country,
                            "organization": e.team.organization}
                           for e in sorted(entries, key=lambda e: e.pot)])
                   for name, entries in sorted(drawn.items())],
        "conflicts": draw_conflicts(groups, teams),
    }


def draw_check(season: Season) -> dict:
    """Re-run the draw from the stored seed with the pure rule and compare it with the groups (R10)."""
    entries = list(season.entries.filter(group__isnull=False).select_related("team", "group"))
    stored = defaultdict(list)
    for e in entries:
        stored[e.group.name].append(e)
    if season.draw_seed is None or not entries:
        return {"ran": False}
    rerun = draw_groups([DrawTeam(key=e.pk, pot=e.pot, country=e.team.country,
                                  organization=e.team.organization) for e in entries],
                        season.draw_seed, sorted(stored))
    same = all(sorted(rerun.groups[name]) == sorted(e.pk for e in stored[name]) for name in stored)
    return {"ran": True, "seed": season.draw_seed, "same": same, **draw_table(dict(stored)),
            **knockout_check(season)}


def knockout_check(season: Season) -> dict:
    """Re-draw the quarterfinal crossings from the stored seed and the group tables (R13)."""
    from ..rules.bracket import QF_SLOTS, quarterfinal_pairs
    from ..selectors import season_standings

    if season.knockout_seed is None:
        return {}
    tables = season_standings(season=season)
    winners = {t.group.name: t.rows[0].entry.pk for t in tables}
    runners_up = {t.group.name: t.rows[1].entry.pk for t in tables}
    pairs = quarterfinal_pairs(winners, runners_up, season.knockout_seed)
    stored = {m.slot: (m.red_id, m.blue_id) for m in season.matches.filter(slot__in=QF_SLOTS)}
    return {"knockout_seed": season.knockout_seed,
            "knockout_same": [stored.get(slot) for slot in QF_SLOTS] == list(pairs)}


class GenerateSchedule(PhaseAction):
    def preview(self, season, form, actor):
        matches = services.group_schedule_generate(season=season, actor=actor)
        matches = list(Match.objects.filter(pk__in=[m.pk for m in matches])
                       .select_related("red__team", "blue__team", "group")
                       .order_by("scheduled_at", "ring"))
        return {"days": schedule_days(season, matches), "rest": shortest_rest(season, matches),
                "min_rest": duration(dt.timedelta(minutes=season.min_rest_minutes)),
                "count": len(matches)}

    def perform(self, season, form, actor):
        matches = services.group_schedule_generate(season=season, actor=actor)
        return _("The group schedule is made: %(n)d matches.") % {"n": len(matches)}

    def success_url(self, season):
        return reverse("admin:league_match_changelist") + f"?season__id__exact={season.pk}"


def match_row(season: Season, m: Match) -> dict:
    return {"slot": m.slot, "stage": m.get_stage_display(), "day": m.day, "at": local(season, m.scheduled_at),
            "ring": m.ring, "red": m.red_name, "blue": m.blue_name,
            "referees": ", ".join(u.get_username() for u in m.referees.all())}


def schedule_days(season: Season, matches: list[Match]) -> list[tuple[dt.date, list[dict]]]:
    days = defaultdict(list)
    for m in matches:
        days[local(season, m.scheduled_at).date()].append(match_row(season, m))
    return sorted(days.items())


def shortest_rest(season: Season, matches: list[Match]) -> str:
    """The shortest rest any team gets between two fights (next start minus previous end)."""
    slot = dt.timedelta(minutes=season.slot_minutes)
    starts = defaultdict(list)
    for m in matches:
        for entry_id in (m.red_id, m.blue_id):
            if entry_id and m.scheduled_at:
                starts[entry_id].append(m.scheduled_at)
    rests = [b - (a + slot) for times in starts.values()
             for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    return duration(min(rests)) if rests else ""


class AssignReferees(PhaseAction):
    def preview(self, season, form, actor):
        open_ids = list(season.matches.filter(referees__isnull=True).exclude(status__in=Match.DONE)
                        .values_list("pk", flat=True))
        count = services.referees_assign_round_robin(season=season, actor=actor)
        matches = (Match.objects.filter(pk__in=open_ids).select_related("red__team", "blue__team")
                   .prefetch_related("referees").order_by("scheduled_at", "slot"))
        return {"count": count, "rows": [match_row(season, m) for m in matches], "nothing": count == 0}

    def perform(self, season, form, actor):
        count = services.referees_assign_round_robin(season=season, actor=actor)
        return _("Referees assigned to %(n)d matches.") % {"n": count}

    def success_url(self, season):
        return reverse("admin:league_match_changelist") + f"?season__id__exact={season.pk}"


class StartKnockout(SeededAction):
    def preview(self, season, form, actor):
        seed = form.cleaned_data["seed"]
        services.knockout_start(season=season, seed=seed, actor=actor)
        return {"seed": seed, "rows": knockout_rows(season)}

    def perform(self, season, form, actor):
        seed = form.cleaned_data["seed"]
        services.knockout_start(season=season, seed=seed, actor=actor)
        return _("The knockout has started (quarterfinal draw seed %(seed)d).") % {"seed": seed}

    def success_url(self, season):
        return (reverse("admin:league_match_changelist")
                + f"?season__id__exact={season.pk}&stage__exact=quarterfinal")


def knockout_rows(season: Season) -> list[dict]:
    """The bracket: the quarterfinal crossings, and where each later slot's corners come from (R14)."""
    matches = list(season.matches.exclude(stage=Match.Stage.GROUP)
                   .select_related("red__team", "red__group", "blue__team", "blue__group")
                   .order_by("scheduled_at", "ring"))
    feeds = {}
    for m in matches:
        if m.winner_to_id:
            feeds[(m.winner_to_id, m.winner_to_corner)] = _("Winner of %(slot)s") % {"slot": m.slot}
        if m.loser_to_id:
            feeds[(m.loser_to_id, m.loser_to_corner)] = _("Loser of %(slot)s") % {"slot": m.slot}
    rows = []
    for m in matches:
        row = match_row(season, m)
        for corner, place in (("red", _("Winner of group %(g)s")), ("blue", _("Runner-up of group %(g)s"))):
            entry = getattr(m, corner)
            if entry is not None and m.stage == Match.Stage.QUARTERFINAL:
                row[f"{corner}_from"] = place % {"g": entry.group.name}
            elif entry is None:
                row[corner] = feeds.get((m.pk, corner), "?")
        rows.append(row)
    return rows


class FinishSeason(PhaseAction):
    def preview(self, season, form, actor):
        placings = services.season_finish(season=season, actor=actor)
        return {"placings": placing_rows(placings)}

    def perform(self, season, form, actor):
        services.season_finish(season=season, actor=actor)
        return _("The season is finished: places and rewards are assigned.")

    def success_url(self, season):
        return reverse("admin:league_season_rewards", args=[season.pk])


def placing_rows(placings) -> list[dict]:
    entries = {e.pk: e for e in Entry.objects.filter(pk__in=[p.entry_id for p in placings])
               .select_related("team")}
    return [{"place": p.get_place_display(), "place_number": p.place, "team": str(entries[p.entry_id].team),
             "country": entries[p.entry_id].team.country, "reward": p.reward_description,
             "value": money(p.reward_value, p.reward_currency)}
            for p in sorted(placings, key=lambda p: (p.place, str(entries[p.entry_id].team)))]


ACTIONS: dict[str, PhaseAction] = {a.slug: a for a in [
    CloseRegistration(
        "close-registration", _("Close registration"), (Phase.REGISTRATION,), "R1, R2",
        _("No more applications: the season moves to the auditions."), _("Close registration")),
    CloseAuditions(
        "close-auditions", _("Close auditions"), (Phase.AUDITIONS,), "R1, R2, R3",
        _("Exactly 16 qualified teams, each with 3-10 members and one primary and one backup robot, "
          "enter the main event. The season moves to the draw."), _("Close auditions")),
    SeedPots(
        "seed-pots", _("Seed the pots"), (Phase.DRAW,), "R10",
        _("Give each qualified team a seed: seeds 1-4 fill pot 1, 5-8 pot 2, 9-12 pot 3, 13-16 pot 4."),
        _("Seed the pots")),
    RunDraw(
        "run-draw", _("Run the draw"), (Phase.DRAW,), "R1, R10",
        _("One team of each pot per group, countries and organizations kept apart where possible. "
          "The same seed always gives the same draw."), _("Run the draw with this seed")),
    GenerateSchedule(
        "generate-schedule", _("Generate the group schedule"), (Phase.DRAW,), "R11",
        _("A single round robin in each group: 6 matches on 3 match days, no team twice a day, the "
          "minimum rest respected. The season moves to the group stage."), _("Generate the schedule")),
    AssignReferees(
        "assign-referees", _("Assign referees"), (Phase.GROUP_STAGE, Phase.KNOCKOUT), "R7",
        _("Every match without referees gets one, the referees taken in turn. Change one match's "
          "referees on its page."), _("Assign the referees")),
    StartKnockout(
        "start-knockout", _("Start the knockout"), (Phase.GROUP_STAGE,), "R12, R13",
        _("Closes the group stage and draws the quarterfinal crossings: each group winner meets a "
          "runner-up of another group; two teams of one group go to opposite halves."),
        _("Start the knockout with this seed")),
    FinishSeason(
        "finish-season", _("Finish the season"), (Phase.KNOCKOUT,), "R15, R16",
        _("Places come from the bracket and every team of the last 8 gets its place's reward."),
        _("Finish the season")),
]}


# --- Warnings before mistakes: what is unusual even when the service allows it --------------------

def preview_with_warnings(step: PhaseAction, season: Season, form, actor) -> dict:
    """The step's preview (inside dry_run) and, after the service ran, what looks unusual."""
    phase_before = season.phase
    preview = step.preview(season, form, actor)
    preview["warnings"] = season_warnings(season, phase_before=phase_before)
    return preview


def season_warnings(season: Season, *, phase_before: str) -> list[dict]:
    """Each warning names its rule: a thin registration (R1), teams without both robots (R3), a
    roster at its limit (R2), matches on one ring closer than a slot (R11), a team with no robot
    left (R4, R5). 3 queries."""
    from ..models import Robot, TeamMember
    from ..services.preconditions import no_robot_left

    found = []
    entries = list(season.entries.exclude(status__in=Entry.OUT)
                   .select_related("team").annotate(member_count=Count("members", distinct=True))
                   .prefetch_related("robots").order_by("team__name_en"))
    if phase_before in (Phase.REGISTRATION, Phase.AUDITIONS) and len(entries) < FIELD_SIZE:
        found.append({"rule": "R1", "text": _("Only %(n)d applicants for %(places)d places.") % {
            "n": len(entries), "places": FIELD_SIZE}})
    if phase_before in (Phase.REGISTRATION, Phase.AUDITIONS, Phase.DRAW):
        for e in entries:
            roles = sorted(r.role for r in e.robots.all())
            if roles != [Robot.Role.BACKUP, Robot.Role.PRIMARY]:
                found.append({"rule": "R3", "text": _("%(team)s has not registered both robots "
                                                      "(primary and backup).") % {"team": e.team}})
            if e.member_count in (TeamMember.MIN_ROSTER, TeamMember.MAX_ROSTER):
                found.append({"rule": "R2", "text": _("%(team)s has %(n)d members: its roster is at the "
                                                      "limit of %(lo)d-%(hi)d.") % {
                    "team": e.team, "n": e.member_count, "lo": TeamMember.MIN_ROSTER,
                    "hi": TeamMember.MAX_ROSTER}})
    for e in entries:
        if e.status == Entry.Status.QUALIFIED and no_robot_left(e.robots.all()):
            found.append({"rule": "R4, R5", "text": _("%(team)s has no robot left: both its robots "
                                                      "failed. It can only forfeit.") % {"team": e.team}})
    found += ring_spacing_warnings(season)
    return found


def ring_spacing_warnings(season: Season) -> list[dict]:
    """Two matches on one ring that start closer than a time slot (R11). 1 query."""
    slot = dt.timedelta(minutes=season.slot_minutes)
    last: dict[str, Match] = {}
    found = []
    for m in season.matches.exclude(scheduled_at=None).exclude(status__in=Match.DONE).order_by(
            "ring", "scheduled_at"):
        before = last.get(m.ring)
        if before is not None and m.scheduled_at - before.scheduled_at < slot:
            found.append({"rule": "R11", "text": _(
                "%(ring)s: %(a)s and %(b)s start %(gap)s apart; a fight's slot is %(slot)s.") % {
                "ring": m.ring or "—", "a": before.slot, "b": m.slot,
                "gap": duration(m.scheduled_at - before.scheduled_at), "slot": duration(slot)}})
        last[m.ring] = m
    return found
