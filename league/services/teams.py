"""Teams: the identity that lasts across seasons (R2). The slug is that identity: a team is found
by its slug (the admin, the imports, the demo), and created once."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import RuleViolation
from ..models import Season, Team
from ..zh import propose_hant
from .common import audit, bump, require_organizer, save_checked

TEAM_FIELDS = ("name_en", "name_zh", "name_zh_hant", "organization", "registration_number", "kind",
               "country")


def _cleaned(fields: dict) -> dict:
    unknown = sorted(set(fields) - set(TEAM_FIELDS) - {"slug"})
    if unknown:
        raise RuleViolation(None, _("Not a team field: %(names)s.") % {"names": ", ".join(unknown)})
    out = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    if isinstance(out.get("country"), str):
        out["country"] = out["country"].upper()
    return out


def team_create(*, slug: str, actor, **fields) -> Team:
    """A new team. R2: its slug is its identity across seasons; a slug already taken is that
    team, and is refused here (find it with Team.objects.get(slug=...), change it with
    team_update). Without a 繁體 name (name_zh_hant), one is proposed from name_zh (OpenCC)."""
    require_organizer(actor)
    return team_create_checked(slug=slug, actor=actor, **fields)


def team_create_checked(*, slug: str, actor, **fields) -> Team:
    """team_create after the caller checked who acts (the teams' site: a team account applying,
    league.services.teamsite)."""
    fields = propose_hant(_cleaned({"slug": slug, **fields}), ["name"])
    with transaction.atomic():
        existing = Team.objects.filter(slug=fields["slug"]).first()
        if existing is not None:
            raise RuleViolation("R2", _("The slug %(slug)s is the team %(team)s, which already "
                                        "exists: a team's identity lasts across seasons.") % {
                "slug": fields["slug"], "team": existing})
        team = Team(**fields)
        save_checked(team)
        audit(actor=actor, action="team_created", obj=team, season=None)
        return team


def team_update(*, team: Team, actor, **changes) -> Team:
    """Change a team's identity fields. R2: the slug is its identity and stays once the team has
    entered a season (its history and links use it). A new 简体 name given without a 繁體 one
    brings a new proposal for it; a 繁體 name given is kept as typed."""
    require_organizer(actor)
    changes = _cleaned(changes)
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        # A 繁體 name left blank is proposed from the 简体 one (the new one, else the team's).
        changes = propose_hant(changes, ["name"], current=team)
        changed = {k: v for k, v in changes.items() if getattr(team, k) != v}
        if not changed:
            return team
        if "slug" in changed and team.entries.exists():
            raise RuleViolation("R2", _("%(team)s has entered a season: its slug is its identity "
                                        "and no longer changes.") % {"team": team})
        before = {k: str(getattr(team, k)) for k in changed}
        for name, value in changed.items():
            setattr(team, name, value)
        save_checked(team)
        audit(actor=actor, action="team_changed", obj=team, season=None,
              data={k: [before[k], str(getattr(team, k))] for k in changed})
        for season_id in Season.objects.filter(entries__team=team).values_list("pk", flat=True):
            bump(season_id)  # the team's names show on every season it entered
        return team
