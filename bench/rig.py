#!/usr/bin/env python3
"""The production rig (issue 12): several app servers behind HAProxy, an edge cache in front,
Redis, PostgreSQL and the Celery worker, all on loopback, and the benchmarks that need them.

    make rig                                   # = .venv/bin/python bench/rig.py
    .venv/bin/python bench/rig.py --only edge,faults --fans 10000 --timeout 300

What it starts (its own ports, its own processes; stopped at the end, on Ctrl-C, on SIGTERM and
at the hard --timeout):
- redis-server on a free port (not the machine's 6379), no persistence;
- the PostgreSQL database ``rig`` on the shared server (--db-url; dropped and re-created, and
  only its connections are ever terminated), migrated and seeded by league/demo.py (Season 1 in
  Shenzhen, QF2 live) with QF3 and QF4 made live through the services; the seeded state is kept
  as ``rig_seeded`` and copied by the next run (same migrations, demo and day; --fresh: not);
- 3 ASGI app servers (``app_command``: tools/serve.sh, `make serve`), production settings,
  REDIS_URL set: cache and pushed events across the servers;
- HAProxy in front of them (health checks on /healthz every 0.5 s, retries and redispatch of
  idempotent requests), Varnish in front of HAProxy (the app's Cache-Control decides what is
  shared; event streams are piped through);
- the Celery worker, when celery is importable and the project has a Celery app.

What it measures (each figure against its target; exit 1 on a miss, 2 on a setup failure):
- edge: --fans fans polling the bracket's live fragment every 5 s through Varnish (wrk with a
  Lua script: --fans / 5 requests/s offered), with new fans loading the page; the app's access
  logs count what reached the app per URL (target <= 5/s); meanwhile referee posts change the
  season and a probe through the edge times when the polled fragment changes (target <= 2 s);
- faults: --posts referee posts (idempotency keys, retried on an error or timeout with the same
  key) while --fault-fans fans hold event streams and refresh through the edge; kill -9 one app
  server (0 posts lost or applied twice, no 5xx but requests in flight on it, streams back
  within 3 s), terminate the app's PostgreSQL connections (no 5xx after the first failures),
  stop Redis (pages served, writes work, streams fall back to polling);
- push: --push-streams event streams through HAProxy over the 3 servers, fanned out through
  Redis: score-to-screen p50/p95 (target p95 <= 1 s at 5,000; reported as measured).
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import importlib.util
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from serving import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python" if (VENV_BIN / "python").exists() else Path(sys.executable)
TOOLS = {"haproxy": "/usr/sbin/haproxy", "varnishd": "/usr/sbin/varnishd",
         "redis-server": "/usr/bin/redis-server", "wrk": "/usr/bin/wrk"}
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rig"
SLUG = "shenzhen-2026"
LIVE_SLOTS = ("QF2", "QF3", "QF4")
PHASES = ("edge", "faults", "push")
SEED_VERSION = 1  # bump when seed() changes what it builds


# --- processes: everything started is stopped ---------------------------------------------------

class Processes:
    """Every process the rig starts, each in its own process group, stopped in reverse order
    (SIGTERM to the group, then SIGKILL) at exit, on a signal, or at the hard time limit."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], *, log: Path, env: dict | None = None,
              cwd: Path = ROOT) -> subprocess.Popen:
        with open(log, "ab") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.started.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, *, grace: float = 5.0) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def stop_all(self) -> None:
        while self.started:
            _name, proc = self.started.pop()
            with contextlib.suppress(Exception):
                self.stop(proc)

    def running(self) -> list[str]:
        return [name for name, proc in self.started if proc.poll() is None]


class HardTimeout(Exception):
    pass


def install_cleanup(processes: Processes, timeout: float, cleanups: list) -> None:
    """Stop everything at exit, on SIGINT/SIGTERM/SIGHUP, and after ``timeout`` seconds."""

    def cleanup() -> None:
        processes.stop_all()
        while cleanups:
            with contextlib.suppress(Exception):
                cleanups.pop()()

    def on_signal(signum, _frame):
        if signum == signal.SIGALRM:
            raise HardTimeout(f"the rig's hard time limit ({timeout:.0f} s) was reached")
        raise SystemExit(128 + signum)

    atexit.register(cleanup)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, on_signal)
    signal.setitimer(signal.ITIMER_REAL, timeout)


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing {host!r}: the rig uses loopback only")


def database_name(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}")
    return name


def admin_url(url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def seed_key() -> str:
    """What a seeded copy depends on: the migrations and the demo's code, and the day (the
    demo's schedule is built around today). The rig's own part of the seeding (QF3 and QF4
    made live, in ``seed``) counts through SEED_VERSION."""
    import hashlib

    digest = hashlib.sha256(f"{time.strftime('%Y-%m-%d')} {SEED_VERSION}".encode())
    for path in sorted((ROOT / "league" / "migrations").glob("*.py")) + [ROOT / "league" / "demo.py"]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def recreate_database(url: str, *, fresh: bool = False) -> bool:
    """Drop and create the rig's database; from its seeded copy (``<name>_seeded``, made by the
    last run with the same migrations and demo, the same day) when there is one. True when the
    copy was used (already migrated and seeded)."""
    import psycopg

    name = database_name(url)
    copy, key = f"{name}_seeded", seed_key()
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                           "WHERE datname = %s", [copy]).fetchone()
        if row and row[0] == key and not fresh:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{copy}"')
            return True
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return False


def keep_seeded_copy(url: str) -> None:
    import psycopg

    name = database_name(url)
    copy = f"{name}_seeded"
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{copy}\" IS '{seed_key()}'")


def terminate_connections(url: str) -> int:
    """pg_terminate_backend on the connections to the rig's own database only."""
    import psycopg

    name = database_name(url)
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchall()
    return sum(1 for (ok,) in rows if ok)


