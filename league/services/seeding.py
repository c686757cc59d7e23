"""Seeding the pots from a stated source (R10): the audition score, the previous season's place,
or a drawn order with a stored seed. The organizer may still move teams by hand; every change
from the source's order is audited with a reason.

``seeding_order`` is a pure read (the preview shows it); ``seeding_check`` is what ``pots_seed``
calls under its lock before it saves, so the source, the seed and the reason land in its audit.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import RuleViolation
from ..models import Entry, Placing, Season
from .common import audit, lock_season, require_organizer, require_phase


class Source(models.TextChoices):
    AUDITION = "audition", gettext_lazy("Audition score")
    PREVIOUS = "previous", gettext_lazy("Previous season's place")
    DRAWN = "drawn", gettext_lazy("Drawn order (stored seed)")
    MANUAL = "manual", gettext_lazy("By hand")


@dataclass(frozen=True)
class SeededTeam:
    entry: Entry
    basis: str  # what the source says of this team: "score 87", "place 3 in Season 1", "drawn"


def previous_season(season: Season) -> Season | None:
    """The latest season that began before this one."""
    return (Season.objects.filter(starts_on__lt=season.starts_on).exclude(pk=season.pk)
            .order_by("-starts_on").first())


def seeding_order(season: Season, entries: list[Entry], source: str, *, seed: int | None = None
                  ) -> list[SeededTeam]:
    """The qualified ``entries`` from seed 1 down, as the source orders them. 0-1 query."""
    by_name = sorted(entries, key=lambda e: e.team.name_en)
    if source == Source.AUDITION:
        ordered = sorted(by_name, key=lambda e: (e.audition_score is None, -(e.audition_score or 0)))
        return [SeededTeam(e, _("score %(s)s") % {"s": e.audition_score}
                           if e.audition_score is not None else _("no score")) for e in ordered]
    if source == Source.PREVIOUS:
        before = previous_season(season)
        places = {}
        if before is not None:
            places = dict(Placing.objects.filter(season=before, entry__team__in=[e.team_id for e in entries])
                          .values_list("entry__team_id", "place"))
        ordered = sorted(by_name, key=lambda e: (places.get(e.team_id, 99),
                                                 e.audition_score is None, -(e.audition_score or 0)))
        return [SeededTeam(e, _("place %(p)d in %(season)s") % {"p": places[e.team_id], "season": before}
                           if e.team_id in places else _("no place in the previous season"))
                for e in ordered]
    if source == Source.DRAWN:
        if seed is None:
            raise RuleViolation("R10", _("A drawn seeding needs its seed."))
        ordered = sorted(entries, key=lambda e: e.pk)
        random.Random(seed).shuffle(ordered)
        return [SeededTeam(e, _("drawn with seed %(seed)d") % {"seed": seed}) for e in ordered]
    return [SeededTeam(e, _("by hand")) for e in sorted(
        entries, key=lambda e: (e.seed is None, e.seed or 0, e.team.name_en))]


def seeding_check(season: Season, entries: list[Entry], order: list[int], *, source: str,
                  seed: int | None, reason: str) -> dict:
    """Refuse a seeding that leaves its stated source without a reason; return the audit data
    (source, seed, each team moved from the source's place). Called by pots_seed under its lock."""
    if source not in Source.values:
        raise RuleViolation("R10", _("Choose where the seeds come from."))
    if source == Source.DRAWN and seed is None:
        raise RuleViolation("R10", _("A drawn seeding needs its seed."))
    if source == Source.MANUAL:
        if not reason.strip():
            raise RuleViolation("R10", _("Seeds set by hand need a reason."))
        return {"source": source, "reason": reason.strip()}
    expected = [t.entry.pk for t in seeding_order(season, entries, source, seed=seed)]
    by_pk = {e.pk: e for e in entries}
    moved = [{"team": by_pk[pk].team.slug, "source_seed": expected.index(pk) + 1, "seed": index + 1}
             for index, pk in enumerate(order) if expected.index(pk) != index]
    if moved and not reason.strip():
        raise RuleViolation("R10", _("%(n)d teams are not where the source puts them: give the reason "
                                     "for changing the seeding by hand.") % {"n": len(moved)})
    data = {"source": source, "moved": moved}
    if seed is not None and source == Source.DRAWN:
        data["seed"] = seed
    if moved:
        data["reason"] = reason.strip()
    return data


def audition_score_record(*, entry: Entry, score: int | None, actor) -> Entry:
    """Record a team's audition score (0-100), one source of the seeding (R10)."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(entry.season)
        require_phase(season, Season.Phase.AUDITIONS, Season.Phase.DRAW, rule="R10",
                      doing=_("Recording an audition score"))
        if season.draw_seed is not None:
            raise RuleViolation("R10", _("The draw has run; the pots are final."))
        if score is not None and not 0 <= score <= 100:
            raise RuleViolation("R10", _("An audition score is from 0 to 100."))
        entry = Entry.objects.select_for_update().select_related("team").get(pk=entry.pk)
        before = entry.audition_score
        entry.audition_score = score
        entry.save(update_fields=["audition_score"])
        audit(actor=actor, action="audition_scored", obj=entry, season=season,
              from_state="" if before is None else str(before), to_state="" if score is None else str(score))
        return entry
