"""`make serve` / tools/serve.sh: production on one machine. It refuses to start without a
secret key, with DEBUG on, or when `check --deploy` warns; else it migrates, collects the static
files and serves ASGI with several worker processes, whose metrics /metrics sums."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "tools" / "serve.sh"
KEY = "ops-test-" + "k" * 60
PRODUCTION = {"SECRET_KEY": KEY, "ALLOWED_HOSTS": "league.example,127.0.0.1", "HTTPS": "1",
              "SECURE_HSTS_SECONDS": "31536000"}
# Variables of the test run that a production server must not inherit.
DROP = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ALLOWED_HOSTS", "HTTPS", "SECURE_HSTS_SECONDS", "ACCESS_LOG", "LOG_FORMAT", "REDIS_URL",
        "PROMETHEUS_MULTIPROC_DIR", "STATIC_ROOT")


def _env(tmp_path: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROP}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", STATIC_ROOT=str(tmp_path / "static"))
    env.update(extra)
    return env


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(SERVE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = _serve(_env(tmp_path))
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # refused before migrating anything


def test_serve_refuses_to_start_with_debug_on(tmp_path):
    result = _serve(_env(tmp_path, SECRET_KEY=KEY, DEBUG="1"))
    assert result.returncode == 1 and "DEBUG is on" in result.stderr


def test_serve_refuses_to_start_when_check_deploy_warns(tmp_path):
    result = _serve(_env(tmp_path, SECRET_KEY=KEY, MIGRATE="0", COLLECTSTATIC="0"))
    assert result.returncode == 1
    assert "refusing to start: 'manage.py check --deploy'" in result.stderr
    assert "security.W004" in result.stderr  # no HSTS: named, so the operator knows what to set
    assert "serve: http://" not in result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_serve_runs_production_with_worker_processes(tmp_path):
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    env = _env(tmp_path, **PRODUCTION, PORT=str(port), WORKERS="2", GRACEFUL_TIMEOUT="2",
               PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([str(SERVE)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    https = {"Host": "league.example", "X-Forwarded-Proto": "https"}  # as the proxy sends it
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        status, headers, body = _get(f"{base}/healthz")
        assert (status, body, headers["cache-control"]) == (200, b"ok", "no-store")
        status, _, body = _get(f"{base}/readyz")
        assert status == 200 and json.loads(body)["status"] == "ready"

        # DEBUG off, HTTPS: pages only over HTTPS (the proxy's X-Forwarded-Proto), with HSTS
        status, headers, _ = _get(f"{base}/", Host="league.example")
        assert status == 301 and headers["location"] == "https://league.example/"
        status, headers, html = _get(f"{base}/", **https, **{"X-Request-ID": "fan-1"})
        assert status == 200 and headers["x-request-id"] == "fan-1"
        assert headers["strict-transport-security"].startswith("max-age=31536000")
        status, _, missing = _get(f"{base}/no-such-page/", **https)
        assert status == 404 and b"URLconf" not in missing  # no debug page

        # static files: collected at start, hashed names cached for good, compressed
        css = re.search(r'href="(/static/league/app\.[0-9a-f]{12}\.css)"', html.decode()).group(1)
        status, headers, _ = _get(base + css, **https, **{"Accept-Encoding": "gzip"})
        assert status == 200 and "immutable" in headers["cache-control"]
        assert headers.get("content-encoding") == "gzip"

        for _ in range(30):
            _get(f"{base}/healthz")
        status, headers, text = _get(f"{base}/metrics")
        assert status == 200 and headers["cache-control"] == "no-store"
        count = re.search(rb"^django_http_requests_latency_including_middlewares_seconds_count (\S+)$",
                          text, re.M)
        assert float(count.group(1)) >= 36, text[:2000]  # every request, whichever process took it
        assert re.search(rb"^league_push_streams_open 0\.0$", text, re.M)
        pids = {p.name.rsplit("_", 1)[1] for p in metrics_dir.glob("histogram_*.db")}
        assert len(pids) == 2, pids  # both worker processes served and are summed
        assert _get(f"{base}/metrics", **{"X-Forwarded-For": "203.0.113.9"})[0] == 404
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGTERM)  # graceful: the server and its workers stop
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    log.seek(0)
    output = log.read()
    assert server.returncode == 0, output[-3000:]
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    fan = [line for line in lines if line.get("request_id") == "fan-1"]
    assert fan and fan[0]["logger"] == "league.access" and fan[0]["status"] == 200
    assert "2 worker processes" in output
