#!/usr/bin/env python3
"""Webhooks through a real Celery worker and Redis: a receiver that fails the first two attempts
of every delivery still gets each event exactly once, in order per match (issue 12's figure).

    .venv/bin/python bench/webhook_bench.py [--matches 6] [--concurrency 4] [--timeout 180]
        [--db-url postgres://postgres@127.0.0.1:5432/webhook_bench]
        [--broker redis://127.0.0.1:6379/11] [--keep]

What it does, on this machine only (loopback; bounded in time; it stops what it started):
1. (re)creates the PostgreSQL database named in --db-url (default webhook_bench, loopback only),
   migrates it and builds a season in the group stage through the services;
2. starts an HTTP receiver (a thread) that answers 500 to the first two attempts of each delivery
   (by X-League-Delivery) and 204 after, checking every signature, and registers it for every
   event of the season;
3. starts a Celery worker (``celery -A config worker -B``) on --broker with a 1 s backoff, then
   plays --matches matches through the services (call, check-in, start, rounds): each commit
   hands its deliveries to the worker through Redis;
4. waits until every delivery is delivered (or --timeout), stops the worker, and prints: events,
   attempts, deliveries accepted once, streams in order, bad signatures, time to the last one.
   Exit 1 when an event is missing, accepted twice, out of order, or badly signed.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/webhook_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in LOOPBACK:
        sys.exit(f"refusing to recreate a database on {parts.hostname}: loopback only")
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.attempts: dict[str, int] = {}
        self.accepted: list[dict] = []
        self.bad_signatures = 0
        self.requests = 0
        self.secret = ""

    def handle(self, headers, body: bytes) -> int:
        from league.jobs.webhooks import signature

        with self.lock:
            self.requests += 1
            t = int(dict(p.split("=", 1) for p in headers["X-League-Signature"].split(","))["t"])
            if signature(self.secret, t, body) != headers["X-League-Signature"]:
                self.bad_signatures += 1
                return 400
            delivery = headers["X-League-Delivery"]
            self.attempts[delivery] = self.attempts.get(delivery, 0) + 1
            if self.attempts[delivery] <= 2:
                return 500
            self.accepted.append(json.loads(body))
            return 204


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(receiver.handle(self.headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--db-url", default=DEFAULT_DB)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": args.db_url, "CELERY_BROKER_URL": args.broker,
           "CELERY_TASK_ALWAYS_EAGER": "0", "WEBHOOK_ALLOW_PRIVATE": "1",
           "WEBHOOK_BACKOFF_SECONDS": "1", "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    os.environ.update(env)
    recreate_database(args.db_url)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)

    import django

    django.setup()
    import redis
    from django.db.models import Count

    from league import demo, services
    from league.models import Match, WebhookDelivery
    from league.services.common import system_actor

    redis.Redis.from_url(args.broker).flushdb()
    actor = system_actor()
    season = services.season_create(actor=actor, slug="bench", name="Bench", city="Shenzhen",
                                    venue="Bay", time_zone="Asia/Shanghai",
                                    starts_on=__import__("datetime").date(2026, 3, 6))
    demo.advance(season, "group_stage")
    receiver = Receiver()
    server = serve(receiver)
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    endpoint = services.webhook_endpoint_register(
        season=season, url=url, events=["match.called", "match.started", "match.round_recorded",
                                        "match.finished", "bracket.changed", "schedule.changed"],
        actor=actor)
    receiver.secret = endpoint.secret

    worker = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--loglevel", "WARNING",
         "--concurrency", str(args.concurrency), "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, start_new_session=True)
    started = time.monotonic()
    try:
        matches = list(season.matches.filter(status=Match.Status.SCHEDULED)
                       .order_by("scheduled_at", "ring")[: args.matches])
        for match in matches:
            services.match_call(match=match, actor=actor)
            demo.play_match(match, winner="red")
        total = WebhookDelivery.objects.count()
        played = time.monotonic() - started
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            if not WebhookDelivery.objects.exclude(status="delivered").exists():
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        server.shutdown()

    states = dict(WebhookDelivery.objects.values_list("status").annotate(n=Count("pk")))
    ids = [p["id"] for p in receiver.accepted]
    streams: dict[str, list[int]] = {}
    for payload in receiver.accepted:
        streams.setdefault(payload["stream"], []).append(payload["sequence"])
    in_order = all(seqs == list(range(1, len(seqs) + 1)) for seqs in streams.values())
    once = len(ids) == len(set(ids)) == total
    print(f"matches played: {len(matches)} in {played:.1f} s; events (deliveries): {total}")
    print(f"HTTP attempts: {receiver.requests} (3 per delivery expected: {3 * total})")
    print(f"accepted once each: {once} ({len(ids)} accepted, {len(set(ids))} distinct)")
    print(f"streams: {len(streams)}, each in sequence order: {in_order}")
    print(f"bad signatures: {receiver.bad_signatures}; states: {states}")
    print(f"last delivery after {elapsed:.1f} s (backoff 1 s, 2 s per delivery, one at a time "
          "per stream)")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        import psycopg

        parts = urllib.parse.urlsplit(args.db_url)
        with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")),
                             autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
    ok = once and in_order and receiver.bad_signatures == 0 and states == {"delivered": total}
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
