"""Fixtures of the background-job tests: a real HTTP receiver on loopback (a thread), told how
to answer; Celery runs eagerly (tests/settings.py), after the commit."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture(autouse=True)
def _jobs_settings(settings):
    """Eager Celery, loopback receivers allowed, a 1 s backoff. Set here, not only in
    tests/settings.py: xdist's workers start with DJANGO_SETTINGS_MODULE=config.settings (the
    environment tests/settings.py leaves for the processes the tests start)."""
    from config.celery import app

    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@dataclass
class Received:
    headers: dict
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; answers 500 to the first ``fail_first`` attempts of each delivery
    (by its X-League-Delivery id), or always with ``always``."""

    url: str = ""
    fail_first: int = 0
    always: int | None = None
    requests: list[Received] = field(default_factory=list)
    accepted: list[Received] = field(default_factory=list)
    _attempts: dict = field(default_factory=dict)

    def answer(self, received: Received) -> int:
        self.requests.append(received)
        if self.always is not None:
            return self.always
        delivery = received.headers.get("X-League-Delivery")
        self._attempts[delivery] = self._attempts.get(delivery, 0) + 1
        if self._attempts[delivery] <= self.fail_first:
            return 500
        self.accepted.append(received)
        return 204


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            received = Received(dict(self.headers.items()), self.rfile.read(length))
            self.send_response(state.answer(received))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/league"
    yield state
    server.shutdown()
    server.server_close()
