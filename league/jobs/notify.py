"""E-mail to the teams (issue 10): application received, audition result, qualification,
schedule published or changed, "your match is next", a protest's ruling.

:func:`on_event` (a sink of league.events) renders one Notification per recipient in the
service's transaction, in the recipient's language, and has it sent by a Celery task after the
commit (league.jobs.tasks.send_notification). Sending fails? The row records the error and the
task retries; the change that caused it stays.

Recipients are the managers of the team (TeamManager): their verified addresses where
django-allauth keeps them, else their account's e-mail. The language is the team's: traditional
Chinese for teams from Taiwan, Hong Kong and Macao, simplified for mainland China, else English
(:func:`language_for`, the one place to change for a per-person preference).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import events
from ..models import Entry, Match, Notification, Protest, Season, Team, TeamManager
from ..services.outbox import notification_queue

TRADITIONAL = {"TW", "HK", "MO"}


def language_for(team: Team) -> str:
    country = (team.country or "").upper()
    if country in TRADITIONAL:
        return "zh-hant"
    if country == "CN":
        return "zh-hans"
    return "en"


def recipients(team_ids: list[int]) -> dict[int, list[str]]:
    """Team id -> the addresses of its managers (verified ones where allauth keeps them)."""
    managers = list(TeamManager.objects.filter(team_id__in=team_ids).select_related("user"))
    by_team: dict[int, list[str]] = {}
    if apps.is_installed("allauth.account"):
        from allauth.account.models import EmailAddress

        verified: dict[int, list[str]] = {}
        for user_id, email in EmailAddress.objects.filter(
                user_id__in=[m.user_id for m in managers], verified=True).values_list("user_id", "email"):
            verified.setdefault(user_id, []).append(email)
        for m in managers:
            by_team.setdefault(m.team_id, []).extend(verified.get(m.user_id, []))
    else:
        for m in managers:
            if m.user.email and m.user.is_active:
                by_team.setdefault(m.team_id, []).append(m.user.email)
    return {team_id: sorted(set(emails)) for team_id, emails in by_team.items()}


@dataclass
class Message:
    """One e-mail to every manager of ``team``: ``template`` under templates/email/."""

    team: Team
    template: str
    once: str  # what makes it once: a second message with the same key is not sent
    context: dict[str, Any] = field(default_factory=dict)


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def _when(season: Season, moment):
    """The moment in the season's time zone (the template formats it in the reader's language)."""
    return moment.astimezone(season.tz) if moment else None


def _entry_messages(kind: str, season: Season, data: dict) -> list[Message]:
    entry = Entry.objects.select_related("team", "season").get(pk=data["entry"])
    template = {events.ENTRY_APPLIED: "application_received",
                events.ENTRY_AUDITIONED: "audition_result",
                events.ENTRY_QUALIFIED: "application_decided"}[kind]
    return [Message(entry.team, template, f"{template}:{entry.pk}",
                    {"entry": entry, "passed": entry.status != Entry.Status.AUDITION_REJECTED,
                     "reason": entry.status_reason})]


def _match_context(season: Season, match: Match) -> dict:
    return {"match": match, "when": _when(season, match.planned_at),
            "url": _url("public:match", slug=season.slug, slot=match.slot)}


def _called_messages(season: Season, match: Match, data: dict) -> list[Message]:
    """The two teams of the called match, and the two of the match now on deck on its ring."""
    waiting = sorted((m for m in Match.objects.filter(season=season, ring=match.ring)
                      .exclude(status__in=Match.DONE).exclude(pk=match.pk)
                      .exclude(scheduled_at=None).select_related("red__team", "blue__team")),
                     key=lambda m: (m.planned_at, m.slot))
    on_deck = waiting[0] if waiting else None
    out = []
    for m, called in ((match, True), (on_deck, False)):
        if m is None or not (m.red_id and m.blue_id):
            continue
        for entry in (m.red, m.blue):
            out.append(Message(entry.team, "match_next",
                               f"match_next:{m.pk}:{'called' if called else 'on_deck'}",
                               {**_match_context(season, m), "called": called,
                                "opponent": m.blue.team if entry.pk == m.red_id else m.red.team}))
    return out


def _schedule_messages(season: Season, data: dict) -> list[Message]:
    """Every team with a match in ``data["matches"]`` (all of them when the schedule is
    published): one e-mail listing its matches."""
    matches = (Match.objects.filter(season=season).select_related("red__team", "blue__team")
               .order_by("scheduled_at", "slot"))
    if data.get("matches") is not None:
        matches = matches.filter(pk__in=data["matches"])
    by_team: dict[int, tuple[Team, list[Match]]] = {}
    for m in matches:
        for entry in (m.red, m.blue):
            if entry is not None:
                by_team.setdefault(entry.team_id, (entry.team, []))[1].append(m)
    published = data.get("reason") == "published"
    stamp = data.get("change", season.version)
    return [Message(team, "schedule_published" if published else "schedule_changed",
                    f"schedule:{season.pk}:{stamp}:{team.pk}",
                    {"matches": [{"m": m, "when": _when(season, m.planned_at)} for m in ms],
                     "reason": data.get("why", ""),
                     "url": _url("public:team", slug=team.slug)})
            for team, ms in by_team.values()]


def _protest_messages(season: Season, match: Match, data: dict) -> list[Message]:
    """Both teams of the match hear the ruling: the protesting team and its opponent."""
    protest = Protest.objects.select_related("entry__team").get(pk=data["protest"])
    match = Match.objects.select_related("red__team", "blue__team").get(pk=match.pk)
    return [Message(entry.team, "protest_ruled", f"protest_ruled:{protest.pk}",
                    {**_match_context(season, match), "protest": protest,
                     "protester": protest.entry.team, "own": entry.pk == protest.entry_id,
                     "upheld": protest.status == Protest.Status.UPHELD,
                     "reason": protest.ruling_reason})
            for entry in (match.red, match.blue) if entry is not None]


def messages_for(kind: str, *, season: Season, match: Match | None, data: dict) -> list[Message]:
    if kind in (events.ENTRY_APPLIED, events.ENTRY_AUDITIONED, events.ENTRY_QUALIFIED):
        return _entry_messages(kind, season, data)
    if kind == events.MATCH_CALLED and match is not None:
        return _called_messages(season, match, data)
    if kind == events.SCHEDULE_CHANGED:
        return _schedule_messages(season, data)
    if kind == events.PROTEST_RULED and match is not None:
        return _protest_messages(season, match, data)
    return []


def render(message: Message, *, season: Season, language: str) -> tuple[str, str]:
    context = {**message.context, "team": message.team, "season": season,
               "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{message.template}_subject.txt",
                                            context).split())
        body = render_to_string(f"email/{message.template}.txt", context)
    return subject[:200], body


def on_event(kind: str, *, season, match=None, data: dict, actor) -> None:
    """Write the e-mails one event owes (inside the service's transaction, as its actor:
    services.outbox); send them after the commit."""
    if isinstance(season, int):
        season = Season.objects.get(pk=season)
    wanted = messages_for(kind, season=season, match=match, data=data)
    if not wanted:
        return
    addresses = recipients(sorted({m.team.pk for m in wanted}))
    made = []
    for message in wanted:
        emails = addresses.get(message.team.pk, [])
        if not emails:
            continue
        language = language_for(message.team)
        subject, body = render(message, season=season, language=language)
        seen = set(Notification.objects.filter(dedupe_key=message.once, recipient__in=emails)
                   .values_list("recipient", flat=True))
        for email in emails:
            if email in seen:
                continue
            note = notification_queue(season=season, kind=message.template, recipient=email,
                                      language=language, subject=subject, body=body,
                                      once=message.once, actor=actor)
            if note is not None:  # else a copy written meanwhile: that one is sent
                made.append(note.pk)
    if made:
        transaction.on_commit(lambda: _send_all(made), robust=True)


def _send_all(ids: list[int]) -> None:
    from .tasks import send_notification
    from .webhooks import enqueue

    for pk in ids:
        enqueue(send_notification, pk)
