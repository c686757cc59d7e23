"""Plumbing every service shares: audit records, public version bumps, role checks."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import F
from django.utils.translation import gettext as _

from .. import roles
from ..errors import NotAllowed, RuleViolation
from ..models import AuditEvent, Season


def audit(*, actor, action: str, obj: models.Model, season: Season | None = None,
          from_state: str = "", to_state: str = "", reason: str = "",
          data: dict[str, Any] | None = None) -> AuditEvent:
    """Record one state change: who, when, what, from, to, why."""
    if season is None:
        season = obj if isinstance(obj, Season) else getattr(obj, "season", None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        season=season,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        from_state=str(from_state),
        to_state=str(to_state),
        reason=reason[:500],
        data=data or {},
    )


def bump(season: Season | int, *, match=None) -> None:
    """Tell live pages that what the public sees of this season changed: their ETag, and a
    pushed event once the transaction commits (league.push)."""
    from ..push import publish_on_commit

    season_id = season.pk if isinstance(season, Season) else season
    Season.objects.filter(pk=season_id).update(version=F("version") + 1)
    publish_on_commit(season_id, match_id=getattr(match, "pk", None),
                      ring=getattr(match, "ring", ""))


def lock_season(season: Season) -> Season:
    """Re-read the season under a row lock (PostgreSQL) so its phase cannot move under us."""
    return Season.objects.select_for_update().get(pk=season.pk)


def require_phase(season: Season, *phases: str, rule: str | None = None, doing: str) -> None:
    if season.phase not in phases:
        names = ", ".join(str(Season.Phase(p).label) for p in phases)
        raise RuleViolation(
            rule,
            _("%(doing)s is possible only in the phase %(phases)s; the season is in %(now)s.")
            % {"doing": doing, "phases": names, "now": season.get_phase_display()},
        )


SYSTEM_USERNAME = "system"


def system_actor():
    """The league's own hand (imports, the demo season, the shell): a real user that cannot log
    in, so the audit trail names it instead of showing a blank."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "League", "last_name": "system",
                  "password": "!system-cannot-log-in"})
    return user


def is_system(actor) -> bool:
    return getattr(actor, "username", None) == SYSTEM_USERNAME and not getattr(actor, "is_active", True)


def require_organizer(actor) -> None:
    if actor is not None and not is_system(actor) and not roles.is_organizer(actor):
        raise NotAllowed("R7", _("Only an organizer may do this."))


def require_head_referee(actor) -> None:
    if actor is not None and not is_system(actor) and not roles.is_head_referee(actor):
        raise NotAllowed("R7", _("Only a head referee may do this."))


def save_checked(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """full_clean() then save(); a database constraint that still trips becomes a RuleViolation."""
    try:
        obj.full_clean(exclude=exclude)
        obj.save()
    except ValidationError as exc:
        raise RuleViolation(None, "; ".join(exc.messages)) from exc
    except IntegrityError as exc:  # a race that full_clean() could not see
        raise RuleViolation(None, _("The database refused the change: %(err)s") % {"err": exc}) from exc
