"""Reads behind the protest pages (R18): a team manager's matches and protests, the head
referees' queue and ruling page. Each with a fixed number of queries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404

from .. import roles
from ..models import Match, Protest, ProtestEvidence, Round, Season
from ..services.protests import PROTEST_PHASES, window_closes_at

RECENT_RULINGS = 20


@dataclass
class ProtestableMatch:
    """A signed-off match of one of the manager's teams, and where its protest stands."""

    match: Match
    entry: object  # the manager's team's entry in this match
    protest: Protest | None
    closes_at: dt.datetime | None
    open: bool

    @property
    def opponent(self):
        return self.match.blue if self.entry.pk == self.match.red_id else self.match.red


def my_protest_matches(*, user, now: dt.datetime) -> list[ProtestableMatch]:
    """The signed-off matches of the user's teams in running seasons, newest first, each with
    the team's protest or whether the window is still open. 2 queries (and 1 for the user's
    teams, cached on the user)."""
    team_ids = roles.managed_team_ids(user)
    if not team_ids or getattr(user, "is_staff", False):
        return []
    matches = list(
        Match.objects.filter(Q(red__team_id__in=team_ids) | Q(blue__team_id__in=team_ids),
                             season__phase__in=PROTEST_PHASES, signed_off_at__isnull=False)
        .select_related("season", "red__team", "blue__team", "winner")
        .prefetch_related(Prefetch("protests", queryset=Protest.objects.order_by("filed_at")))
        .order_by("-signed_off_at", "slot"))
    out = []
    for match in matches:
        for entry in (match.red, match.blue):
            if entry is None or entry.team_id not in team_ids:
                continue
            protest = next((p for p in match.protests.all() if p.entry_id == entry.pk), None)
            closes = window_closes_at(match)
            out.append(ProtestableMatch(match=match, entry=entry, protest=protest, closes_at=closes,
                                        open=protest is None and closes is not None and now <= closes))
    return out


def protest_form_match(*, pk: int, user, now: dt.datetime) -> ProtestableMatch:
    """The match a manager protests, with their team's entry in it; 404 when the user manages
    neither team (a manager learns nothing of other teams' matches). 2 queries."""
    team_ids = roles.managed_team_ids(user)
    match = (Match.objects.filter(pk=pk).select_related("season", "red__team", "blue__team",
                                                        "winner__team")
             .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("number")))
             .first())
    if match is None or getattr(user, "is_staff", False):
        raise Http404("No such match")
    entry = next((e for e in (match.red, match.blue) if e is not None and e.team_id in team_ids),
                 None)
    if entry is None:
        raise Http404("No such match")
    protest = Protest.objects.filter(match=match, entry=entry).first()
    closes = window_closes_at(match)
    return ProtestableMatch(match=match, entry=entry, protest=protest, closes_at=closes,
                            open=protest is None and closes is not None and now <= closes
                            and match.season.phase in PROTEST_PHASES)


def _protests():
    return Protest.objects.select_related("match__season", "entry__team", "filed_by", "ruled_by",
                                          "match__winner_to",
                                          "match__red__team", "match__blue__team",
                                          "match__winner__team")


def protest_queue() -> list[Protest]:
    """Protests waiting for a ruling, oldest first, each with whether the reader refereed its
    match. 2 queries."""
    return list(_protests().filter(status=Protest.Status.FILED)
                .exclude(match__season__phase=Season.Phase.FINISHED)
                .prefetch_related("match__referees").order_by("filed_at"))


def recent_rulings(limit: int = RECENT_RULINGS) -> list[Protest]:
    """The latest rulings. 1 query."""
    return list(_protests().exclude(status=Protest.Status.FILED).order_by("-ruled_at")[:limit])


def protest_for_ruling(*, pk: int) -> Protest:
    """A protest with its evidence, its match's rounds and referees. 4 queries."""
    protest = (_protests().filter(pk=pk).prefetch_related(
        Prefetch("evidence", queryset=ProtestEvidence.objects.order_by("kind", "pk")),
        Prefetch("match__rounds", queryset=Round.objects.order_by("number")),
        "match__referees").first())
    if protest is None:
        raise Http404("No such protest")
    return protest


def ruling_preview(*, protest: Protest, uphold: bool, rounds) -> dict:
    """What a ruling will do, for its confirmation step: rejected, the result stands; upheld,
    the corrected score and winner, and the slot a new winner moves into (R14). No query."""
    match = protest.match
    if not uphold:
        return {"uphold": False}
    won = {"red": 0, "blue": 0}
    for r in rounds or ():
        won[r.winner] += 1
    need = match.season.rounds_to_win
    corner = next((c for c, n in won.items() if n >= need), None)
    winner = match.entry_of(corner) if corner else None
    changes = winner is not None and winner.pk != match.winner_id
    other = "blue" if corner == "red" else "red"
    return {"uphold": True, "won": won.get(corner, 0), "lost": won[other], "winner": winner,
            "changes_winner": changes, "winner_to": match.winner_to if changes else None}
