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


def is_team_account(user) -> bool:
    """An account of the teams' site: signed in, active, not staff and holding no staff role
    (a referee or an organizer never acts for a team)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False) and not getattr(user, "is_staff", False)
                and not getattr(user, "is_superuser", False) and not (_groups(user) & set(ALL)))


def forget_teams(user) -> None:
    """Drop the cached team ids (after the user's TeamManager rows changed)."""
    if user is not None:
        user.__dict__.pop("_league_team_ids", None)


def managed_team_ids(user) -> frozenset[int]:
    """The teams a team account manages (manager or co-manager); empty for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_league_team_ids", None)
    if cached is None:
        from league.models import TeamManager

        cached = frozenset(TeamManager.objects.filter(user=user).values_list("team_id", flat=True))
        user._league_team_ids = cached
    return cached


def manages_team(user, team) -> bool:
    """May this user act for the team on the teams' site? Staff never act for a team."""
    if getattr(user, "is_staff", False):
        return False
    team_id = getattr(team, "pk", team)
    return team_id in managed_team_ids(user)
