"""E-mail notifications (issue 10, part 5): sent after the commit to the team's managers, in the
team's language; a failure to send never loses or blocks the change, is recorded and retried."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from league import services
from league.demo import catalogue_team
from league.errors import RuleViolation
from league.jobs.notify import language_for
from league.models import Entry, Notification, TeamManager
from league.services.common import system_actor
from tests import factories
from tests.referee.conftest import make_match, mini_season


class FlakyBackend(BaseEmailBackend):
    """Raises for the first ``failures`` messages, then delivers into mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server down")
        mail.outbox.extend(messages)
        return len(messages)


def manage(team, email: str, *, role=TeamManager.Role.MANAGER, verified: bool = True):
    """A manager of ``team`` whose address is verified (django-allauth's EmailAddress)."""
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email)
    if email:
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return TeamManager.objects.create(user=user, team=team, role=role)


@pytest.fixture
def open_season(db):
    return factories.SeasonFactory()


def test_application_received_goes_to_every_manager_after_the_commit(
        open_season, django_capture_on_commit_callbacks):
    team = catalogue_team(8)  # Cambridge (GB): English
    manage(team, "lead@cam.example")
    manage(team, "second@cam.example", role=TeamManager.Role.CO_MANAGER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.entry_apply(season=open_season, team=team, actor=system_actor())
    assert mail.outbox == [] and Notification.objects.filter(status="pending").count() == 2
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@cam.example", "second@cam.example"]
    message = mail.outbox[0]
    assert message.subject == f"Application received: {open_season.name}"
    assert "Cambridge Circuit" in message.body and "audition" in message.body
    assert set(Notification.objects.values_list("status", "language")) == {("sent", "en")}


def test_a_refused_change_sends_nothing(open_season, django_capture_on_commit_callbacks):
    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    services.entry_apply(season=open_season, team=team, actor=system_actor())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        services.entry_apply(season=open_season, team=team, actor=system_actor())  # R2: twice
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_audition_result_carries_the_organizers_reason(open_season, organizer,
                                                       django_capture_on_commit_callbacks):
    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    entry = services.entry_apply(season=open_season, team=team, actor=system_actor())
    services.season_registration_close(season=open_season, actor=organizer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_audition(entry=entry, passed=False, reason="Failed the balance test",
                                actor=organizer)
    [message] = mail.outbox
    assert message.subject == f"Audition result: {open_season.name}"
    assert "did not pass" in message.body and "Failed the balance test" in message.body


def test_only_verified_addresses_of_the_managers_get_mail(open_season,
                                                          django_capture_on_commit_callbacks):
    team = catalogue_team(9)
    manage(team, "x@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_apply(season=open_season, team=team, actor=system_actor())
    assert mail.outbox == [] and not Notification.objects.exists()


@pytest.mark.parametrize("country, language", [("CN", "zh-hans"), ("HK", "zh-hant"),
                                               ("TW", "zh-hant"), ("GB", "en"), ("", "en")])
def test_the_language_follows_the_teams_country(country, language):
    assert language_for(type("T", (), {"country": country})()) == language


def test_a_hong_kong_team_reads_its_mail_in_traditional_chinese(
        open_season, django_capture_on_commit_callbacks):
    team = catalogue_team(2)  # HKU (HK)
    manage(team, "hku@example.hk")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_apply(season=open_season, team=team, actor=system_actor())
    [message] = mail.outbox
    assert Notification.objects.get().language == "zh-hant"
    assert "申請" in message.subject and "港大鐵鳳凰" in message.body  # the 繁體 name


def test_your_match_is_next_goes_to_the_called_and_the_on_deck_teams_once(
        people, django_capture_on_commit_callbacks):
    season = mini_season()
    now = timezone.now()
    called = make_match(season, red=0, blue=1, when=now)
    on_deck = make_match(season, red=2, blue=3, when=now + timezone.timedelta(minutes=40))
    entries = list(season.entries.order_by("seed"))
    for index, entry in enumerate(entries):
        manage(entry.team, f"m{index}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=called, actor=system_actor())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert set(subjects) == {"m0@example.org", "m1@example.org", "m2@example.org", "m3@example.org"}
    assert Notification.objects.filter(kind="match_next").count() == 4
    on_deck_keys = set(Notification.objects.filter(recipient="m2@example.org")
                       .values_list("dedupe_key", flat=True))
    assert on_deck_keys == {f"match_next:{on_deck.pk}:on_deck"}
    # The same on-deck message is never written twice for the same match and person.
    from league.jobs import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify.on_event("match.called", season=season, match=called, data={}, actor=system_actor())
    assert Notification.objects.filter(kind="match_next").count() == 4


def test_schedule_published_lists_each_teams_own_matches(organizer,
                                                          django_capture_on_commit_callbacks):
    season = factories.season_at("drawn")
    entries = list(season.entries.filter(status=Entry.Status.QUALIFIED).select_related("team")[:2])
    for index, entry in enumerate(entries):
        manage(entry.team, f"s{index}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.group_schedule_generate(season=season, actor=organizer)
    assert sorted(m.to[0] for m in mail.outbox) == ["s0@example.org", "s1@example.org"]
    assert {n.kind for n in Notification.objects.all()} == {"schedule_published"}
    mine = season.matches.filter(red=entries[0]) | season.matches.filter(blue=entries[0])
    body = Notification.objects.get(recipient="s0@example.org").body_text
    assert all(m.slot in body for m in mine) and mine.count() == 3
    others = season.matches.exclude(pk__in=mine.values("pk"))
    assert not any(f"- {m.slot}:" in body for m in others)


def test_a_delay_tells_the_teams_of_the_delayed_matches(organizer,
                                                       django_capture_on_commit_callbacks):
    season = factories.season_at("group_stage")
    first = season.matches.filter(status="scheduled").order_by("scheduled_at", "slot").first()
    manage(first.red.team, "red@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.ring_delay(season=season, ring=first.ring, minutes=20, from_match=first,
                            reason="power cut", actor=organizer)
    [message] = [m for m in mail.outbox if m.to == ["red@example.org"]]
    assert first.slot in message.body and "power cut" in message.body
    assert Notification.objects.get(recipient="red@example.org").kind == "schedule_changed"


def test_a_failing_mail_server_never_loses_the_change_and_is_retried(
        open_season, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.jobs.test_notifications.FlakyBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    FlakyBackend.failures = 10
    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.entry_apply(season=open_season, team=team, actor=system_actor())
    assert Entry.objects.filter(pk=entry.pk).exists()  # the change stays
    note = Notification.objects.get()
    assert (note.status, note.attempts) == ("failed", 3)
    assert note.last_error == "ConnectionRefusedError: SMTP server down"
    assert mail.outbox == []


def test_a_mail_server_that_fails_once_gets_the_message_on_the_retry(
        open_season, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.jobs.test_notifications.FlakyBackend"
    FlakyBackend.failures = 1
    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_apply(season=open_season, team=team, actor=system_actor())
    note = Notification.objects.get()
    assert (note.status, note.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_lost_task_is_handed_out_again_by_the_housekeeping(open_season, settings):
    from datetime import timedelta

    from league.jobs.tasks import housekeeping_run

    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    services.entry_apply(season=open_season, team=team, actor=system_actor())  # no commit hook ran
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert housekeeping_run()["notifications"] == 1
    assert Notification.objects.get().status == "sent" and len(mail.outbox) == 1


def test_a_broken_sink_never_blocks_the_change(open_season, monkeypatch, caplog,
                                               django_capture_on_commit_callbacks):
    from league.jobs import notify

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notify, "render", broken)
    team = catalogue_team(8)
    manage(team, "lead@cam.example")
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.entry_apply(season=open_season, team=team, actor=system_actor())
    assert Entry.objects.filter(pk=entry.pk).exists() and not Notification.objects.exists()
    assert "could not record entry.applied" in caplog.text
