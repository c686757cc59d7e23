"""What every benchmark does with the servers it starts: a free port, and waiting until the
server answers. Imported by the scripts of bench/ (run as ``python bench/<script>.py``, so
this folder is on the path)."""
from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 30, *, want=(200,), what: str = "") -> None:
    """Poll ``url`` until it answers with a status in ``want``; exit the benchmark when
    ``seconds`` pass first (``what`` names the server in that message)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in want:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{what or url} did not answer {url} within {seconds:.0f} s")
        time.sleep(0.2)
