"""Write a whole season as a plain, deterministic JSON document (see docs/season-format.md).

No database ids: teams are named by slug, robots by serial, matches by slot, users by username,
failure reports by their position in the file. Every list is in the canonical order of
``format.SORT_KEYS``, keys are sorted, so the same season always gives the same bytes.
"""
from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from ..models import (
    AllowanceUse,
    AuditEvent,
    Entry,
    FailureReport,
    Match,
    Placing,
    Replacement,
    Round,
    Season,
)
from .format import FORMAT, ROLES, SORT_KEYS, VERSION, dt_out, money_out


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _sorted(items: list, key: str) -> list:
    return sorted(items, key=SORT_KEYS[key])


def season_document(season: Season) -> dict[str, Any]:
    """The season as a JSON-ready dict. A fixed number of queries (14) whatever its size."""
    season = Season.objects.get(pk=season.pk)
    users: set[str] = set()

    def user(u) -> str | None:
        name = _name(u)
        if name is not None:
            users.add(name)
        return name

    doc_season = {
        "slug": season.slug, "name": season.name, "name_zh": season.name_zh,
        "name_zh_hant": season.name_zh_hant, "city": season.city, "city_zh": season.city_zh,
        "city_zh_hant": season.city_zh_hant, "venue": season.venue, "venue_zh": season.venue_zh,
        "venue_zh_hant": season.venue_zh_hant, "time_zone": season.time_zone,
        "starts_on": season.starts_on.isoformat(), "day_start": season.day_start.isoformat(),
        "rings": season.rings, "rings_zh": season.rings_zh, "rings_zh_hant": season.rings_zh_hant,
        "phase": season.phase, "best_of": season.best_of,
        "round_minutes": season.round_minutes, "slot_minutes": season.slot_minutes,
        "min_rest_minutes": season.min_rest_minutes, "third_place_match": season.third_place_match,
        "draw_seed": season.draw_seed, "knockout_seed": season.knockout_seed,
        "created_at": dt_out(season.created_at),
        "rewards": _sorted([
            {"place": r.place, "description": r.description, "description_zh": r.description_zh,
             "description_zh_hant": r.description_zh_hant, "value": money_out(r.value),
             "currency": r.currency} for r in season.rewards.all()], "season.rewards"),
    }

    entries = list(Entry.objects.filter(season=season).select_related("team", "group")
                   .prefetch_related("members", "robots"))
    teams = {e.team.slug: e.team for e in entries}
    doc_teams = _sorted([
        {"slug": t.slug, "name_en": t.name_en, "name_zh": t.name_zh, "name_zh_hant": t.name_zh_hant,
         "organization": t.organization,
         "registration_number": t.registration_number, "kind": t.kind, "country": t.country}
        for t in teams.values()], "teams")
    doc_entries = _sorted([
        {"team": e.team.slug, "status": e.status, "reason": e.status_reason, "seed": e.seed,
         "pot": e.pot, "group": e.group.name if e.group else None, "lot": e.lot,
         "applied_at": dt_out(e.applied_at),
         "members": _sorted([{"name": m.name, "role": m.role} for m in e.members.all()],
                            "entries[].members"),
         "robots": _sorted([{"role": r.role, "model": r.model, "serial": r.serial, "name": r.name,
                             "status": r.status} for r in e.robots.all()], "entries[].robots")}
        for e in entries], "entries")
    doc_groups = _sorted([
        {"name": g.name,
         "teams": [e.team.slug for e in sorted((e for e in entries if e.group_id == g.pk),
                                               key=lambda e: (e.pot or 0, e.team.slug))]}
        for g in season.groups.all()], "groups")

    matches = list(
        Match.objects.filter(season=season)
        .select_related("group", "red__team", "blue__team", "winner__team", "red_robot",
                        "blue_robot", "signed_off_by")
        .prefetch_related(
            "referees",
            Prefetch("rounds", queryset=Round.objects.select_related("recorded_by").order_by("number")),
            Prefetch("allowances", queryset=AllowanceUse.objects.select_related("recorded_by")
                     .order_by("round_number", "recorded_at", "id"))))
    corrections: dict[int, list[dict]] = {}
    for event in (AuditEvent.objects.filter(season=season, action="result_corrected",
                                            object_type="match")
                  .select_related("actor").order_by("at", "id")):
        corrections.setdefault(event.object_id, []).append(
            {"by": user(event.actor), "reason": event.reason})
    doc_matches = _sorted([_match(m, user, corrections.get(m.pk, [])) for m in matches], "matches")

    reports = list(FailureReport.objects.filter(entry__season=season)
                   .select_related("entry__team", "robot", "match", "filed_by", "decided_by")
                   .order_by("filed_at", "id"))
    report_index = {r.pk: i for i, r in enumerate(reports)}
    doc_reports = [
        {"team": r.entry.team.slug, "robot": r.robot.serial, "match": r.match.slot if r.match else None,
         "description": r.description, "irreversible": r.irreversible, "status": r.status,
         "filed_by": user(r.filed_by), "filed_at": dt_out(r.filed_at),
         "decided_by": user(r.decided_by), "decided_at": dt_out(r.decided_at),
         "note": r.decision_note}
        for r in reports]
    doc_replacements = _sorted([
        {"team": r.entry.team.slug, "failure_report": report_index[r.failure_report_id],
         "old_robot": r.old_robot.serial, "new_robot": r.new_robot.serial,
         "recorded_by": user(r.recorded_by), "recorded_at": dt_out(r.recorded_at)}
        for r in Replacement.objects.filter(entry__season=season)
        .select_related("entry__team", "old_robot", "new_robot", "recorded_by")], "replacements")
    doc_placings = _sorted([
        {"place": p.place, "team": p.entry.team.slug,
         "reward": {"description": p.reward_description,
                    "description_zh": p.reward_description_zh,
                    "description_zh_hant": p.reward_description_zh_hant,
                    "value": money_out(p.reward_value), "currency": p.reward_currency}}
        for p in Placing.objects.filter(season=season).select_related("entry__team")], "placings")

    doc_users = []
    if users:
        for u in (get_user_model().objects.filter(username__in=users).prefetch_related("groups")):
            roles = sorted(g.name for g in u.groups.all() if g.name in ROLES)
            doc_users.append({"username": u.get_username(), "roles": roles})
    return {
        "format": FORMAT,
        "version": VERSION,
        "season": doc_season,
        "users": _sorted(doc_users, "users"),
        "teams": doc_teams,
        "entries": doc_entries,
        "groups": doc_groups,
        "matches": doc_matches,
        "failure_reports": doc_reports,
        "replacements": doc_replacements,
        "placings": doc_placings,
    }


