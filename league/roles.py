"""The three staff roles, as Django groups created by a migration."""
from __future__ import annotations

ORGANIZER = "organizer"
HEAD_REFEREE = "head_referee"
REFEREE = "referee"
ALL = (ORGANIZER, HEAD_REFEREE, REFEREE)


def _groups(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_league_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._league_roles = cached
    return cached


def is_organizer(user) -> bool:
    return bool(user and getattr(user, "is_superuser", False)) or ORGANIZER in _groups(user)


def is_head_referee(user) -> bool:
    return HEAD_REFEREE in _groups(user)


def is_referee(user) -> bool:
    """Any referee: a head referee is a referee too."""
    return bool(_groups(user) & {REFEREE, HEAD_REFEREE})
