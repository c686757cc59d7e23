"""The writes an import needs that no organizer or referee form makes.

The season replay (league/exchange/replay.py) and the applications import call these and the
ordinary services, never the ORM. Each is keyword-only, takes ``actor`` (the system actor for an
import), runs in one transaction and writes an audit record.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import RuleViolation
from ..models import AllowanceUse, Entry, FailureReport, Match, Replacement, Round, Season
from .common import audit, bump, lock_season, require_organizer, save_checked
from .season import check_group_schedule


def _clean(obj, rule: str | None) -> None:
    """full_clean() and save(); a refusal names the field (the import shows it as the place)."""
    try:
        obj.full_clean(exclude=["password"] if hasattr(obj, "set_password") else None)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            raise RuleViolation(rule, "; ".join(m for e in errors for m in e.messages),
                                field=None if field == "__all__" else field) from exc
        raise RuleViolation(rule, "; ".join(exc.messages)) from exc
    save_checked(obj, exclude=["password"] if hasattr(obj, "set_password") else None)


def account_create(*, actor, username: str, roles: list[str]):
    """An account named by an imported file: no usable password, in its role groups."""
    require_organizer(actor)
    User = get_user_model()
    with transaction.atomic():
        groups = {g.name: g for g in AuthGroup.objects.filter(name__in=roles)}
        missing = [r for r in roles if r not in groups]
        if missing:
            raise RuleViolation(None, _("The role group %(role)s does not exist in this database.")
                                % {"role": missing[0]})
        user = User(username=username, is_staff="organizer" in roles)
        user.set_unusable_password()
        _clean(user, None)
        user.groups.set([groups[r] for r in roles])
        return user


def fixtures_place(*, season: Season, fixtures: dict[int, dict[str, Any]], actor,
                   check_groups: bool = False) -> None:
    """Give matches the slot, day, ring and time of an imported schedule. With
    ``check_groups`` the group schedule is checked (R11) as a whole before anything is saved."""
    require_organizer(actor)
    allowed = {"slot", "day", "ring", "scheduled_at", "red_id", "blue_id"}
    with transaction.atomic():
        season = lock_season(season)
        matches = Match.objects.select_for_update().filter(season=season).in_bulk(list(fixtures))
        if check_groups:
            planned = []
            for pk, fields in fixtures.items():
                for field, value in fields.items():
                    setattr(matches[pk], field, value)
                planned.append(matches[pk])
            check_group_schedule(season, planned)
        if any("slot" in f for f in fixtures.values()):  # free the slots first: (season, slot) is unique
            for pk in fixtures:
                Match.objects.filter(pk=pk).update(slot=f"~{pk}")
        for pk, fields in fixtures.items():
            unknown = set(fields) - allowed
            if unknown:
                raise ValueError(f"fixtures_place cannot set {sorted(unknown)}")
            Match.objects.filter(pk=pk).update(**fields)
        audit(actor=actor, action="fixtures_placed", obj=season, data={"matches": len(fixtures)})
        bump(season)


def _restore(model, rows: dict[int, dict[str, Any]], allowed: set[str], **scope) -> None:
    """Set the given fields of each row (by primary key, within the season's scope): only the
    fields a replay stamps with its own time may be put back."""
    for pk, fields in rows.items():
        if set(fields) - allowed:
            raise ValueError(f"history_restore cannot set {sorted(set(fields) - allowed)}")
        model.objects.filter(pk=pk, **scope).update(**fields)


def history_restore(*, season: Season, actor, created_at: dt.datetime,
                    entries: dict[int, dt.datetime], matches: dict[int, dict[str, Any]],
                    rounds: dict[int, dt.datetime], allowances: dict[int, dt.datetime],
                    reports: dict[int, dict[str, Any]], replacements: dict[int, dt.datetime],
                    source: str = "", data: dict | None = None) -> None:
    """Put back what the services stamp with the time of the replay: the instants of an imported
    season (applied, started, finished, signed off, recorded, filed, decided) and result notes;
    record the import in the audit trail."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        Season.objects.filter(pk=season.pk).update(created_at=created_at)
        _restore(Entry, {pk: {"applied_at": when} for pk, when in entries.items()},
                 {"applied_at"}, season=season)
        _restore(Match, matches, {"started_at", "finished_at", "signed_off_at", "result_note"},
                 season=season)
        _restore(Round, {pk: {"recorded_at": when} for pk, when in rounds.items()},
                 {"recorded_at"}, match__season=season)
        _restore(AllowanceUse, {pk: {"recorded_at": when} for pk, when in allowances.items()},
                 {"recorded_at"}, match__season=season)
        _restore(FailureReport, reports, {"filed_at", "decided_at"}, entry__season=season)
        _restore(Replacement, {pk: {"recorded_at": when} for pk, when in replacements.items()},
                 {"recorded_at"}, entry__season=season)
        audit(actor=actor, action="season_imported", obj=season, to_state=season.phase,
              reason=source[:500], data=data)
        bump(season)
