"""Staff accounts and their league roles (R7): who may manage whom, every change audited.

An organizer manages people only inside the three league roles (organizer, head referee,
referee): they create and edit staff accounts and give them those roles, but never make a
superuser, never touch a superuser's account or one that holds anything beyond the league roles,
and never hand out a group or a permission of their own choosing. Only a superuser does that.
Group and permission editing itself is a superuser's (league/admin/users.py), the organizer
role holds no permission on groups (migration 0006).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from .. import roles
from ..errors import NotAllowed, RuleViolation
from .common import audit, is_system, require_actor, require_organizer, save_checked

# What an organizer may change on an account; a superuser may also change SUPERUSER_FIELDS.
FIELDS = ("username", "first_name", "last_name", "email", "is_active")
SUPERUSER_FIELDS = ("is_staff", "is_superuser")


def _is_superuser(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or is_system(actor)


def _beyond_roles(user) -> bool:
    """Does the account hold anything beyond the league roles (another group, a permission)?"""
    if user.pk is None:
        return False
    return (user.groups.exclude(name__in=roles.ALL).exists()
            or user.user_permissions.exists())


def may_manage(actor, user) -> bool:
    """May ``actor`` change ``user`` (an existing account)? The admin asks this to show or hide
    the change form; the services below re-check it under the row lock."""
    if _is_superuser(actor):
        return True
    if not roles.is_organizer(actor):
        return False
    return not user.is_superuser and not _beyond_roles(user)


def _require_manage(actor, user) -> None:
    require_organizer(actor)
    if _is_superuser(actor):
        return
    if user.is_superuser:
        raise NotAllowed("R7", _("Only a superuser may change a superuser's account."))
    if _beyond_roles(user):
        raise NotAllowed("R7", _("%(user)s holds groups or permissions beyond the league roles: "
                                 "only a superuser may change this account.") % {"user": user})


def _role_groups(actor, names: Iterable[str]) -> list[Group]:
    names = sorted(set(names))
    allowed = None if _is_superuser(actor) else set(roles.ALL)
    if allowed is not None and set(names) - allowed:
        raise NotAllowed("R7", _("An organizer gives only the league roles (%(roles)s), not %(asked)s.")
                         % {"roles": ", ".join(roles.ALL),
                            "asked": ", ".join(sorted(set(names) - allowed))})
    groups = list(Group.objects.filter(name__in=names).order_by("name"))
    missing = set(names) - {g.name for g in groups}
    if missing:
        raise RuleViolation(None, _("No such role: %(names)s.") % {"names": ", ".join(sorted(missing))})
    return groups


def _derived_staff(actor, user, role_names: list[str]) -> None:
    """Admin access follows the organizer role when an organizer edits; a superuser sets it."""
    if not _is_superuser(actor):
        user.is_staff = roles.ORGANIZER in role_names


def _check_fields(actor, fields: dict[str, Any]) -> None:
    allowed = FIELDS + SUPERUSER_FIELDS if _is_superuser(actor) else FIELDS
    refused = sorted(set(fields) - set(allowed))
    if refused:
        raise NotAllowed("R7", _("Only a superuser may change %(fields)s.") % {"fields": ", ".join(refused)})


def _user_locked(user):
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def staff_create(*, user, roles: Iterable[str] = (), actor):
    """Save a new staff account built by a form (username, names, hashed password), with its
    league roles. An organizer's account is admin staff; nobody is made a superuser here unless
    a superuser asks."""
    require_organizer(actor)
    role_names = sorted(set(roles))
    if user.is_superuser and not _is_superuser(actor):
        raise NotAllowed("R7", _("Only a superuser may make a superuser."))
    with transaction.atomic():
        groups = _role_groups(actor, role_names)
        _derived_staff(actor, user, role_names)
        save_checked(user, exclude=["password"])
        user.groups.set(groups)
        user._league_roles = None
        audit(actor=actor, action="staff_created", obj=user, to_state=", ".join(role_names),
              data={"fields": {name: getattr(user, name) for name in FIELDS + SUPERUSER_FIELDS},
                    "roles": role_names})
    return user


def staff_update(*, user, fields: dict[str, Any] | None = None, roles: Iterable[str] | None = None,
                 permissions: Iterable[Permission] | None = None, actor):
    """Change an account's fields and (when given) its roles in one step, audited with the values
    before and after. ``permissions`` (direct user permissions) is a superuser's only."""
    fields = dict(fields or {})
    _check_fields(actor, fields)
    if permissions is not None and not _is_superuser(actor):
        raise NotAllowed("R7", _("Only a superuser may give a permission."))
    with transaction.atomic():
        locked = _user_locked(user)
        _require_manage(actor, locked)
        changed = {}
        for name, value in fields.items():
            old = getattr(locked, name)
            if old != value:
                changed[name] = [old, value]
                setattr(locked, name, value)
        before_roles = sorted(locked.groups.values_list("name", flat=True))
        role_names = before_roles if roles is None else sorted(set(roles))
        groups = _role_groups(actor, role_names) if roles is not None else None
        was_staff = locked.is_staff
        if roles is not None:
            _derived_staff(actor, locked, role_names)
        if locked.is_staff != was_staff and "is_staff" not in changed:
            changed["is_staff"] = [was_staff, locked.is_staff]
        save_checked(locked, exclude=["password"])
        if groups is not None:
            locked.groups.set(groups)
        data: dict[str, Any] = {"changed": changed}
        if role_names != before_roles:
            data["roles"] = [before_roles, role_names]
        if permissions is not None:
            before = sorted(locked.user_permissions.values_list("codename", flat=True))
            locked.user_permissions.set(list(permissions))
            after = sorted(locked.user_permissions.values_list("codename", flat=True))
            if before != after:
                data["permissions"] = [before, after]
        if len(data) > 1 or changed:
            audit(actor=actor, action="staff_changed", obj=locked,
                  from_state=", ".join(before_roles), to_state=", ".join(role_names), data=data)
    for name in list(fields) + ["is_staff"]:
        setattr(user, name, getattr(locked, name))
    user._league_roles = None
    return locked


def staff_roles_set(*, user, roles: Iterable[str], actor):
    """Give an account exactly these roles (an organizer: only the league roles)."""
    return staff_update(user=user, roles=roles, actor=actor)


def staff_password_changed(*, user, actor) -> None:
    """Record that ``actor`` set a new password for ``user`` (the password form of Django's
    admin writes the hash; the right to do it is re-checked here, the password never recorded)."""
    with transaction.atomic():
        locked = _user_locked(user)
        _require_manage(actor, locked)
        audit(actor=actor, action="staff_password_set", obj=locked)


def staff_delete(*, user, actor) -> None:
    """Delete an account (a superuser's act: the organizer role holds no delete permission)."""
    require_actor(actor)
    if not _is_superuser(actor):
        raise NotAllowed("R7", _("Only a superuser may delete an account."))
    with transaction.atomic():
        locked = _user_locked(user)
        if locked.pk == getattr(actor, "pk", None):
            raise RuleViolation(None, _("You cannot delete your own account."))
        pk = locked.pk
        audit(actor=actor, action="staff_deleted", obj=locked,
              from_state=", ".join(sorted(locked.groups.values_list("name", flat=True))))
        try:
            locked.delete()
        except ProtectedError as exc:
            raise RuleViolation(None, _("%(user)s is named in the league's records (failure reports "
                                        "or decisions): deactivate the account instead.")
                                % {"user": locked}) from exc
        locked.pk = pk
