#!/usr/bin/env python3
"""Benchmark of the referee's scoring posts under concurrent load, on PostgreSQL.

    .venv/bin/python bench/referee_bench.py [--mode http|service] [--threads 8] [--share 2]
        [--matches 60] [--duration 20] [--max-requests 4000] [--workers 3]
        [--db-url postgres://postgres@127.0.0.1:5432/referee_bench] [--keep]

What it does, all on this machine (loopback only, bounded in time and in requests):
1. (re)creates the PostgreSQL database named in --db-url (default referee_bench; never a remote
   host), migrates it and seeds through the services a season in the group stage with --matches
   live matches, each assigned to the referee "bench-ref";
2. --mode http (default): starts gunicorn (config.wsgi, production settings, DEBUG off) on
   127.0.0.1 and posts the referee's htmx forms to it, as a phone at the ring does: the allowance
   taps (2 manual resets, 2 tactical timeouts, 1 emergency repair per corner) and then the rounds
   until the match ends (R8), each post carrying the Match.version it last saw
   (expected_version). --mode service calls the same services directly, without HTTP;
3. --threads devices post at once; --share devices work on each match together (2: two devices
   per match, as two referees' phones), so some posts find a stale version: they are answered
   409 "this match changed" with the current state, and the device goes on from that state;
4. stops when every match is over, after --duration seconds or --max-requests posts;
5. prints throughput, latency percentiles (all posts and applied posts), the answers by kind, and
   checks the invariant: the rows written (rounds + allowance uses) equal the applied posts, i.e.
   no post was lost or applied twice. Exit 1 if that check fails or a post got a 5xx answer.
"""
from __future__ import annotations

import argparse
import ipaddress
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from serving import free_port, wait_http

