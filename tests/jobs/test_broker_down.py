"""Redis (the broker) down at the commit: the write still succeeds at once, its deliveries and
e-mails stay pending in the outbox, and the housekeeping hands them out once it is back."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from config.celery import app
from league import services
from league.jobs import webhooks
from league.jobs.tasks import housekeeping_run
from league.models import Match, WebhookDelivery
from league.services.common import system_actor
from tests.referee.conftest import make_match, mini_season


@pytest.fixture
def broker_down(monkeypatch):
    """A real (non-eager) Celery whose broker refuses every hand-over, as Redis stopped does."""
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(self.name)
        time.sleep(0.2)  # a refused connection takes a moment
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    app.conf.task_always_eager = False  # the autouse _jobs_settings puts it back
    monkeypatch.setattr(Task, "apply_async", refuse)
    monkeypatch.setattr(webhooks, "_broker_down_until", 0.0)
    return calls


def test_a_write_with_the_broker_down_succeeds_and_its_deliveries_wait(
        people, receiver, organizer, broker_down, monkeypatch,
        django_capture_on_commit_callbacks):
    season = mini_season()
    services.webhook_endpoint_register(season=season, url=receiver.url, events=["match.called"],
                                       actor=organizer)
    match = make_match(season, when=timezone.now())
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=match, actor=system_actor())
    took = time.monotonic() - began
    assert Match.objects.get(pk=match.pk).called_at is not None  # the change stands
    print(f"write with the broker down took {took:.2f} s")
    assert took < 10, f"the write waited {took:.1f} s for the broker"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and receiver.requests == []
    # the next write does not try the broker again for a while: it answers at once
    other = make_match(season, when=timezone.now())
    Match.objects.filter(pk=other.pk).update(ring="Ring 2")
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_call(match=other, actor=system_actor())
    assert time.monotonic() - began < took
    WebhookDelivery.objects.filter(match=other).delete()
    assert broker_down == ["league.jobs.tasks.deliver_stream"]  # the second write skipped it
    # Redis is back (eager here); the housekeeping finds the lost task's stream
    monkeypatch.undo()
    app.conf.task_always_eager = True
    WebhookDelivery.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert housekeeping_run()["streams"] == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.accepted) == 1
