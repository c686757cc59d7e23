#!/usr/bin/env python3
"""Benchmark of the public pages under load: bracket page, its 304 poll, a trivial view.

    .venv/bin/python bench/public_bench.py [--duration 8] [--rounds 3] [--workers 2]

What it does, all on this machine (loopback only, bounded in time):
1. a fresh SQLite database in a temporary folder (or DATABASE_URL if set, e.g. a PostgreSQL
   database of its own), migrated and seeded through the services: a season in the knockout
   with a semifinal live;
2. gunicorn (from the virtualenv) serving config.wsgi on 127.0.0.1 with production settings
   (DEBUG off, the settings' cache: local memory, or Redis with REDIS_URL);
3. wrk (Debian's package) against these URLs, in turn, ``--rounds`` times each:
   - trivial:  /healthz, a view that returns "ok" (the baseline: the whole middleware stack);
   - bracket:  /seasons/<slug>/bracket/, the full page (cached per season version and
               language, answered by league.http_cache.PublicFastPath);
   - bracket, in Chinese: the same with the language cookie of the language switch;
   - poll 304: /seasons/<slug>/bracket/live/ with the current ETag in If-None-Match, as the
               page's htmx poll sends it (answers 304 Not Modified);
4. prints requests/s and the ratios to the trivial view, against the targets: bracket >= 0.8x,
   304 poll >= 1.0x. Each round runs the URLs back to back, so a round's ratios share the
   machine's load of the moment: the median ratio over the rounds is the figure to quote on a
   busy machine; "best" is each URL's best round. Exit 0; --strict: 1 if a target is missed.

--stamp-max-age S runs the server with PUBLIC_STAMP_MAX_AGE = S (a process reuses a season's
version stamp for S seconds instead of one query per request; default 0, as in production
unless config/settings.py sets it).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from serving import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python" if (VENV_BIN / "python").exists() else Path(sys.executable)
GUNICORN = (VENV_BIN / "gunicorn" if (VENV_BIN / "gunicorn").exists()
            else Path(shutil.which("gunicorn") or "gunicorn"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SLUG = "bench-knockout"

SEED = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from league import services
from league.models import Season
from tests import factories
if not Season.objects.filter(slug={SLUG!r}).exists():
    season = factories.season_at("knockout", slug={SLUG!r}, name="Benchmark season")
    sf1 = season.matches.get(slot="SF1")
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="B1", blue_seal="B2",
                            actor=services.common.system_actor())
    services.match_start(match=sf1, actor=services.common.system_actor())
from django.db import connection
if connection.vendor == "sqlite":  # several worker processes read at once: write-ahead log
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
print("seeded")
"""


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's master and workers, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_wrk(url: str, *, duration: int, connections: int, threads: int,
            headers: dict | None = None) -> tuple[float, int, str]:
    cmd = [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    if not match or not done:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    note = ""
    if errors:
        note += f" non-2xx/3xx: {errors.group(1)}"
    if socket_errors:
        note += f" socket errors: {socket_errors.group(1)}"
    return float(match.group(1)), int(done.group(1)), note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per URL (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--stamp-max-age", type=float, default=0.0,
                        help="PUBLIC_STAMP_MAX_AGE of the server (default 0: a query per request)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="public-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
           "STATIC_MANIFEST": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
           "PYTHONPATH": str(ROOT)}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    if args.stamp_max_age:
        (tmp / "bench_settings.py").write_text(
            "from config.settings import *  # noqa: F401,F403\n"
            f"PUBLIC_STAMP_MAX_AGE = {args.stamp_max_age!r}\n")
        env["PYTHONPATH"] = f"{tmp}{os.pathsep}{ROOT}"
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    print(f"PUBLIC_STAMP_MAX_AGE: {args.stamp_max_age:g} s")
    database = env["DATABASE_URL"].split("@")[-1]
    print(f"database: {database}   cache: {'redis' if env.get('REDIS_URL') else 'local memory'}")
    subprocess.run([str(PYTHON), "-c", SEED], cwd=ROOT, env=env, check=True, timeout=300)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--worker-class", "sync", "--log-level", "warning", "--access-logfile", "-",
         "--access-logformat", "", "--backlog", "2048"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_http(f"{base}/healthz", 20, what="gunicorn")
        page = f"{base}/seasons/{SLUG}/bracket/"
        poll = f"{base}/seasons/{SLUG}/bracket/live/"
        status, headers, body = fetch(page)
        assert status == 200 and b"Semifinal" in body, (status, body[:200])
        assert "Set-Cookie" not in headers, headers  # public pages are the same for every fan
        status, headers, _body = fetch(poll, {"HX-Request": "true"})
        etag = headers.get("ETag")
        assert status == 200 and etag, (status, headers)
        status, _h, _b = fetch(poll, {"HX-Request": "true", "If-None-Match": etag})
        assert status == 304, status
        print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; wrk: {args.threads} thread, "
              f"{args.connections} connections, {args.duration} s x {args.rounds} rounds per URL")
        print(f"bracket page: {len(body)} bytes; poll ETag {etag}")
        targets = {
            "trivial": (f"{base}/healthz", {}),
            "bracket": (page, {}),
            "first": (page, {"Cookie": "django_language=zh-hans"}),
            "poll304": (poll, {"HX-Request": "true", "If-None-Match": etag}),
        }
        for url, headers in targets.values():  # warm every worker's connection and cache
            run_wrk(url, duration=1, connections=args.connections, threads=args.threads,
                    headers=headers)
        rates: dict[str, list[float]] = {name: [] for name in targets}
        per_cpu: dict[str, list[float]] = {name: [] for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (url, headers) in targets.items():
                cpu = server_cpu_seconds(server.pid)
                rate, count, note = run_wrk(url, duration=args.duration, connections=args.connections,
                                            threads=args.threads, headers=headers)
                cpu = server_cpu_seconds(server.pid) - cpu
                rates[name].append(rate)
                per_cpu[name].append(count / cpu if cpu else 0.0)
                print(f"  round {round_no} {name:8} {rate:9.1f} req/s {per_cpu[name][-1]:9.1f} "
                      f"req per server CPU-second{note}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)

    rows = [("trivial view  /healthz", "trivial", None),
            ("bracket page", "bracket", 0.8),
            ("bracket, in Chinese", "first", None),
            ("bracket 304 poll", "poll304", 1.0)]

    def median(values: list[float]) -> float:
        values = sorted(values)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    print()
    print("Throughput (wall clock; on a shared machine the median of each round's ratio is the")
    print("figure to quote) and cost (requests per CPU-second of the gunicorn processes: what a")
    print("server can serve, little affected by other load on the machine).")
    print(f"{'':24} {'best req/s':>10} {'x trivial':>9} {'median x':>9} {'req/CPU-s':>10} "
          f"{'x trivial':>9}  target")
    missed = False
    cpu_trivial = median(per_cpu["trivial"])
    for label, name, target in rows:
        best = max(rates[name])
        ratio = best / max(rates["trivial"])
        round_ratio = median([r / t for r, t in zip(rates[name], rates["trivial"], strict=True)])
        cost = median(per_cpu[name])
        mark = ""
        if target is not None:
            ok = round_ratio >= target
            missed |= not ok
            mark = f">= {target:.1f} {'ok' if ok else 'MISSED'}"
        print(f"{label:24} {best:10.1f} {ratio:9.2f} {round_ratio:9.2f} {cost:10.1f} "
              f"{cost / cpu_trivial:9.2f}  {mark}")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