def guard_connections(url: str, limit: int, seen: dict) -> None:
    """In a daemon thread: the PostgreSQL server is shared, so the rig stops itself (SIGTERM to
    this process: everything is stopped) if its database ever holds more than ``limit``
    connections. ``seen["max"]`` keeps the highest count."""
    import threading

    import psycopg

    name = database_name(url)

    def watch() -> None:
        with contextlib.suppress(Exception), psycopg.connect(admin_url(url), autocommit=True) as conn:
            while True:
                count = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                     [name]).fetchone()[0]
                seen["max"] = max(seen.get("max", 0), count)
                if count > limit:
                    print(f"the rig holds {count} connections to {name} (limit {limit}): stopping",
                          flush=True)
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="pg-guard").start()


# --- configuration of the servers ---------------------------------------------------------------

HAPROXY_CFG = """
global
    maxconn {maxconn}
    stats socket {tmp}/haproxy.sock mode 600 level admin
defaults
    mode http
    maxconn {maxconn}
    # a refused connection is retried after min(timeout connect, 1 s), on another server
    timeout connect 500ms
    timeout client 70s
    timeout server 70s
    timeout tunnel 1h
    timeout http-keep-alive 10s
    option redispatch 1
    retries 2
    # an idempotent request that failed on a dying server is sent again to a live one; posts
    # are retried by the referee's device with their idempotency key instead
    retry-on conn-failure empty-response response-timeout 502 503 504
frontend edge_in
    bind 127.0.0.1:{port}
    http-request disable-l7-retry if METH_POST
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # a busy server answers its check late, not never: allow 5 s before counting a failure (a
    # dead one refuses at once, and its requests are sent to another server meanwhile)
    timeout check 5s
    default-server inter 1s fastinter 500ms downinter 1s fall 3 rise 2 maxconn {maxconn}
{servers}
listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""

VCL = """
vcl 4.1;

backend haproxy {{
    .host = "127.0.0.1";
    .port = "{haproxy_port}";
    .connect_timeout = 2s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 70s;
}}

sub vcl_recv {{
    # Server-Sent Events: a byte pipe to HAProxy for the life of the stream.
    if (req.url ~ "/stream/$") {{
        return (pipe);
    }}
    if (req.method != "GET" && req.method != "HEAD") {{
        return (pass);
    }}
    # Signed-in visitors (staff, referees) get private answers: never from the cache.
    if (req.http.Cookie ~ "(^|;\\s*)sessionid=") {{
        return (pass);
    }}
    # Anonymous: only the language cookie changes a public page (the app says Vary: Cookie).
    if (req.http.Cookie ~ "(^|;\\s*)django_language=") {{
        set req.http.Cookie = regsub(req.http.Cookie, "^(?:.*;\\s*)?(django_language=[^;]*).*$", "\\1");
    }} else {{
        unset req.http.Cookie;
    }}
    # Vary: Accept-Language: one variant per language the site has, not per browser's header.
    if (req.http.Accept-Language ~ "(?i)^\\s*zh-(hant|tw|hk|mo)") {{
        set req.http.Accept-Language = "zh-hant";
    }} elsif (req.http.Accept-Language ~ "(?i)^\\s*zh") {{
        set req.http.Accept-Language = "zh-hans";
    }} else {{
        set req.http.Accept-Language = "en";
    }}
    return (hash);
}}

sub vcl_pipe {{
    set bereq.http.Connection = "close";
}}

sub vcl_backend_response {{
    # Shared only what the app declares public (s-maxage, stale-while-revalidate: its grace).
    if (beresp.http.Cache-Control !~ "public") {{
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }}
}}

sub vcl_deliver {{
    if (obj.hits > 0) {{
        set resp.http.X-Cache = "HIT";
    }} else {{
        set resp.http.X-Cache = "MISS";
    }}
}}
"""


SERVE = ROOT / "tools" / "serve.sh"


def app_command(port: int) -> tuple[list[str], dict]:
    """One app server: the production script (tools/serve.sh, `make serve`) with one uvicorn
    process (the rig runs three servers), the rig's database already migrated and the check of
    the deployment skipped (the rig has no HTTPS); uvicorn directly where the script is absent.
    Either way each request leaves an access line with its path, which the rig counts."""
    if SERVE.exists():
        return ["bash", str(SERVE)], {"PORT": str(port), "HOST": "127.0.0.1", "WORKERS": "1",
                                      "MIGRATE": "0", "COLLECTSTATIC": "0", "CHECK_DEPLOY": "0",
                                      "GRACEFUL_TIMEOUT": "2", "PYTHON": str(PYTHON)}
    return [str(PYTHON), "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--loop", "uvloop", "--http", "httptools", "--backlog", "4096",
            "--log-level", "info", "--access-log", "--timeout-graceful-shutdown", "2"], {}


def celery_app() -> str | None:
    """The project's Celery app module, when celery is installed and the project has one."""
    if importlib.util.find_spec("celery") is None:
        return None
    for module in ("config", "league"):
        path = ROOT / module / "celery.py"
        if path.exists() and "Celery(" in path.read_text():
            return module  # celery -A config finds config.celery
    return None


