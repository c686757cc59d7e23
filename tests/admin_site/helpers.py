"""Builders and small helpers of the admin tests."""
from __future__ import annotations

from django.urls import reverse

from league import services
from league.models import Corner, Entry, Match, Season
from league.services.common import system_actor
from tests import factories


def season_url(name: str, season, *args) -> str:
    return reverse(f"admin:league_season_{name}", args=[season.pk, *args])


def phase_url(season, action: str) -> str:
    return reverse("admin:league_season_phase", args=[season.pk, action])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def refused_names_rule(response, rule: str) -> bool:
    text = response.content.decode()
    return f"{rule}:" in text


def auditions_season(*, applicants: int = 17, passed: int = 17, qualify: int = 16) -> Season:
    """A season in its auditions: ``passed`` auditions passed, the first ``qualify`` qualified."""
    season = factories.SeasonFactory()
    entries = [factories.apply_team(season, factories.catalogue_team(i), i) for i in range(applicants)]
    services.season_registration_close(season=season, actor=system_actor())
    for entry in entries[:passed]:
        services.entry_audition(entry=entry, passed=True, actor=system_actor())
    for entry in entries[:qualify]:
        services.entry_qualify(entry=entry, actor=system_actor())
    season.refresh_from_db()
    return season


def play_group_stage(season: Season, *, tie_group: str | None = None) -> None:
    """Finish every group match: the team from the better pot wins, so no group needs lots.

    In ``tie_group`` every match is a double forfeit: its four teams stay level on everything
    and only the drawing of lots can order them (R12).
    """
    matches = season.matches.filter(stage=Match.Stage.GROUP).select_related("red", "blue", "group")
    for match in matches.order_by("scheduled_at", "ring"):
        if match.group.name == tie_group:
            services.match_forfeit(match=match, corners=["red", "blue"], reason="Both robots failed",
                                   actor=system_actor())
        else:
            factories.play_match(match, winner=Corner.RED if match.red.pot < match.blue.pot else Corner.BLUE)
    season.refresh_from_db()


def group_stage_season(*, played: bool = True, tie_group: str | None = None) -> Season:
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    if played:
        play_group_stage(season, tie_group=tie_group)
    season.refresh_from_db()
    return season


def finish_knockout(season: Season) -> None:
    for slot in ("QF1", "QF2", "QF3", "QF4", "SF1", "SF2", "3P", "F"):
        match = season.matches.filter(slot=slot).first()
        if match is not None and not match.is_done:
            factories.play_match(match, winner=Corner.RED)
    season.refresh_from_db()


def qualified_entries(season: Season) -> list[Entry]:
    return list(season.entries.filter(status=Entry.Status.QUALIFIED).select_related("team"))


def season_at(client, state: str) -> Season:
    """factories.season_at, keeping the client logged in: from "group_stage" on the factory
    (re)creates the staff users, which resets their passwords and so ends their sessions."""
    from django.contrib.auth import get_user_model

    season = factories.season_at(state)
    user_id = client.session.get("_auth_user_id")
    if user_id:
        client.force_login(get_user_model().objects.get(pk=user_id))
    return season


