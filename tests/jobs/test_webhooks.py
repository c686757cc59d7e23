"""Webhooks (issue 12): signed, retried with backoff, dead-lettered, in order per match, sent
only after the commit, to a real HTTP receiver on loopback. Celery runs eagerly."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from league import services
from league.errors import RuleViolation
from league.jobs import webhooks
from league.metrics import WEBHOOK_FAILURES
from league.models import AuditEvent, WebhookDelivery, WebhookEndpoint
from league.services import RoundInput
from league.services.common import system_actor
from tests.referee.conftest import check_in, make_match, mini_season

ALL_EVENTS = list(WebhookEndpoint.Event.values)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def docs_verify():
    """The receiver's check exactly as docs/webhooks.md shows it."""
    snippet = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(compile(snippet, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 (our own doc)
    return namespace["verify"]


@pytest.fixture
def season(db, people):
    return mini_season()


@pytest.fixture
def endpoint(season, receiver, organizer):
    return services.webhook_endpoint_register(season=season, url=receiver.url, events=ALL_EVENTS,
                                              description="Broadcaster", actor=organizer)


def fight(match, *, rounds=("red", "red")):
    """Check in, start and record rounds through the services (each its own transaction)."""
    actor = system_actor()
    check_in(match, actor)
    services.match_start(match=match, actor=actor)
    for number, winner in enumerate(rounds, start=1):
        services.round_record(match=match, number=number, actor=actor, data=RoundInput(
            winner=winner, method="points", red_points=20 if winner == "red" else 5,
            blue_points=5 if winner == "red" else 20))


def test_a_delivery_is_signed_and_the_documented_check_accepts_it(
        season, endpoint, receiver, django_capture_on_commit_callbacks):
    match = make_match(season, when=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=match, actor=system_actor())
    [got] = receiver.requests
    verify = docs_verify()
    assert verify(endpoint.secret, got.headers["X-League-Signature"], got.body)
    assert not verify("another-secret", got.headers["X-League-Signature"], got.body)
    assert not verify(endpoint.secret, got.headers["X-League-Signature"], got.body + b" ")
    delivery = WebhookDelivery.objects.get()
    assert got.headers["X-League-Event"] == "match.called"
    assert got.headers["X-League-Delivery"] == str(delivery.pk)
    assert got.payload["match"]["slot"] == match.slot and got.payload["season"] == season.slug
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)


def test_an_old_signature_is_refused_by_the_documented_check(endpoint):
    body = b'{"event":"match.started"}'
    old = webhooks.signature(endpoint.secret, int(timezone.now().timestamp()) - 3600, body)
    assert not docs_verify()(endpoint.secret, old, body)


def test_nothing_is_sent_before_the_commit_nor_for_a_refused_change(
        season, endpoint, receiver, django_capture_on_commit_callbacks):
    match = make_match(season)  # no ring call yet: starting it is refused (not checked in)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.match_call(match=match, actor=system_actor())
    assert WebhookDelivery.objects.count() == 1 and receiver.requests == []  # written, not sent
    for callback in callbacks:
        callback()
    assert len(receiver.requests) == 1
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        services.match_start(match=match, actor=system_actor())
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1


def test_a_receiver_that_fails_the_first_two_attempts_gets_each_event_exactly_once_in_order(
        season, endpoint, receiver, django_capture_on_commit_callbacks):
    """The figure of issue 12: every event once, in order per match, despite two failures each."""
    receiver.fail_first = 2
    first, second = make_match(season, red=0, blue=1), make_match(season, red=2, blue=3)
    with django_capture_on_commit_callbacks(execute=True):
        fight(first)
        fight(second, rounds=("blue", "red", "blue"))
    assert len(receiver.requests) == 3 * len(receiver.accepted)  # two failures before each
    ids = [r.headers["X-League-Delivery"] for r in receiver.accepted]
    assert len(ids) == len(set(ids)) == WebhookDelivery.objects.count()
    for match, expected in ((first, ["match.started", "match.round_recorded",
                                     "match.round_recorded", "match.finished"]),
                            (second, ["match.started"] + ["match.round_recorded"] * 3
                             + ["match.finished"])):
        got = [r.payload for r in receiver.accepted if r.payload["stream"] == f"match-{match.pk}"]
        assert [p["event"] for p in got] == expected
        assert [p["sequence"] for p in got] == list(range(1, len(expected) + 1))
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 3)}


def test_a_failed_delivery_waits_for_its_backoff_and_holds_back_the_later_ones(
        season, endpoint, receiver, django_capture_on_commit_callbacks, settings):
    """Order per match: while the head of a stream waits for its retry, a later event of the same
    match is written but not sent; the retry sends both, in order."""
    match = make_match(season, when=timezone.now())
    receiver.always = 503
    wait = None
    with django_capture_on_commit_callbacks(execute=False):
        services.match_call(match=match, actor=system_actor())
    wait = webhooks.drain(endpoint.pk, f"match-{match.pk}")
    head = WebhookDelivery.objects.get()
    assert wait == settings.WEBHOOK_BACKOFF_SECONDS == webhooks.backoff(1)
    assert head.next_attempt_at > timezone.now() and head.last_error == "HTTP 503"
    receiver.always = None
    with django_capture_on_commit_callbacks(execute=True):
        check_in(match)  # no webhook event: check-in is not one
        services.match_start(match=match, actor=system_actor())  # enqueued: blocked by the head
    assert len(receiver.requests) == 1 and receiver.accepted == []
    assert webhooks.drain(endpoint.pk, f"match-{match.pk}", due_only=False) is None  # the retry
    assert [r.payload["event"] for r in receiver.accepted] == ["match.called", "match.started"]


