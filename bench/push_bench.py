#!/usr/bin/env python3
"""Benchmark of instant updates (league.push): score to screen, memory per stream, CPU per event.

    .venv/bin/python bench/push_bench.py [--streams 100,5000] [--events 20] [--workers 2]

All on this machine, loopback only, bounded in time (--timeout seconds per level):
1. a fresh SQLite database in a temporary folder, migrated and seeded (a season in the
   knockout, SF1 live on Ring 1);
2. the production app server: uvicorn serving config.asgi with --workers processes, DEBUG off,
   events across the processes through Redis (REDIS_URL, default redis://127.0.0.1:6379/1);
3. a separate client process (this script, --client): aiohttp opens N Server-Sent Event
   streams of SF1's page (/seasons/<slug>/matches/SF1/stream/), spread over the workers by
   the kernel; then, --events times, a "referee's post": the change is committed through
   league.services.common.bump(season, match=SF1), the hook every service calls at the end
   of its transaction (the event leaves after the commit). The clock starts when that call
   returns, which is when a referee's post would return; each stream stops its clock when the
   event arrives. The post's own time (bench/referee_bench.py) comes before and is not counted.
4. prints p50/p95/max over all (stream, event) pairs, server memory per open stream (RSS of the
   server processes with N streams open, minus before, over N) and server CPU per event
   (user+system CPU of the server processes over the events, over --events).
Targets (issue 9): p50 <= 250 ms at 100 streams, p95 <= 1 s at 5,000. --strict: exit 1 on a miss.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import free_port, wait_http

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)
SLUG = "bench-push"

SEED = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from league import services
from league.services.common import system_actor
from tests import factories
season = factories.season_at("knockout", slug={SLUG!r}, name="Push benchmark")
sf1 = season.matches.get(slot="SF1")
services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                        blue_robot=services.active_robot(sf1.blue), red_seal="B1", blue_seal="B2",
                        actor=system_actor())
services.match_start(match=sf1, actor=system_actor())
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode=WAL")
print("seeded", sf1.ring)
"""


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


def server_pids(master: int) -> list[int]:
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def server_cpu(master: int) -> float:
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in server_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def server_rss(master: int) -> int:
    total = 0
    for pid in server_pids(master):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


# --- the client process --------------------------------------------------------------------------

