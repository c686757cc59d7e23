"""Redis (the broker) down at the commit: the write still succeeds at once, its deliveries and
e-mails stay pending in the outbox, and the housekeeping hands them out once it is back."""
from __future__ import annotations

import datetime as dt
import socket
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
def broker_down():
    """A real (non-eager) Celery pointed at a port nobody listens on."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    _fresh_pool()
    yield
    app.conf.update(saved)
    webhooks._broker_down_until = 0.0
    _fresh_pool()


def _fresh_pool():
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None  # it holds the pool it was made from


def test_a_write_with_the_broker_down_succeeds_and_its_deliveries_wait(
        people, receiver, organizer, broker_down, django_capture_on_commit_callbacks):
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
    # Redis is back (eager here); the housekeeping finds the lost task's stream
    app.conf.task_always_eager = True
    WebhookDelivery.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert housekeeping_run()["streams"] == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.accepted) == 1
