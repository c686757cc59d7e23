"""Reads of the teams' site (/my-team/): a team's private page, in a fixed number of queries.

Unlike the public pages (league/selectors/public.py), the team sees its own applications in
every state, its roster and robots before they are public, and the state of its failure
reports (a pending report's text stays the referees' until the panel decides it, R4).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.http import Http404

from .. import roles
from ..models import (
    CalendarFeed,
    Entry,
    FailureReport,
    Match,
    Robot,
    Round,
    Season,
    Team,
    TeamInvitation,
    TeamManager,
    TeamMember,
)
from .public import ROLE_ORDER, _with_labels


@dataclass
class MyEntry:
    entry: Entry
    members: list[TeamMember]
    robots: list[Robot]
    matches: list[Match] = field(default_factory=list)

    @property
    def season(self) -> Season:
        return self.entry.season

    @property
    def active(self) -> bool:
        return self.entry.in_running()

    @property
    def roster_editable(self) -> bool:
        return self.active and self.entry.roster_open()

    @property
    def robots_editable(self) -> bool:
        return self.entry.robots_open()

    @property
    def can_withdraw(self) -> bool:
        """R1 (docs/rules.md): withdrawal until the draw runs."""
        return self.entry.may_withdraw()

    @property
    def missing_roles(self) -> list[str]:
        have = {r.role for r in self.robots}
        return [role for role in Robot.Role.values if role not in have]

    @property
    def failures(self) -> list[FailureReport]:
        return sorted((f for r in self.robots for f in r.failure_reports.all()),
                      key=lambda f: f.filed_at)

    @property
    def placing(self):
        return getattr(self.entry, "placing", None)

    @property
    def replacement(self):
        return getattr(self.entry, "replacement", None)


@dataclass
class TeamPage:
    team: Team
    me: TeamManager
    managers: list[TeamManager]
    invitations: list[TeamInvitation]
    entries: list[MyEntry]
    open_seasons: list[Season]
    feed: CalendarFeed | None

    @property
    def is_manager(self) -> bool:
        return self.me.role == TeamManager.Role.MANAGER


def my_teams(*, user) -> list[TeamManager]:
    """The teams a team account manages, with their latest entries. 2 queries."""
    return list(TeamManager.objects.filter(user=user).select_related("team").prefetch_related(
        Prefetch("team__entries", queryset=Entry.objects.select_related("season")
                 .order_by("-season__starts_on", "-pk"))).order_by("team__name_en"))


def open_seasons() -> list[Season]:
    """Seasons open for entries (registration). 1 query."""
    return list(Season.objects.filter(phase=Season.Phase.REGISTRATION).order_by("starts_on"))


def team_page(*, slug: str, user) -> TeamPage:
    """A team's private page for one of its managers; 404 for anyone else (a team's private
    page does not say whether it exists). 9 queries."""
    me = (TeamManager.objects.select_related("team", "team__calendar_feed")
          .filter(team__slug=slug, user=user).first())
    if me is None or not roles.manages_team(user, me.team_id):
        raise Http404("No such team")
    team = me.team
    managers = list(team.managers.select_related("user").order_by("role", "created_at"))
    invitations = list(team.invitations.filter(status=TeamInvitation.Status.PENDING))
    entries = list(team.entries.select_related("season", "placing", "replacement", "group")
                   .prefetch_related(
                       Prefetch("members", queryset=TeamMember.objects.order_by("role", "name")),
                       Prefetch("robots", queryset=Robot.objects.order_by("-role").prefetch_related(
                           Prefetch("failure_reports",
                                    queryset=FailureReport.objects.order_by("filed_at")))))
                   .order_by("-season__starts_on", "-pk"))
    ids = [e.pk for e in entries]
    matches = _with_labels(list(
        Match.objects.select_related("red__team", "blue__team", "group", "winner")
        .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("number")))
        .filter(Q(red_id__in=ids) | Q(blue_id__in=ids)).order_by("scheduled_at", "slot")))
    mine = []
    for entry in entries:
        item = MyEntry(entry=entry, robots=list(entry.robots.all()),
                       members=sorted(entry.members.all(),
                                      key=lambda m: (ROLE_ORDER.get(m.role, 9), m.name)))
        for m in matches:
            if entry.pk in (m.red_id, m.blue_id):
                m.us = "red" if m.red_id == entry.pk else "blue"
                m.them = m.blue if m.us == "red" else m.red
                m.them_waiting = m.blue_waiting if m.us == "red" else m.red_waiting
                m.season = entry.season  # known already: no query
                item.matches.append(m)
        mine.append(item)
    entered = {e.season_id for e in entries}
    seasons = [s for s in open_seasons() if s.pk not in entered]
    return TeamPage(team=team, me=me, managers=managers, invitations=invitations, entries=mine,
                    open_seasons=seasons, feed=getattr(team, "calendar_feed", None))


def team_of_feed(token: str) -> tuple[Team, list[Season]] | None:
    """The team a calendar token opens and the seasons it entered (not withdrawn). 2 queries."""
    feed = CalendarFeed.objects.select_related("team").filter(token=token).first()
    if feed is None:
        return None
    entered = Entry.objects.filter(team=feed.team).exclude(status=Entry.Status.WITHDRAWN)
    seasons = list(Season.objects.filter(entries__in=entered).order_by("starts_on"))
    return feed.team, seasons