from league.services.common import system_actor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
GUNICORN = (VENV_BIN / "gunicorn" if (VENV_BIN / "gunicorn").exists()
            else Path(shutil.which("gunicorn") or "gunicorn"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/referee_bench"
VERSION_RE = re.compile(rb'data-version="(\d+)"')
STATUS_RE = re.compile(rb'class="rf-match-card rf-status-(\w+)"')

# The posts of one match, in order: allowance taps, then rounds (red wins 2-0).
ALLOWANCES = [("red", "manual_reset"), ("blue", "manual_reset"), ("red", "tactical_timeout"),
              ("blue", "tactical_timeout"), ("red", "emergency_repair"), ("blue", "emergency_repair"),
              ("red", "manual_reset"), ("blue", "tactical_timeout")]
ROUNDS = [1, 2]
STEPS = [("allowance", c, k) for c, k in ALLOWANCES] + [("round", n, None) for n in ROUNDS]


def loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"refusing to benchmark {host!r}: loopback addresses only")


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to recreate the database {name!r}")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def seed(matches: int) -> tuple[object, list[int]]:
    """A running season with ``matches`` live matches of four teams, refereed by bench-ref."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as AuthGroup
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from league import roles, services
    from league.catalogue import ROBOT_NAMES, TEAMS
    from league.models import Entry, Group, Match, Robot, Season, Team

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench-ref", password=secrets.token_hex(16))
    user.groups.add(AuthGroup.objects.get(name=roles.REFEREE))
    season = services.season_create(slug="bench", name="Benchmark season", city="Shenzhen",
                                    venue="Bench arena", time_zone="Asia/Shanghai",
                                    starts_on=timezone.localdate(), actor=system_actor())
    group = Group.objects.create(season=season, name="A")
    entries = []
    for index in range(4):
        slug, en, zh, org, kind, country = TEAMS[index]
        team = Team.objects.create(slug=slug, name_en=en, name_zh=zh, organization=org, kind=kind,
                                   country=country, registration_number=f"REG-{index}")
        entry = Entry.objects.create(season=season, team=team, status=Entry.Status.QUALIFIED,
                                     seed=index + 1, pot=index + 1, group=group)
        for role, suffix in ((Robot.Role.PRIMARY, "1"), (Robot.Role.BACKUP, "2")):
            Robot.objects.create(season=season, entry=entry, role=role, serial=f"B-{index}{suffix}",
                                 name=ROBOT_NAMES[index] + suffix)
        entries.append(entry)
    Season.objects.filter(pk=season.pk).update(phase=Season.Phase.GROUP_STAGE, version=F("version") + 1)
    pairs = [(0, 1), (2, 3), (0, 2), (1, 3), (0, 3), (1, 2)]
    ids = []
    for i in range(matches):
        red, blue = pairs[i % len(pairs)]
        match = Match.objects.create(season=season, stage=Match.Stage.GROUP, group=group,
                                     slot=f"B{i:04d}", day=1, red=entries[red], blue=entries[blue],
                                     ring="Ring 1", scheduled_at=timezone.now())
        services.referees_assign(match=match, referees=[user], actor=system_actor())
        services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                blue_robot=services.active_robot(match.blue),
                                red_seal=f"R{i}", blue_seal=f"B{i}", actor=user)
        services.match_start(match=match, actor=user)
        ids.append(match.pk)
    return user, ids


@dataclass
class MatchState:
    pk: int
    version: int
    step: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> bool:
        return self.step >= len(STEPS)


@dataclass
class Sample:
    kind: str  # applied | conflict | refused | error
    seconds: float
    status: int


class Budget:
    def __init__(self, max_requests: int, deadline: float):
        self.left = max_requests
        self.deadline = deadline
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


def http_poster(base: str, cookies: str, token: str):
    opener = urllib.request.build_opener()

    def post(state: MatchState, step, version: int) -> tuple[int, int | None, str | None]:
        what, a, b = step
        if what == "allowance":
            path, data = f"/referee/match/{state.pk}/allowance/", {"corner": a, "kind": b}
        else:
            path = f"/referee/match/{state.pk}/round/"
            data = {"number": a, "winner": "red", "method": "points", "red_points": 12, "blue_points": 5,
                    "red_knockdowns": 0, "blue_knockdowns": 1, "red_fouls": 0, "blue_fouls": 1}
        data["expected_version"] = version
        request = urllib.request.Request(
            base + path, data=urllib.parse.urlencode(data).encode(), method="POST",
            headers={"Cookie": cookies, "X-CSRFToken": token, "HX-Request": "true",
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with opener.open(request, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        found = VERSION_RE.search(body)
        shown = STATUS_RE.search(body)
        return status, int(found.group(1)) if found else None, shown.group(1).decode() if shown else None

    return post


def service_poster(user):
    from django.db import connection

    from league import services
    from league.errors import MatchConflict, RuleViolation
    from league.models import Match
    from league.services import RoundInput

    def post(state: MatchState, step, version: int) -> tuple[int, int | None, str | None]:
        what, a, b = step
        match = Match(pk=state.pk)
        try:
            if what == "allowance":
                services.allowance_use(match=match, corner=a, kind=b, expected_version=version,
                                       actor=user)
            else:
                services.round_record(match=match, number=a, expected_version=version, actor=user,
                                      data=RoundInput(winner="red", method="points", red_points=12,
                                                      blue_points=5, blue_knockdowns=1, blue_fouls=1))
            status = 200
        except MatchConflict:
            status = 409
        except RuleViolation:
            status = 400
        row = Match.objects.filter(pk=state.pk).values_list("version", "status").first()
        return status, row[0], row[1]

    post.close = lambda: connection.close()  # in the device thread, its own connection
    return post


def device(states: list[MatchState], post, budget: Budget, samples: list, lock: threading.Lock):
    mine: list[Sample] = []
    try:
        for state in states:
            while not state.done:
                with state.lock:
                    if state.done:
                        break
                    step_index, version = state.step, state.version
                if not budget.take():
                    return
                started = time.perf_counter()
                try:
                    status, new_version, shown = post(state, STEPS[step_index], version)
                except OSError:
                    mine.append(Sample("error", time.perf_counter() - started, 0))
                    continue
                elapsed = time.perf_counter() - started
                kind = {200: "applied", 409: "conflict", 400: "refused"}.get(status, "error")
                mine.append(Sample(kind, elapsed, status))
                with state.lock:
                    if new_version is not None and new_version > state.version:
                        state.version = new_version
                    if status == 200 and state.step == step_index:
                        state.step += 1
                    elif status == 400 and state.step == step_index:
                        state.step += 1  # refused (e.g. the other device already ended it): move on
                    if shown in ("finished", "forfeited"):
                        state.step = len(STEPS)
    finally:
        with lock:
            samples.extend(mine)
        close = getattr(post, "close", None)
        if close:
            close()


def percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    return (f"p50 {at(50):.1f} ms  p90 {at(90):.1f} ms  p95 {at(95):.1f} ms  p99 {at(99):.1f} ms  "
            f"max {ordered[-1] * 1000:.1f} ms  mean {statistics.fmean(ordered) * 1000:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["http", "service"], default="http")
    parser.add_argument("--threads", type=int, default=8, help="devices posting at once (default 8)")
    parser.add_argument("--share", type=int, default=2, help="devices per match (default 2)")
    parser.add_argument("--matches", type=int, default=60, help="live matches to score (default 60)")
    parser.add_argument("--duration", type=float, default=20, help="stop after N seconds (default 20)")
    parser.add_argument("--max-requests", type=int, default=4000, help="stop after N posts (default 4000)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--db-url", default=os.environ.get("REFEREE_BENCH_DB", DEFAULT_DB))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    if not args.db_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the referee benchmark runs on PostgreSQL: --db-url postgres://...")
    if not (1 <= args.threads <= 64 and 1 <= args.share <= args.threads and args.matches >= 1):
        raise SystemExit("--threads 1-64, --share 1..threads, --matches >= 1")
    args.duration = min(args.duration, 120)
    loopback_only(args.db_url)

    recreate_database(args.db_url)
    os.environ["DATABASE_URL"] = args.db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["STATIC_MANIFEST"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from league.models import AllowanceUse, Match, Round

    t0 = time.monotonic()
    user, ids = seed(args.matches)
    print(f"seeded {len(ids)} live matches in {time.monotonic() - t0:.1f} s "
          f"({len(STEPS)} scoring posts each when no post conflicts)")
    versions = dict(Match.objects.filter(pk__in=ids).values_list("pk", "version"))
    states = [MatchState(pk=pk, version=versions[pk]) for pk in ids]
    # devices in teams of --share, each team works through its share of the matches in order
    teams = max(1, args.threads // args.share)
    plan = [[s for i, s in enumerate(states) if i % teams == t] for t in range(teams)]

    server = None
    try:
        if args.mode == "http":
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            loopback_only(base)
            env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "ERROR", "CONN_MAX_AGE": "60",
                   "ALLOWED_HOSTS": "127.0.0.1,localhost"}
            log = open(os.devnull, "w")  # noqa: SIM115 - closed with the server
            server = subprocess.Popen(
                [str(GUNICORN), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
                 "--access-logfile", "-", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            client = Client()
            client.force_login(user)
            session = client.cookies["sessionid"].value
            token = secrets.token_hex(16)  # a CSRF secret of 32 characters, sent as cookie and header
            cookies = f"sessionid={session}; csrftoken={token}"
            wait_http(f"{base}/referee/login/", 20, what="gunicorn")
            make_post = lambda: http_poster(base, cookies, token)  # noqa: E731
        else:
            make_post = lambda: service_poster(user)  # noqa: E731
        connection.close()

        samples: list[Sample] = []
        lock = threading.Lock()
        budget = Budget(args.max_requests, time.monotonic() + args.duration)
        threads = []
        for t in range(args.threads):
            threads.append(threading.Thread(target=device, args=(plan[t % teams], make_post(), budget,
                                                                 samples, lock)))
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.duration + 30)
        wall = time.perf_counter() - started
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)

    applied = [s for s in samples if s.kind == "applied"]
    by_kind = {k: sum(1 for s in samples if s.kind == k) for k in ("applied", "conflict", "refused", "error")}
    rows = Round.objects.filter(match_id__in=ids).count() + AllowanceUse.objects.filter(
        match_id__in=ids).count()
    finished = Match.objects.filter(pk__in=ids, status=Match.Status.FINISHED).count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"mode {args.mode}: {args.threads} devices, {args.share} per match, "
          f"{args.workers if args.mode == 'http' else '-'} gunicorn workers; "
          f"{os.cpu_count()} cores, load average {load} (other work on the machine counts)")
    print(f"posts {len(samples)} in {wall:.2f} s: {len(samples) / wall:.1f} posts/s, "
          f"{len(applied) / wall:.1f} applied/s")
    print(f"answers: applied {by_kind['applied']}, conflict 409 {by_kind['conflict']} "
          f"({by_kind['conflict'] / max(1, len(samples)):.1%}), refused 400 {by_kind['refused']} "
          f"(a device repeating what the other had just done), errors {by_kind['error']}")
    print(f"latency, all posts:     {percentiles([s.seconds for s in samples])}")
    print(f"latency, applied posts: {percentiles([s.seconds for s in applied])}")
    conflicts = [s.seconds for s in samples if s.kind == "conflict"]
    print(f"latency, conflicts:     {percentiles(conflicts)}")
    print(f"matches finished {finished}/{len(ids)}; rows written {rows} = applied posts "
          f"{by_kind['applied']}: {'OK' if rows == by_kind['applied'] else 'MISMATCH'}")
    connection.close()
    if not args.keep:
        drop_database(args.db_url)
    return 0 if rows == by_kind["applied"] and by_kind["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