@dataclass
class Rig:
    args: argparse.Namespace
    tmp: Path
    processes: Processes
    env: dict
    redis_port: int = 0
    haproxy_port: int = 0
    stats_port: int = 0
    edge_port: int = 0
    app_ports: list[int] = field(default_factory=list)
    apps: dict[int, subprocess.Popen] = field(default_factory=dict)
    redis: subprocess.Popen | None = None
    celery: str = "not started"

    @property
    def edge(self) -> str:
        return f"http://127.0.0.1:{self.edge_port}"

    @property
    def lb(self) -> str:
        return f"http://127.0.0.1:{self.haproxy_port}"

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def start_redis(self) -> None:
        self.redis = self.processes.start(
            "redis", [TOOLS["redis-server"], "--port", str(self.redis_port), "--bind", "127.0.0.1",
                      "--save", "", "--appendonly", "no", "--dir", str(self.tmp)],
            log=self.log("redis"))
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.redis_port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start")
            time.sleep(0.1)

    def start_app(self, port: int) -> subprocess.Popen:
        cmd, extra = app_command(port)
        proc = self.processes.start(f"app-{port}", cmd, log=self.log(f"app-{port}"),
                                    env={**self.env, **extra})
        self.apps[port] = proc
        return proc

    def start(self) -> None:
        """The app servers, HAProxy, Varnish and the Celery worker (Redis runs already)."""
        a = self.args
        self.haproxy_port, self.stats_port, self.edge_port = free_port(), free_port(), free_port()
        self.app_ports = [free_port() for _ in range(a.servers)]
        for port in self.app_ports:
            self.start_app(port)
        for port in self.app_ports:
            wait_http(f"http://127.0.0.1:{port}/healthz", 60)
        servers = "\n".join(f"    server app{i} 127.0.0.1:{port} check"
                            for i, port in enumerate(self.app_ports, 1))
        (self.tmp / "haproxy.cfg").write_text(HAPROXY_CFG.format(
            tmp=self.tmp, port=self.haproxy_port, stats_port=self.stats_port, servers=servers,
            # two descriptors per proxied connection, within this process's limit
            maxconn=max(1000, (resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200) // 2 - 100)))
        self.processes.start("haproxy", [TOOLS["haproxy"], "-db", "-f", str(self.tmp / "haproxy.cfg")],
                             log=self.log("haproxy"))
        wait_http(f"{self.lb}/healthz", 20)
        (self.tmp / "rig.vcl").write_text(VCL.format(haproxy_port=self.haproxy_port))
        self.processes.start("varnish", [
            TOOLS["varnishd"], "-F", "-j", "none", "-n", str(self.tmp / "varnish"),
            "-a", f"127.0.0.1:{self.edge_port}", "-f", str(self.tmp / "rig.vcl"),
            "-s", "malloc,128m", "-p", f"thread_pool_min={max(100, a.fault_fans // 2 + 100)}",
            "-p", "thread_pool_max=5000",
            "-p", "thread_pool_stack=96k", "-T", f"127.0.0.1:{free_port()}"],
            log=self.log("varnish"))
        wait_http(f"{self.edge}/healthz", 30)
        module = celery_app()
        if module is None:
            self.celery = ("not started: celery is not installed or the project has no Celery app "
                           "(config/celery.py or league/celery.py) yet")
        else:
            self.processes.start("celery", [str(VENV_BIN / "celery"), "-A", module, "worker",
                                            "--pool", "solo", "--loglevel", "WARNING"],
                                 log=self.log("celery"), env=self.env)
            self.celery = (f"started (celery -A {module} worker, broker "
                           f"{self.env['CELERY_BROKER_URL']})")

    def app_hits(self) -> dict[str, int]:
        """Requests each URL path reached the app with, from the app servers' access logs."""
        counts: dict[str, int] = {}
        pattern = re.compile(r'"(?:GET|HEAD|POST) ([^ ?"]+)')
        for port in self.app_ports:
            with contextlib.suppress(OSError):
                for found in pattern.finditer(self.log(f"app-{port}").read_text(errors="replace")):
                    counts[found.group(1)] = counts.get(found.group(1), 0) + 1
        return counts

    def haproxy_servers(self) -> dict[str, str]:
        """Each app server's state as HAProxy sees it (UP, DOWN, ...)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5) as r:
            lines = r.read().decode().splitlines()
        head = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(head, line.split(","), strict=False))
            if row.get("pxname") == "app" and row.get("svname", "").startswith("app"):
                states[row["svname"]] = row.get("status", "")
        return states


# --- seeding (in this process, through league code) ----------------------------------------------

@dataclass
class Seeded:
    slug: str
    matches: dict[int, str]  # live match pk -> the referee's session cookie value
    scripts: dict = field(default_factory=dict)  # live match pk -> its clock_script()


def seed(url: str, *, seeded_copy: bool) -> Seeded:
    """Migrate and build the demo (league/demo.py) with QF3 and QF4 made live too, through the
    services; or take the seeded copy. Then sign the live matches' referees in."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from league import demo, services
    from league.models import Match, Season

    if not seeded_copy:
        call_command("migrate", verbosity=0)
        demo.build_demo()
        for slot in LIVE_SLOTS:
            match = Match.objects.get(season__slug=SLUG, slot=slot)
            referee = match.referees.first()
            if match.status != Match.Status.LIVE:
                services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                        blue_robot=services.active_robot(match.blue),
                                        red_seal=f"RIG-{slot}-R", blue_seal=f"RIG-{slot}-B",
                                        actor=referee)
                services.match_start(match=match, actor=referee)
        connection.close()
        keep_seeded_copy(url)
    season = Season.objects.get(slug=SLUG)
    matches = {}
    for slot in LIVE_SLOTS:
        match = Match.objects.get(season=season, slot=slot)
        client = Client()
        client.force_login(match.referees.first())
        matches[match.pk] = client.cookies["sessionid"].value
    connection.close()
    return Seeded(slug=season.slug, matches=matches)


# --- the referee's device: posts with idempotency keys, retried ----------------------------------

@dataclass
class Post:
    key: str
    match: int
    action: str
    started: float
    attempts: list = field(default_factory=list)  # (answered at, status); 0: no answer
    final: int = 0
    answered: float = 0.0


def clock_script():
    """The round clock of one live match: started once, then stopped and resumed in turn."""
    yield "start"
    while True:
        yield "stop"
        yield "resume"


async def referee_post(session, base: str, pk: int, cookie: str, action: str, log: list[Post],
                       stop_at: float) -> Post:
    """One tap on a referee's phone: the post carries an idempotency key and is sent again with
    the same key after an error or a timeout (as the referee's page does), until answered."""
    import aiohttp

    token = secrets.token_hex(16)
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={token}", "X-CSRFToken": token,
               "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
    post = Post(key=secrets.token_hex(12), match=pk, action=action, started=time.monotonic())
    log.append(post)
    body = urllib.parse.urlencode({"idempotency_key": post.key})
    while time.monotonic() < stop_at:
        try:
            async with session.post(f"{base}/referee/match/{pk}/clock/{action}/", data=body,
                                    headers=headers,
                                    timeout=aiohttp.ClientTimeout(total=5)) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ConnectionError):
            status = 0
        post.attempts.append((time.monotonic(), status))
        if status and status < 500:
            post.final, post.answered = status, time.monotonic()
            break
        await asyncio.sleep(0.3)
    return post


def clock_events(db_url: str) -> int:
    import psycopg

    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT count(*) FROM league_clockevent").fetchone()[0]


def check_posts(db_url: str, log: list[Post], events_before: int) -> dict:
    """Lost or applied twice, read from the database: every post answered "applied" has its
    stored answer, no key has two, and the clock events written equal the posts applied."""
    import psycopg

    keys = [p.key for p in log]
    with psycopg.connect(db_url) as conn:
        stored = dict(conn.execute(
            "SELECT key, count(*) FROM league_idempotentpost WHERE key = ANY(%s) GROUP BY key",
            [keys]).fetchall())
    applied = [p for p in log if p.final == 200]
    return {
        "posts": len(log), "applied": len(applied),
        "unanswered": sum(1 for p in log if p.final == 0),
        "refused": sum(1 for p in log if p.final not in (0, 200)),
        "retried": sum(1 for p in log if len(p.attempts) > 1),
        "lost": sum(1 for p in applied if stored.get(p.key, 0) == 0)
        + sum(1 for p in log if p.final == 0),
        "twice": sum(1 for n in stored.values() if n > 1),
        "stored": len(stored),
        "clock_events": clock_events(db_url) - events_before,
    }


# --- fans: event streams, refreshes through the edge, polling while the stream is down ----------

@dataclass
class Request:
    at: float
    done: float
    status: int
    kind: str  # fragment | page | stream


@dataclass
class FanLog:
    requests: list[Request] = field(default_factory=list)
    drops: list[tuple[float, float | None]] = field(default_factory=list)  # (dropped, reopened)
    events: int = 0

    def fivexx(self, start: float, end: float, *, begun_before: float | None = None) -> list:
        return [r for r in self.requests if start <= r.done <= end and r.status >= 500
                and (begun_before is None or r.at >= begun_before)]


async def fan(session, edge: str, slug: str, log: FanLog, stop_at: float, refresh_share: float,
              rng) -> None:
    """One open page: its event stream (EventSource: reconnects after the server's ``retry``;
    a non-200 answer closes it and htmx's SSE extension retries with backoff), its refresh of the
    live fragment on a pushed change (a share of fans, see --refresh-share), and the 5 s poll
    while the stream is not open (static/league/public.js)."""
    import aiohttp

    fragment = f"{edge}/seasons/{slug}/bracket/live/"
    stream_url = f"{edge}/seasons/{slug}/stream/"
    state = {"open": False, "etag": None}

    async def refresh(kind="fragment"):
        headers = {"HX-Request": "true"}
        if state["etag"]:
            headers["If-None-Match"] = state["etag"]
        began = time.monotonic()
        try:
            async with session.get(fragment, headers=headers,
                                   timeout=aiohttp.ClientTimeout(total=10)) as response:
                await response.read()
                status = response.status
                state["etag"] = response.headers.get("ETag") or state["etag"]
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            status, kind = 599, f"{kind} {type(exc).__name__}"  # no answer: the fan's own error
        log.requests.append(Request(began, time.monotonic(), status, kind))

    async def poller():
        await asyncio.sleep(rng.uniform(0, 5))
        while time.monotonic() < stop_at:
            if not state["open"]:
                await refresh("poll")
            await asyncio.sleep(5)

    poll_task = asyncio.create_task(poller())
    backoff, retry_ms = 0, 3000
    dropped: float | None = None
    try:
        while time.monotonic() < stop_at:
            began = time.monotonic()
            status = 0
            try:
                async with session.get(stream_url, headers={"Accept": "text/event-stream"},
                                       timeout=aiohttp.ClientTimeout(total=None, sock_connect=5,
                                                                     sock_read=30)) as response:
                    status = response.status
                    log.requests.append(Request(began, time.monotonic(), status, "stream"))
                    if status == 200:
                        async for chunk in response.content.iter_any():
                            if b"retry:" in chunk:
                                found = re.search(rb"retry: (\d+)", chunk)
                                retry_ms = int(found.group(1)) if found else retry_ms
                            if b"event: stream-open" in chunk:
                                state["open"], backoff = True, 0
                                if dropped is not None:
                                    log.drops.append((dropped, time.monotonic()))
                                    dropped = None
                                if rng.random() < refresh_share:
                                    await refresh()
                            if b"event: change" in chunk:
                                log.events += 1
                                if rng.random() < refresh_share:
                                    await refresh()
                            if time.monotonic() > stop_at:
                                break
            except (aiohttp.ClientError, TimeoutError, ConnectionError):
                if not status:
                    log.requests.append(Request(began, time.monotonic(), 599, "stream"))
            if time.monotonic() >= stop_at:
                break
            if state["open"] and dropped is None:
                dropped = time.monotonic()
            state["open"] = False
            if status == 200:  # a stream that ended: the browser reconnects after `retry`
                await asyncio.sleep(retry_ms / 1000)
            else:  # refused (204 while Redis is away, or an error): htmx's backoff
                backoff = max(min(backoff * 2, 128), 1)
                await asyncio.sleep(min(backoff * 0.5, max(0.0, stop_at - time.monotonic())))
    finally:
        poll_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poll_task
        if dropped is not None:
            log.drops.append((dropped, None))


# --- benchmark 1: the edge ------------------------------------------------------------------------

WRK_LUA = """
-- %(fans)d fans polling the live fragment every 5 s, spread over wrk's connections; one request
-- in %(page_every)d is a new fan loading the whole page.
local fragment = "%(fragment)s"
local page = "%(page)s"
local delay_ms = %(delay_ms)d
local etag = nil
local n = 0
function request()
  n = n + 1
  if n %% %(page_every)d == 0 then
    return wrk.format("GET", page, {["Accept-Language"] = "en-US,en;q=0.9"})
  end
  local headers = {["HX-Request"] = "true", ["Accept-Language"] = "en-US,en;q=0.9"}
  if etag then headers["If-None-Match"] = etag end
  return wrk.format("GET", fragment, headers)
end
function response(status, headers, body)
  if headers["ETag"] and status == 200 then etag = headers["ETag"] end
end
function delay()
  return math.random(delay_ms / 2, delay_ms * 3 / 2)
end
"""


def edge_bench(rig: Rig, seeded: Seeded, results: dict) -> list[str]:
    a = rig.args
    page = f"/seasons/{seeded.slug}/bracket/"
    fragment = f"/seasons/{seeded.slug}/bracket/live/"
    offered = a.fans / 5
    connections = max(10, min(1000, int(offered / 10)))  # each connection ~10 requests/s
    delay_ms = int(1000 * connections / offered)
    script = rig.tmp / "fans.lua"
    script.write_text(WRK_LUA % {"fans": a.fans, "fragment": fragment, "page": page,
                                 "delay_ms": delay_ms, "page_every": 20})
    before = rig.app_hits()
    started = time.monotonic()
    wrk = subprocess.Popen([TOOLS["wrk"], "-t2", f"-c{connections}", f"-d{a.edge_seconds}s",
                            "--timeout", "5s", "-s", str(script), f"{rig.edge}{fragment}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True)
    rig.processes.started.append(("wrk", wrk))
    # meanwhile: referee posts change the season; a probe polling through the edge times
    # when the fragment changes after each post returned
    delays = asyncio.run(freshness_probe(rig, seeded, fragment, until=started + a.edge_seconds - 1))
    out, _ = wrk.communicate(timeout=a.edge_seconds + 30)
    elapsed = time.monotonic() - started
    after = rig.app_hits()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    per_url = {path: (after.get(path, 0) - before.get(path, 0)) / elapsed for path in (page, fragment)}
    worst = max(delays) if delays else None
    results["edge"] = {
        "fans": a.fans, "offered_rps": offered, "seconds": round(elapsed, 1),
        "served_rps": float(rate.group(1)) if rate else None,
        "requests": int(total.group(1)) if total else None,
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": sock.group(1) if sock else "",
        "app_rps": {k: round(v, 2) for k, v in per_url.items()},
        "change_seen_s": [round(d, 2) for d in delays],
    }
    print(f"edge: {a.fans} fans polling every 5 s = {offered:.0f} req/s offered over {connections} "
          f"connections, {elapsed:.0f} s: served {results['edge']['served_rps']} req/s "
          f"({results['edge']['requests']} requests, non-2xx/3xx "
          f"{results['edge']['non_2xx_3xx']}{', socket errors ' + sock.group(1) if sock else ''})")
    for path, value in per_url.items():
        print(f"  the app saw {value:.2f} req/s for {path} (target <= 5)")
    print("  a change through the edge was seen after "
          + (", ".join(f"{d:.2f}" for d in delays) or "-") + " s (target <= 2)")
    misses = [f"app saw {v:.1f} req/s for {p}" for p, v in per_url.items() if v > 5]
    if results["edge"]["served_rps"] is None or results["edge"]["served_rps"] < 0.9 * offered:
        misses.append(f"edge served {results['edge']['served_rps']} of {offered:.0f} req/s offered")
    if not delays or worst > 2:
        misses.append(f"change seen after {worst} s")
    if results["edge"]["non_2xx_3xx"]:
        misses.append(f"{results['edge']['non_2xx_3xx']} fan requests answered an error")
    return misses


async def freshness_probe(rig: Rig, seeded: Seeded, fragment: str, until: float) -> list[float]:
    """Referee posts through the edge, one every few seconds; after each is answered, poll the
    fragment through the edge every 50 ms until its ETag changes."""
    import aiohttp

    pk, cookie = next(iter(seeded.matches.items()))
    delays: list[float] = []
    log: list[Post] = []
    async with aiohttp.ClientSession() as session:
        async def etag() -> str | None:
            async with session.get(rig.edge + fragment, headers={"HX-Request": "true"}) as r:
                await r.read()
                return r.headers.get("ETag")

        await asyncio.sleep(3)
        while time.monotonic() < until - 5:
            old = await etag()
            post = await referee_post(session, rig.edge, pk, cookie, next(seeded.scripts[pk]),
                                      log, until)
            if post.final != 200:
                print(f"  probe: a post was answered {post.final}")
                continue
            while time.monotonic() - post.answered < 5:
                if await etag() != old:
                    delays.append(time.monotonic() - post.answered)
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(2)
    return delays


# --- benchmark 2: faults during live scoring ------------------------------------------------------

def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


async def open_fans(count: int, start) -> list[asyncio.Task]:
    tasks = []
    for i in range(count):  # in waves: the listen backlogs are finite
        tasks.append(asyncio.create_task(start(i)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    return tasks


async def stop_tasks(tasks: list[asyncio.Task]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def in_window(times, start: float, end: float) -> list:
    return [t for t in times if start <= t <= end]


async def faults(rig: Rig, seeded: Seeded, results: dict) -> list[str]:
    import random

    import aiohttp

    a = rig.args
    fans_log, posts = FanLog(), []
    events_before = clock_events(a.db_url)
    victim_port = rig.app_ports[1]
    marks: dict[str, float] = {}
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as fans_session, \
            aiohttp.ClientSession() as devices_session:
        fan_stop = time.monotonic() + a.fault_seconds + 60
        tasks = await open_fans(a.fault_fans, lambda i: fan(
            fans_session, rig.edge, seeded.slug, fans_log, fan_stop, a.refresh_share,
            random.Random(i)))
        try:
            t0, opened = await _stretch(rig, seeded, fans_log, posts, marks, devices_session,
                                        victim_port)
        finally:
            await stop_tasks(tasks)
    return fault_figures(rig, results, fans_log, posts, marks, t0, opened, events_before,
                         victim_port)


async def _stretch(rig: Rig, seeded: Seeded, fans_log: FanLog, posts: list[Post], marks: dict,
                   devices_session, victim_port: int) -> tuple[float, int]:
    """The scripted stretch of live scoring, with its faults; the fans are already watching."""
    a = rig.args
    opened_by = time.monotonic() + 30
    while time.monotonic() < opened_by:
        opened = sum(1 for r in fans_log.requests if r.kind == "stream" and r.status == 200)
        if opened >= a.fault_fans:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(1)
    opened = sum(1 for r in fans_log.requests if r.kind == "stream" and r.status == 200)
    t0 = time.monotonic()
    stop_posting = t0 + a.fault_seconds * 3  # a post is never abandoned before this
    per_match = {pk: a.posts // len(seeded.matches) for pk in seeded.matches}
    for pk in list(per_match)[: a.posts % len(seeded.matches)]:
        per_match[pk] += 1
    gap = a.fault_seconds / max(per_match.values())

    async def device(pk: int, count: int) -> None:
        for _ in range(count):
            began = time.monotonic()
            await referee_post(devices_session, rig.edge, pk, seeded.matches[pk],
                               next(seeded.scripts[pk]), posts, stop_posting)
            await asyncio.sleep(max(0.0, gap - (time.monotonic() - began)))

    async def script() -> None:
        await asyncio.sleep(a.fault_seconds * 0.15)
        marks["kill"] = time.monotonic()
        os.kill(rig.apps[victim_port].pid, signal.SIGKILL)
        print(f"  t={marks['kill'] - t0:5.1f} s  kill -9 app server :{victim_port}", flush=True)
        await asyncio.sleep(min(8.0, a.fault_seconds * 0.2))
        marks["restart"] = time.monotonic()
        rig.start_app(victim_port)
        print(f"  t={marks['restart'] - t0:5.1f} s  app server :{victim_port} started again",
              flush=True)
        await asyncio.sleep(max(0.0, t0 + a.fault_seconds * 0.45 - time.monotonic()))
        marks["pg"] = time.monotonic()
        # connections live only as long as a request (ASGI): terminate every connection to the
        # database for 2 s, so requests in the middle of their queries are hit
        killed = 0
        while time.monotonic() - marks["pg"] < 2:
            killed += await asyncio.to_thread(terminate_connections, a.db_url)
            await asyncio.sleep(0.02)
        marks["pg_last"] = time.monotonic()
        print(f"  t={marks['pg'] - t0:5.1f} s  pg_terminate_backend for 2 s: {killed} "
              f"connections to {database_name(a.db_url)} terminated", flush=True)
        await asyncio.sleep(max(0.0, t0 + a.fault_seconds * 0.6 - time.monotonic()))
        marks["redis"] = time.monotonic()
        rig.processes.stop(rig.redis)
        print(f"  t={marks['redis'] - t0:5.1f} s  Redis stopped", flush=True)
        await asyncio.sleep(a.fault_seconds * 0.25)
        marks["redis_back"] = time.monotonic()
        rig.start_redis()
        print(f"  t={marks['redis_back'] - t0:5.1f} s  Redis started again", flush=True)

    async def watch_haproxy() -> None:
        seen = None
        while True:
            states = await asyncio.to_thread(rig.haproxy_servers)
            if states != seen:
                print(f"  t={time.monotonic() - t0:5.1f} s  HAProxy: {states}", flush=True)
                seen = states
            await asyncio.sleep(0.25)

    watcher = asyncio.create_task(watch_haproxy())
    await asyncio.gather(script(), *(device(pk, n) for pk, n in per_match.items()))
    watcher.cancel()
    marks["posted"] = time.monotonic()
    await asyncio.sleep(5)  # streams and polls settle after the last fault
    marks["end"] = time.monotonic()
    return t0, opened


def fault_figures(rig: Rig, results: dict, fans_log: FanLog, posts: list[Post], marks: dict,
                  t0: float, opened: int, events_before: int, victim_port: int) -> list[str]:
    a = rig.args
    misses = []
    checked = check_posts(a.db_url, posts, events_before)
    fan_5xx = [r for r in fans_log.requests if r.status >= 500]
    post_5xx = [(at, status) for p in posts for at, status in p.attempts if status >= 500 or not status]
    kill, pg, redis, back = marks["kill"], marks["pg"], marks["redis"], marks["redis_back"]

    # kill -9: requests in flight on the killed server may fail; none begun after the kill
    in_flight = [r for r in fan_5xx if r.at < kill <= r.done and r.done <= kill + 10]
    after_kill = [r for r in fan_5xx if kill <= r.at <= marks["restart"] + 5]
    dropped = [(d, o) for d, o in fans_log.drops if kill - 0.5 <= d <= kill + 3]
    back_in = sorted((o - kill) if o is not None else float("inf") for _d, o in dropped)
    worst_back = back_in[-1] if back_in else 0.0
    # PostgreSQL connections terminated: failures only right after, then none
    pg_5xx = [r.done for r in fan_5xx if pg <= r.done <= pg + 10] + [
        at for at, _s in post_5xx if pg <= at <= pg + 10]
    pg_late = [t for t in pg_5xx if t > marks["pg_last"] + 1.0]
    # Redis stopped: pages and writes go on
    redis_reqs = [r for r in fans_log.requests if redis <= r.at <= back and r.kind != "stream"]
    redis_ok = sum(1 for r in redis_reqs if r.status in (200, 304))
    redis_5xx = [r for r in fan_5xx if redis <= r.at <= back]
    redis_posts = [p for p in posts if redis <= p.started <= back]
    redis_posts_ok = sum(1 for p in redis_posts if p.final == 200)
    redis_drops = [(d, o) for d, o in fans_log.drops if redis <= d <= back]
    reopened = sorted(o - back for _d, o in redis_drops if o is not None and o >= back)

    def pct(values, q):
        values = sorted(values)
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else None

    results["faults"] = {
        "fans": a.fault_fans, "streams_open_at_start": opened, "posts": checked,
        "fan_requests": len(fans_log.requests), "fan_5xx_total": len(fan_5xx),
        "kill": {"in_flight_5xx": len(in_flight), "later_5xx": len(after_kill),
                 "streams_dropped": len(dropped),
                 "back_p50_s": pct(back_in, 0.5), "back_p95_s": pct(back_in, 0.95),
                 "back_max_s": worst_back},
        "pg": {"5xx": len(pg_5xx), "later_than_1s": len(pg_late)},
        "redis": {"fan_requests": len(redis_reqs), "served": redis_ok, "5xx": len(redis_5xx),
                  "posts": len(redis_posts), "posts_applied": redis_posts_ok,
                  "streams_ended": len(redis_drops),
                  "streams_back_p50_s": pct(reopened, 0.5), "streams_back_max_s": pct(reopened, 1.0),
                  "streams_not_back": sum(1 for _d, o in redis_drops if o is None)},
    }
    f = results["faults"]
    print(f"faults: {a.fault_fans} fans ({opened} streams open at the start), "
          f"{checked['posts']} referee posts over {marks['posted'] - t0:.0f} s")
    print(f"  posts: applied {checked['applied']}, retried {checked['retried']}, refused "
          f"{checked['refused']}, unanswered {checked['unanswered']}; stored answers "
          f"{checked['stored']}, clock events written {checked['clock_events']}; lost "
          f"{checked['lost']}, applied twice {checked['twice']} (target 0 and 0)")
    print(f"  kill -9 :{victim_port}: fan 5xx in flight {len(in_flight)}, begun after the kill "
          f"{len(after_kill)} (target 0); {len(dropped)} streams dropped, back after p50 "
          f"{f['kill']['back_p50_s'] or 0:.2f} s, p95 {f['kill']['back_p95_s'] or 0:.2f} s, max "
          f"{worst_back:.2f} s (target <= 3)")
    print(f"  PostgreSQL connections terminated: 5xx {len(pg_5xx)}, of which later than 1 s "
          f"after the last termination {len(pg_late)} (target 0)")
    print(f"  Redis stopped {back - redis:.0f} s: fan requests {len(redis_reqs)}, served "
          f"{redis_ok}, 5xx {len(redis_5xx)} (target 0); posts {len(redis_posts)}, applied "
          f"{redis_posts_ok}; streams ended {len(redis_drops)} (pages poll), back after Redis: "
          f"p50 {f['redis']['streams_back_p50_s']} s, max {f['redis']['streams_back_max_s']} s, "
          f"not back {f['redis']['streams_not_back']}")
    from collections import Counter

    print("  fan answers by kind and status: " + ", ".join(
        f"{k} {s}: {n}" for (k, s), n in sorted(Counter(
            (r.kind, r.status) for r in fans_log.requests).items())))
    print("  post attempts by status: " + ", ".join(
        f"{s}: {n}" for s, n in sorted(Counter(st for p in posts for _t, st in p.attempts).items())))
    if checked["lost"] or checked["twice"] or checked["clock_events"] != checked["applied"]:
        misses.append("posts lost or applied twice")
    if checked["refused"]:
        misses.append(f"{checked['refused']} posts refused")
    if after_kill:
        misses.append(f"{len(after_kill)} fan 5xx after the kill beyond requests in flight")
    if worst_back > 3:
        misses.append(f"streams back after {worst_back:.1f} s > 3 s")
    if pg_late:
        misses.append(f"{len(pg_late)} 5xx later than 1 s after terminating connections")
    if redis_5xx or not redis_ok or redis_posts_ok < len(redis_posts):
        misses.append("Redis stopped: 5xx, pages not served or writes failed")
    return misses


# --- benchmark 3: push fan-out over the servers ---------------------------------------------------

async def push(rig: Rig, seeded: Seeded, results: dict) -> list[str]:
    import aiohttp

    from league.models import Match  # Django was set up by seed()
    from league.services.common import bump

    a = rig.args
    match = await asyncio.to_thread(
        lambda: Match.objects.get(season__slug=seeded.slug, slot=LIVE_SLOTS[0]))
    url = f"{rig.lb}/seasons/{seeded.slug}/matches/{LIVE_SLOTS[0]}/stream/"
    arrivals: dict[int, list[float]] = {}
    opened = asyncio.Event()
    state = {"open": 0, "failed": 0}

    async def one(session, index: int) -> None:
        got = arrivals.setdefault(index, [])
        try:
            async with session.get(url, headers={"Accept": "text/event-stream"}) as response:
                if response.status != 200:
                    state["failed"] += 1
                    return
                seen = False
                async for chunk in response.content.iter_any():
                    now = time.perf_counter()
                    if not seen and b"event: stream-open" in chunk:
                        seen = True
                        state["open"] += 1
                        if state["open"] >= a.push_streams:
                            opened.set()
                    for _ in range(chunk.count(b"event: change")):
                        got.append(now)
        except (TimeoutError, aiohttp.ClientError, ConnectionError):
            state["failed"] += 1

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=None)
    stamps: list[float] = []
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        began = time.monotonic()
        tasks = await open_fans(a.push_streams, lambda i: one(session, i))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(opened.wait(), 45)
        open_seconds = time.monotonic() - began
        await asyncio.sleep(1.5)
        for _ in range(a.push_events):
            await asyncio.to_thread(bump, match.season_id, match=match)
            stamps.append(time.perf_counter())
            await asyncio.sleep(a.push_gap)
        await asyncio.sleep(5)
        await stop_tasks(tasks)
    latencies, missed = [], 0
    for got in arrivals.values():
        for k, sent in enumerate(stamps):
            if k < len(got):
                latencies.append((got[k] - sent) * 1000)
            else:
                missed += 1
    latencies.sort()

    def pct(q):
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(round(q * (len(latencies) - 1))))]

    results["push"] = {"streams": a.push_streams, "open": state["open"], "failed": state["failed"],
                       "open_seconds": round(open_seconds, 1), "events": len(stamps),
                       "gap_s": a.push_gap, "p50_ms": round(pct(0.5)), "p95_ms": round(pct(0.95)),
                       "max_ms": round(latencies[-1]) if latencies else None, "missed": missed,
                       "servers": a.servers}
    p = results["push"]
    print(f"push: {state['open']} of {a.push_streams} streams open over {a.servers} servers "
          f"(through HAProxy, {open_seconds:.0f} s to open), {len(stamps)} events {a.push_gap} s "
          f"apart: score to screen p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, max {p['max_ms']} ms,"
          f" missed {missed} (target p95 <= 1000 ms at 5,000)")
    misses = []
    if a.push_streams >= 5000 and not p["p95_ms"] <= 1000:
        misses.append(f"push p95 {p['p95_ms']} ms > 1 s at {a.push_streams} streams")
    if missed or state["open"] < a.push_streams:
        misses.append(f"push: {a.push_streams - state['open']} streams not open, {missed} events missed")
    return misses


# --- the command -----------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PHASES),
                        help=f"benchmarks to run, comma-separated (default {','.join(PHASES)})")
    parser.add_argument("--servers", type=int, default=3, help="app servers (default 3)")
    parser.add_argument("--fans", type=int, default=10_000,
                        help="edge: fans polling every 5 s (default 10,000)")
    parser.add_argument("--edge-seconds", type=int, default=20, help="edge: seconds (default 20)")
    parser.add_argument("--posts", type=int, default=200, help="faults: referee posts (default 200)")
    parser.add_argument("--fault-fans", type=int, default=1000, help="faults: fans (default 1,000)")
    parser.add_argument("--fault-seconds", type=float, default=50,
                        help="faults: length of the scoring stretch (default 50)")
    parser.add_argument("--refresh-share", type=float, default=0.2,
                        help="faults: share of fans that refresh the fragment on each pushed "
                             "change (default 0.2; every fan polls while its stream is down)")
    parser.add_argument("--push-streams", type=int, default=5000, help="push: streams (default 5,000)")
    parser.add_argument("--push-events", type=int, default=10, help="push: events (default 10)")
    parser.add_argument("--push-gap", type=float, default=2.0, help="push: seconds between events")
    parser.add_argument("--db-url", default=os.environ.get("RIG_DB", DEFAULT_DB),
                        help=f"the rig's own PostgreSQL database, dropped and re-created "
                             f"(default {DEFAULT_DB})")
    parser.add_argument("--timeout", type=float, default=330,
                        help="hard limit in seconds for the whole run (default 330)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    parser.add_argument("--max-db-connections", type=int, default=40,
                        help="stop if the rig's database holds more connections (the server is "
                             "shared; default 40)")
    parser.add_argument("--fresh", action="store_true",
                        help="migrate and seed again instead of copying the last seeded database")
    args = parser.parse_args(argv)
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}: one of {', '.join(PHASES)}")
    args.only = phases
    if not (1 <= args.servers <= 8):
        parser.error("--servers 1-8")
    if "faults" in phases and args.servers < 2:
        parser.error("the fault benchmark kills a server: --servers 2 or more")
    if args.timeout <= 0 or args.timeout > 900:
        parser.error("--timeout 1-900 seconds")
    loopback_only(args.db_url)
    database_name(args.db_url)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [name for name, path in TOOLS.items() if not Path(path).exists()]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install haproxy varnish redis-server wrk)")
        return 2
    processes, cleanups = Processes(), []
    install_cleanup(processes, args.timeout, cleanups)
    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="rig-"))
    if not args.keep_logs:
        cleanups.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
           "SECRET_KEY": "rig-only-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "STATIC_MANIFEST": "0", "LOG_LEVEL": "WARNING", "DATABASE_URL": args.db_url,
           "PYTHONPATH": str(ROOT)}
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY",
                                           "ALLOWED_HOSTS", "STATIC_MANIFEST", "DATABASE_URL")})
    sys.path.insert(0, str(ROOT))
    raise_fd_limit()
    rig = Rig(args=args, tmp=tmp, processes=processes, env=env)
    results: dict = {}
    misses: list[str] = []
    db_seen: dict = {}
    try:
        copied = recreate_database(args.db_url, fresh=args.fresh)
        rig.redis_port = free_port()
        env["REDIS_URL"] = os.environ["REDIS_URL"] = f"redis://127.0.0.1:{rig.redis_port}/0"
        # Celery's broker too (never the machine's Redis): the rig's, database 2
        env["CELERY_BROKER_URL"] = os.environ["CELERY_BROKER_URL"] = (
            f"redis://127.0.0.1:{rig.redis_port}/2")
        rig.start_redis()
        seeded = seed(args.db_url, seeded_copy=copied)
        guard_connections(args.db_url, args.max_db_connections, db_seen)
        seeded.scripts = {pk: clock_script() for pk in seeded.matches}
        print(f"{'copied the seeded' if copied else 'migrated and seeded the'} demo season {SLUG} "
              f"({len(seeded.matches)} live matches) in {time.monotonic() - began:.0f} s")
        rig.start()
        print(f"rig up after {time.monotonic() - began:.0f} s: Varnish :{rig.edge_port} -> HAProxy "
              f":{rig.haproxy_port} -> {args.servers} app servers "
              f"{', '.join(f':{p}' for p in rig.app_ports)} (uvicorn, ASGI); Redis :{rig.redis_port}; "
              f"PostgreSQL {database_name(args.db_url)}; Celery worker {rig.celery}")
        print(f"  HAProxy sees {rig.haproxy_servers()}; logs in {tmp}"
              + ("" if args.keep_logs else " (removed at the end; --keep-logs keeps them)"))
        if "edge" in args.only:
            misses += edge_bench(rig, seeded, results)
        if "faults" in args.only:
            misses += asyncio.run(faults(rig, seeded, results))
        if "push" in args.only:
            misses += asyncio.run(push(rig, seeded, results))
    except HardTimeout as exc:
        print(f"stopped: {exc}")
        return 2
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        from django.db import connections

        connections.close_all()
        processes.stop_all()
    results["db_connections_max"] = db_seen.get("max")
    print(f"rig: {time.monotonic() - began:.0f} s, at most {db_seen.get('max')} connections to "
          f"{database_name(args.db_url)}, {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("RESULTS " + json.dumps(results))
    print("targets: " + ("met" if not misses else "MISSED: " + "; ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