def _match(m: Match, user, corrections: list[dict]) -> dict[str, Any]:
    swap = None
    if m.method == "dq" and m.winner_id is not None:
        swap = "blue" if m.winner_id == m.red_id else "red"
    return {
        "slot": m.slot, "stage": m.stage, "group": m.group.name if m.group else None, "day": m.day,
        "red": m.red.team.slug if m.red else None, "blue": m.blue.team.slug if m.blue else None,
        "ring": m.ring, "scheduled_at": dt_out(m.scheduled_at), "status": m.status,
        "referees": _sorted([user(u) for u in m.referees.all()], "matches[].referees"),
        "red_robot": m.red_robot.serial if m.red_robot else None,
        "blue_robot": m.blue_robot.serial if m.blue_robot else None,
        "red_seal": m.red_seal, "blue_seal": m.blue_seal,
        "started_at": dt_out(m.started_at),
        "battery_swap": swap,
        "rounds": [
            {"number": r.number, "winner": r.winner, "method": r.method,
             "red_points": r.red_points, "blue_points": r.blue_points,
             "red_knockdowns": r.red_knockdowns, "blue_knockdowns": r.blue_knockdowns,
             "red_fouls": r.red_fouls, "blue_fouls": r.blue_fouls,
             "recorded_by": user(r.recorded_by), "recorded_at": dt_out(r.recorded_at)}
            for r in m.rounds.all()],
        "allowances": [
            {"corner": a.corner, "kind": a.kind, "round": a.round_number,
             "recorded_by": user(a.recorded_by), "recorded_at": dt_out(a.recorded_at)}
            for a in m.allowances.all()],
        "winner": m.winner.team.slug if m.winner else None,
        "red_rounds": m.red_rounds, "blue_rounds": m.blue_rounds, "method": m.method,
        "note": m.result_note, "finished_at": dt_out(m.finished_at),
        "signed_off_by": user(m.signed_off_by), "signed_off_at": dt_out(m.signed_off_at),
        "corrections": corrections,
    }


def dumps(document: dict[str, Any]) -> str:
    """The canonical text: sorted keys, two-space indent, UTF-8 as is, a final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def export_season(season: Season) -> str:
    return dumps(season_document(season))