def test_backoff_doubles_up_to_an_hour(settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 10
    assert [webhooks.backoff(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert webhooks.backoff(20) == 3600


def test_a_delivery_becomes_a_dead_letter_after_the_limit_and_the_stream_moves_on(
        season, endpoint, receiver, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.always = 500
    match = make_match(season, when=timezone.now())
    failures = WEBHOOK_FAILURES
    before = failures._value.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=match, actor=system_actor())
    dead = WebhookDelivery.objects.get()
    assert (dead.status, dead.attempts, dead.response_code) == ("dead", 3, 500)
    assert failures._value.get() - before == 3
    receiver.always = None
    with django_capture_on_commit_callbacks(execute=True):
        check_in(match)
        services.match_start(match=match, actor=system_actor())
    assert [r.payload["event"] for r in receiver.accepted] == ["match.started"]
    # the organizer sends the dead letter again
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_retry(delivery=dead, actor=system_actor())
    dead.refresh_from_db()
    assert dead.status == "delivered" and receiver.accepted[-1].payload["event"] == "match.called"
    assert AuditEvent.objects.filter(action="webhook_redelivered").count() == 1


def test_an_endpoint_hears_only_its_events_and_only_its_season(
        season, receiver, organizer, django_capture_on_commit_callbacks):
    services.webhook_endpoint_register(season=season, url=receiver.url,
                                       events=["match.finished"], actor=organizer)
    other = mini_season()
    services.webhook_endpoint_register(season=other, url=receiver.url + "?other",
                                       events=ALL_EVENTS, actor=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        fight(make_match(season))
    assert [r.payload["event"] for r in receiver.accepted] == ["match.finished"]


def test_an_inactive_endpoint_gets_nothing(season, endpoint, receiver, organizer,
                                           django_capture_on_commit_callbacks):
    services.webhook_endpoint_update(endpoint=endpoint, active=False, actor=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=make_match(season, when=timezone.now()), actor=system_actor())
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_bracket_and_schedule_events_come_from_the_season_services(
        receiver, organizer, django_capture_on_commit_callbacks):
    from tests import factories

    season = factories.season_at("drawn")
    services.webhook_endpoint_register(season=season, url=receiver.url, events=ALL_EVENTS,
                                       actor=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        services.group_schedule_generate(season=season, actor=organizer)
    [published] = receiver.accepted
    assert published.payload["event"] == "schedule.changed"
    assert published.payload["data"]["reason"] == "published"
    assert len(published.payload["data"]["slots"]) == season.matches.count()
    match = season.matches.order_by("scheduled_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_move(match=match, to=timezone.now() + dt.timedelta(days=40),
                            reason="venue", actor=organizer)
    assert receiver.accepted[-1].payload["data"]["slots"] == [match.slot]
    assert [r.payload["sequence"] for r in receiver.accepted] == [1, 2]  # the season's stream


def test_registering_is_audited_without_the_secret(endpoint, organizer):
    event = AuditEvent.objects.get(action="webhook_registered")
    assert event.actor == organizer and event.data["url"] == endpoint.url
    assert endpoint.secret not in str(event.data) and len(endpoint.secret) >= 32
    old = endpoint.secret
    rotated = services.webhook_secret_rotate(endpoint=endpoint, actor=organizer)
    assert rotated.secret != old
    assert AuditEvent.objects.filter(action="webhook_secret_rotated").count() == 1


def test_only_an_organizer_registers_an_endpoint(season, receiver, people):
    with pytest.raises(RuleViolation, match="Only an organizer"):
        services.webhook_endpoint_register(season=season, url=receiver.url, events=ALL_EVENTS,
                                           actor=people["ref1"])


def test_an_endpoint_needs_an_event(season, receiver, organizer):
    with pytest.raises(RuleViolation, match="at least one event"):
        services.webhook_endpoint_register(season=season, url=receiver.url, events=[],
                                           actor=organizer)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/",
                                 "http://[::1]/", "http://169.254.169.254/latest/meta-data",
                                 "ftp://example.org/"])
def test_ssrf_loopback_private_and_link_local_endpoints_are_refused_in_production(
        season, organizer, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(RuleViolation, match="does not send to this URL"):
        services.webhook_endpoint_register(season=season, url=url, events=ALL_EVENTS,
                                           actor=organizer)
    assert not WebhookEndpoint.objects.exists()


def test_ssrf_an_address_that_turns_private_after_registration_is_refused_at_sending(
        season, endpoint, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=make_match(season, when=timezone.now()), actor=system_actor())
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == [] and delivery.status == "dead"
    assert delivery.last_error.startswith("refused: 127.0.0.1 resolves to a non-public address")


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(
        season, organizer, settings, django_capture_on_commit_callbacks):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    try:
        services.webhook_endpoint_register(
            season=season, url=f"http://127.0.0.1:{silent.getsockname()[1]}/", events=ALL_EVENTS,
            actor=organizer)
        with django_capture_on_commit_callbacks(execute=True):
            services.match_call(match=make_match(season, when=timezone.now()), actor=system_actor())
    finally:
        silent.close()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "dead" and "timed out" in delivery.last_error.lower()
