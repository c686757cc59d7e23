"""Plumbing every service shares: audit records, public version bumps, role checks."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.text import capfirst
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
        actor=actor if getattr(actor, "pk", None) else None,  # the system actor is a real user
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


def require_actor(actor) -> None:
    """Every service names who acts: a user, or system_actor() for the league's own hand."""
    if actor is None or getattr(actor, "pk", None) is None:
        raise NotAllowed("R7", _("Nobody is named as doing this: sign in, or act as the system."))


def require_organizer(actor) -> None:
    require_actor(actor)
    if not is_system(actor) and not roles.is_organizer(actor):
        raise NotAllowed("R7", _("Only an organizer may do this."))


def require_head_referee(actor) -> None:
    require_actor(actor)
    if not is_system(actor) and not roles.is_head_referee(actor):
        raise NotAllowed("R7", _("Only a head referee may do this."))


def require_team_hand(actor, team) -> None:
    """The team's own managers (on the teams' site), an organizer or the system."""
    require_actor(actor)
    if is_system(actor) or roles.is_organizer(actor) or roles.manages_team(actor, team):
        return
    raise NotAllowed("R7", _("Only the team's managers or an organizer may do this."))


def person(actor):
    """The user to store in a "recorded by" field: the acting person; the system is nobody there
    (its hand shows in the audit trail)."""
    return None if actor is None or is_system(actor) else actor


def _constraint_messages() -> dict[str, str]:
    """Every model constraint's name -> the sentence to show when it trips."""
    from django.apps import apps

    found = {}
    for model in apps.get_app_config("league").get_models():
        for constraint in model._meta.constraints:
            found[constraint.name] = constraint.get_violation_error_message()
    return found


def _sentence(message: str, field: str | None, model: models.Model) -> str:
    """A ValidationError message as the organizer reads it: the field's name in front, and a
    database constraint's default message ("Constraint “x” is violated.") never shown as it is."""
    for name, text in _constraint_messages().items():
        if f"“{name}”" in message:
            message = text if text != message else _("These values break a league rule.")
            break
    if field and field != NON_FIELD_ERRORS:
        label = model._meta.get_field(field).verbose_name
        return f"{capfirst(label)}: {message}"
    return message


def validation_text(exc: ValidationError, model: models.Model) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(_sentence(m, field, model) for field, errors in exc.error_dict.items()
                         for e in errors for m in e.messages)
    return "; ".join(_sentence(m, None, model) for m in exc.messages)


def save_checked(obj: models.Model, *, exclude: list[str] | None = None, **save_kwargs) -> None:
    """full_clean() then save(); a refusal names the field, a database constraint that still
    trips (a race full_clean() could not see) becomes its sentence, never its name."""
    try:
        obj.full_clean(exclude=exclude)
        with transaction.atomic():
            obj.save(**save_kwargs)
    except ValidationError as exc:  # one field at fault is named (an import shows it as the place)
        fields = [f for f in getattr(exc, "error_dict", {}) if f != NON_FIELD_ERRORS]
        raise RuleViolation(None, validation_text(exc, obj),
                            field=fields[0] if len(fields) == 1 else None) from exc
    except IntegrityError as exc:
        text = str(exc)
        for name, message in _constraint_messages().items():
            if name in text:
                raise RuleViolation(None, str(message)) from exc
        raise RuleViolation(None, _("The change clashes with data saved meanwhile; try again.")) from exc


class _Rollback(Exception):
    def __init__(self, value):
        super().__init__("dry run")
        self.value = value


def dry_run(fn):
    """Call ``fn`` in a transaction that is then rolled back; return what it returned.

    A RuleViolation raised by ``fn`` propagates (and nothing is kept either). ``fn`` must turn
    what it wants to show into plain data before returning: the rows it made are gone after.
    """
    try:
        with transaction.atomic():
            raise _Rollback(fn())
    except _Rollback as done:
        return done.value
