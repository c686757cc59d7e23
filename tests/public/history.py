"""Twenty seasons of history, cheaply: copy a season built through the services row by row.

season_at("finished") drives every service (about a second); a copy with bulk_create takes a
few milliseconds and gives the query-count tests a league with a long history: the same 16
teams entering every season, so team pages span many seasons.
"""
from __future__ import annotations

import datetime as dt

from league.models import (
    AllowanceUse,
    Entry,
    FailureReport,
    Group,
    Match,
    Placing,
    Replacement,
    Reward,
    Robot,
    Round,
    Season,
    TeamMember,
)


def _copy(obj, **changes):
    """An unsaved copy of ``obj`` with new values for some fields."""
    data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    data.update(changes)
    return type(obj)(**data)


def clone_season(source: Season, *, index: int) -> Season:
    """A copy of ``source`` (and everything in it) as another season, ``index`` years earlier."""
    season = _copy(source, slug=f"{source.slug}-h{index}", name=f"{source.name} ({index})",
                   starts_on=source.starts_on - dt.timedelta(days=365 * index))
    season.save()
    Reward.objects.bulk_create([_copy(r, season_id=season.pk) for r in source.rewards.all()])
    groups = {g.pk: _copy(g, season_id=season.pk) for g in source.groups.all()}
    Group.objects.bulk_create(groups.values())
    entries = {e.pk: _copy(e, season_id=season.pk, group_id=groups[e.group_id].pk if e.group_id else None)
               for e in source.entries.all()}
    Entry.objects.bulk_create(entries.values())
    TeamMember.objects.bulk_create([_copy(m, entry_id=entries[m.entry_id].pk)
                                    for m in TeamMember.objects.filter(entry__season=source)])
    robots = {r.pk: _copy(r, season_id=season.pk, entry_id=entries[r.entry_id].pk)
              for r in Robot.objects.filter(season=source)}
    Robot.objects.bulk_create(robots.values())

    def entry(pk):
        return entries[pk].pk if pk else None

    def robot(pk):
        return robots[pk].pk if pk else None

    source_matches = list(source.matches.all())
    matches = {m.pk: _copy(m, season_id=season.pk, group_id=groups[m.group_id].pk if m.group_id else None,
                           red_id=entry(m.red_id), blue_id=entry(m.blue_id), winner_id=entry(m.winner_id),
                           red_robot_id=robot(m.red_robot_id), blue_robot_id=robot(m.blue_robot_id),
                           winner_to_id=None, loser_to_id=None)
               for m in source_matches}
    Match.objects.bulk_create(matches.values())
    fed = []
    for m in source_matches:
        copy = matches[m.pk]
        if m.winner_to_id or m.loser_to_id:
            copy.winner_to_id = matches[m.winner_to_id].pk if m.winner_to_id else None
            copy.loser_to_id = matches[m.loser_to_id].pk if m.loser_to_id else None
            fed.append(copy)
    Match.objects.bulk_update(fed, ["winner_to", "loser_to"])
    through = Match.referees.through
    through.objects.bulk_create([through(match_id=matches[t.match_id].pk, user_id=t.user_id)
                                 for t in through.objects.filter(match__season=source)])
    Round.objects.bulk_create([_copy(r, match_id=matches[r.match_id].pk)
                               for r in Round.objects.filter(match__season=source)])
    AllowanceUse.objects.bulk_create([_copy(a, match_id=matches[a.match_id].pk)
                                      for a in AllowanceUse.objects.filter(match__season=source)])
    reports = {f.pk: _copy(f, entry_id=entries[f.entry_id].pk, robot_id=robots[f.robot_id].pk,
                           match_id=matches[f.match_id].pk if f.match_id else None)
               for f in FailureReport.objects.filter(entry__season=source)}
    FailureReport.objects.bulk_create(reports.values())
    Replacement.objects.bulk_create([
        _copy(r, entry_id=entries[r.entry_id].pk, failure_report_id=reports[r.failure_report_id].pk,
              old_robot_id=robots[r.old_robot_id].pk, new_robot_id=robots[r.new_robot_id].pk)
        for r in Replacement.objects.filter(entry__season=source)])
    Placing.objects.bulk_create([_copy(p, season_id=season.pk, entry_id=entries[p.entry_id].pk)
                                 for p in source.placings.all()])
    return season


def build_history(source: Season, seasons: int) -> list[Season]:
    """``seasons - 1`` copies of ``source``: a league with ``seasons`` seasons in all."""
    return [clone_season(source, index=i) for i in range(1, seasons)]
