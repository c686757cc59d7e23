"""An ASGI live server for the push tests: pytest-django's live_server is a WSGI thread server,
which cannot hold an event stream open; this runs config.asgi under uvicorn in a thread on a
free port, against the test database (use with transactional tests)."""
from __future__ import annotations

import socket
import threading
import time

import pytest


class AsgiServer:
    def __init__(self, port: int, server, thread):
        self.port, self.server, self.thread = port, server, thread
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture
def asgi_server(transactional_db):
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    app = ASGIStaticFilesHandler(get_asgi_application())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield AsgiServer(port, server, thread)
    server.should_exit = True
    server.force_exit = True
    thread.join(timeout=5)


from tests.referee.conftest import role_groups  # noqa: E402,F401  (the referees' roles)
