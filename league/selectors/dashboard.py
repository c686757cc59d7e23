"""The organizer's season dashboard: where every season stands and what blocks its next step.

One read for the whole admin landing page, 12 queries whatever the number of seasons: the
blockers come from the phase services' own predicates (league/services/preconditions.py) over the
rows loaded here, so the dashboard and the service can never disagree on a rule.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils import timezone

from ..models import (
    AuditEvent,
    Entry,
    FailureReport,
    Group,
    Match,
    Protest,
    Reward,
    Robot,
    Round,
    Season,
)
from ..services import preconditions as pre
from . import _table

Phase = Season.Phase
RECENT_LIMIT = 15


@dataclass
class RingDay:
    ring: str
    matches: list[Match]


@dataclass
class SeasonPanel:
    season: Season
    blockers: list[pre.Blocker] = field(default_factory=list)
    no_robot_left: list[Entry] = field(default_factory=list)
    today: list[RingDay] = field(default_factory=list)
    applications: int = 0
    qualified: int = 0
    matches_done: int = 0
    matches_total: int = 0


@dataclass
class Dashboard:
    panels: list[SeasonPanel]
    pending_reports: list[FailureReport]
    recent: list[AuditEvent]
    pending_protests: list[Protest] = field(default_factory=list)

    @property
    def running(self) -> list[SeasonPanel]:
        return [p for p in self.panels if p.season.phase != Phase.FINISHED]

    @property
    def finished(self) -> list[SeasonPanel]:
        return [p for p in self.panels if p.season.phase == Phase.FINISHED]


def season_dashboard(*, now: dt.datetime | None = None) -> Dashboard:
    """Every season's phase, blockers (rule, what, where to fix), today's matches per ring, the
    teams left without a robot; the pending failure reports and protests (R18) and the latest
    audit events. 12 queries whatever the number of seasons."""
    now = now or timezone.now()
    seasons = list(Season.objects.order_by("-starts_on", "name"))  # 1
    open_ids = [s.pk for s in seasons if s.phase != Phase.FINISHED]
    entries = list(Entry.objects.filter(season_id__in=open_ids).select_related("team")  # 2
                   .annotate(member_count=Count("members", distinct=True))
                   .prefetch_related(Prefetch("robots", queryset=Robot.objects.order_by("role"))))  # 3
    groups = list(Group.objects.filter(season_id__in=open_ids).order_by("name"))  # 4
    matches = list(Match.objects.filter(season_id__in=open_ids)  # 5
                   .select_related("red__team", "blue__team")
                   .prefetch_related(Prefetch("rounds", queryset=Round.objects.order_by("number")),
                                     "allowances", "referees")  # 6, 7, 8
                   .order_by("scheduled_at", "ring", "slot"))
    reward_places = defaultdict(set)
    places = Reward.objects.filter(season_id__in=open_ids).values_list("season_id", "place")
    for season_id, place in places:  # 9
        reward_places[season_id].add(place)
    pending = list(FailureReport.objects.filter(status=FailureReport.Status.PENDING)  # 10
                   .select_related("entry__team", "entry__season", "robot", "match", "filed_by")
                   .order_by("filed_at"))
    recent = list(AuditEvent.objects.select_related("actor", "season")[:RECENT_LIMIT])  # 11
    protests = list(Protest.objects.filter(status=Protest.Status.FILED)  # 12
                    .select_related("entry__team", "match__season", "filed_by")
                    .order_by("filed_at"))
    protested = defaultdict(list)
    for p in protests:
        protested[p.match.season_id].append(p.match.slot)

    by_season = defaultdict(list)
    for e in entries:
        by_season[e.season_id].append(e)
    groups_of = defaultdict(list)
    for g in groups:
        groups_of[g.season_id].append(g)
    matches_of = defaultdict(list)
    for m in matches:
        matches_of[m.season_id].append(m)

    panels = []
    for season in seasons:
        panel = SeasonPanel(season=season)
        panels.append(panel)
        if season.phase == Phase.FINISHED:
            continue
        season_entries = by_season[season.pk]
        qualified = [e for e in season_entries if e.status == Entry.Status.QUALIFIED]
        season_matches = matches_of[season.pk]
        panel.applications = len(season_entries)
        panel.qualified = len(qualified)
        panel.matches_total = len(season_matches)
        panel.matches_done = sum(1 for m in season_matches if m.is_done)
        panel.blockers = _blockers(season, season_entries, qualified, groups_of[season.pk],
                                   season_matches, reward_places[season.pk], protested[season.pk])
        if season.phase in (Phase.GROUP_STAGE, Phase.KNOCKOUT):
            panel.no_robot_left = [e for e in qualified if pre.no_robot_left(e.robots.all())]
        panel.today = _today(season, season_matches, now)
    return Dashboard(panels=panels, pending_reports=pending, recent=recent,
                     pending_protests=protests)


def _blockers(season, entries, qualified, groups, matches, reward_places,
              protested) -> list[pre.Blocker]:
    if season.phase == Phase.REGISTRATION:
        return pre.registration_close_blockers(season, applications=len(entries))
    if season.phase == Phase.AUDITIONS:
        return pre.auditions_close_blockers(
            season, [(e, e.member_count, [r.role for r in e.robots.all()]) for e in qualified])
    if season.phase == Phase.DRAW:
        if not season.draw_has_run():
            return pre.draw_blockers(season, qualified)
        return pre.schedule_blockers(season, has_matches=bool(matches))
    referees = pre.referee_blockers((m, len(m.referees.all())) for m in matches if m.red_id or m.blue_id
                                    or m.stage != Match.Stage.GROUP)
    if season.phase == Phase.GROUP_STAGE:
        group_matches = [m for m in matches if m.stage == Match.Stage.GROUP]
        in_group = defaultdict(list)
        for e in qualified:
            if e.group_id:
                in_group[e.group_id].append(e)
        by_group = defaultdict(list)
        for m in group_matches:
            by_group[m.group_id].append(m)
        tables = [_table(g, in_group[g.pk], by_group[g.pk]) for g in groups]
        return pre.knockout_start_blockers(season, group_matches, tables) + referees
    knockout = [m for m in matches if m.stage != Match.Stage.GROUP]
    return pre.finish_blockers(season, knockout, reward_places, protested) + referees


def _today(season: Season, matches: list[Match], now: dt.datetime) -> list[RingDay]:
    today = now.astimezone(season.tz).date()
    rings = defaultdict(list)
    for m in matches:
        if m.scheduled_at and m.scheduled_at.astimezone(season.tz).date() == today:
            rings[m.ring].append(m)
    order = {name: i for i, name in enumerate(season.ring_list)}
    ordered = sorted(rings.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    return [RingDay(ring, ms) for ring, ms in ordered]