async def client(base: str, streams: int, events: int, gap: float, timeout: float) -> dict:
    import aiohttp
    import django

    django.setup()
    from league.models import Match
    from league.services.common import bump

    match = await asyncio.to_thread(
        lambda: Match.objects.select_related("season").get(season__slug=SLUG, slot="SF1"))
    url = f"{base}/seasons/{SLUG}/matches/SF1/stream/"
    deadline = time.monotonic() + timeout
    opened = asyncio.Event()
    open_count = 0
    arrivals: dict[int, list[float]] = {}
    stamps: list[float] = []
    failures = 0

    async def one(session, index: int) -> None:
        nonlocal open_count, failures
        got: list[float] = []
        arrivals[index] = got
        try:
            async with session.get(url, headers={"Accept": "text/event-stream"}) as response:
                if response.status != 200:
                    failures += 1
                    return
                # Chunks, not lines: the client must cost less than the server it measures.
                seen_open = False
                async for chunk in response.content.iter_any():
                    now = time.perf_counter()
                    if not seen_open and b"event: stream-open" in chunk:
                        seen_open = True
                        open_count += 1
                        if open_count == streams:
                            opened.set()
                    for _ in range(chunk.count(b"event: change")):
                        got.append(now)
                    if len(got) >= events:
                        return
        except (TimeoutError, aiohttp.ClientError, ConnectionError):
            failures += 1

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout_cfg = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout_cfg) as session:
        tasks = []
        for i in range(streams):  # open in waves: the listen backlog is finite
            tasks.append(asyncio.create_task(one(session, i)))
            if i % 200 == 199:
                await asyncio.sleep(0.05)
        try:
            await asyncio.wait_for(opened.wait(), max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            pass
        await asyncio.sleep(1.0)  # every stream past its first turn (docs/push.md)
        print(json.dumps({"phase": "open", "open": open_count, "failures": failures}), flush=True)
        sys.stdin.readline()  # the parent measures memory with every stream open
        for _ in range(events):
            if time.monotonic() > deadline:
                break
            await asyncio.to_thread(bump, match.season_id, match=match)
            stamps.append(time.perf_counter())
            await asyncio.sleep(gap)
        await asyncio.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies = []
    missed = 0
    for got in arrivals.values():
        for k, sent in enumerate(stamps):
            if k < len(got):
                latencies.append((got[k] - sent) * 1000)
            else:
                missed += 1
    return {"phase": "done", "open": open_count, "failures": failures, "sent": len(stamps),
            "latencies": latencies, "missed": missed}


def client_main(args) -> int:
    raise_fd_limit()
    result = asyncio.run(client(args.base, args.n, args.events, args.gap, args.timeout))
    print(json.dumps(result), flush=True)
    return 0


# --- the driver ---------------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_level(env: dict, base: str, master: int, streams: int, args) -> dict:
    rss_before = server_rss(master)
    proc = subprocess.Popen([str(PYTHON), __file__, "--client", "--base", base, "--n", str(streams),
                             "--events", str(args.events), "--gap", str(args.gap),
                             "--timeout", str(args.timeout)],
                            env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    opened = json.loads(proc.stdout.readline())
    time.sleep(1.0)
    rss_open = server_rss(master)
    cpu_before = server_cpu(master)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    done = json.loads(proc.stdout.readline())
    cpu_after = server_cpu(master)
    proc.wait(timeout=60)
    lat = done["latencies"]
    sent = max(1, done["sent"])
    return {"streams": streams, "open": opened["open"], "failures": done["failures"],
            "sent": done["sent"], "received": len(lat), "missed": done["missed"],
            "p50_ms": pct(lat, 0.5), "p95_ms": pct(lat, 0.95), "max_ms": max(lat, default=float("nan")),
            "mean_ms": statistics.fmean(lat) if lat else float("nan"),
            "kib_per_stream": (rss_open - rss_before) / 1024 / max(1, opened["open"]),
            "cpu_ms_per_event": (cpu_after - cpu_before) * 1000 / sent}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", default="100,5000")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between events")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=150, help="seconds per level")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    limit = raise_fd_limit()
    tmp = Path(tempfile.mkdtemp(prefix="push-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "DEBUG": "0",
           "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
           "STATIC_MANIFEST": "0", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR"}
    subprocess.run([str(PYTHON), "-c", SEED], env=env, cwd=ROOT, check=True, timeout=300)
    port = free_port()
    server = subprocess.Popen([str(PYTHON), "-m", "uvicorn", "config.asgi:application",
                               "--host", "127.0.0.1", "--port", str(port), "--workers",
                               str(args.workers), "--no-access-log", "--log-level", "warning",
                               "--backlog", "4096", "--loop", "uvloop", "--http", "httptools",
                               # a worker busy with a fan-out must not be taken for dead
                               "--timeout-worker-healthcheck", "60"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/healthz", 30, what="uvicorn")
        time.sleep(1.0)
        print(f"uvicorn config.asgi, {args.workers} workers, Redis {env['REDIS_URL']}, "
              f"fd limit {limit}, {os.cpu_count()} CPUs; {args.events} events {args.gap}s apart")
        misses = []
        for n in [int(x) for x in args.streams.split(",")]:
            r = run_level(env, base, server.pid, n, args)
            print(f"{n:>6} streams: open {r['open']}, failed {r['failures']}, events {r['sent']}, "
                  f"received {r['received']}, missed {r['missed']} | score to screen p50 "
                  f"{r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms | "
                  f"server memory {r['kib_per_stream']:.1f} KiB/stream, "
                  f"CPU {r['cpu_ms_per_event']:.0f} ms/event", flush=True)
            if n <= 100 and not r["p50_ms"] <= 250:
                misses.append(f"p50 {r['p50_ms']:.0f} ms > 250 ms at {n}")
            if n >= 5000 and not r["p95_ms"] <= 1000:
                misses.append(f"p95 {r['p95_ms']:.0f} ms > 1 s at {n}")
            if r["missed"] or r["open"] < n:
                misses.append(f"{n}: {n - r['open']} streams not open, {r['missed']} events missed")
        print("targets: " + ("met" if not misses else "MISSED: " + "; ".join(misses)))
        return 1 if (misses and args.strict) else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
