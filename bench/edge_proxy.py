#!/usr/bin/env python3
"""The public pages behind a real caching proxy: Debian's nginx in front of gunicorn.

    .venv/bin/python bench/edge_proxy.py [--duration 5] [--connections 50]

All on loopback, bounded in time, stopping everything it started:
1. a fresh SQLite database (seeded like bench/public_bench.py: a knockout season, SF1 live);
2. gunicorn serving config.wsgi with production settings, logging each request it answers;
3. nginx (/usr/sbin/nginx) as a caching proxy that obeys the app's Cache-Control
   (``public, max-age, s-maxage, stale-while-revalidate``), with proxy_cache_lock and
   background updates, i.e. what a CDN does;
4. wrk hammers the bracket page and its live fragment through nginx;
5. prints what the fans got (requests/s, nginx cache statuses) and what the app saw
   (requests/s per URL: the target is at most 5), then bumps the season's version and times
   how long the edge takes to show it (the target is 2 s).
Exit 0; --strict: 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import public_bench as pb  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format edge '$upstream_cache_status $status $uri';
    access_log {tmp}/nginx-access.log edge;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=league:10m max_size=100m inactive=10m
                     use_temp_path=off;
    upstream app {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{edge_port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_cache league;
            # the language is part of the page: Accept-Language and the language cookie
            proxy_cache_key "$scheme$host$request_uri|$http_accept_language|$cookie_django_language";
            proxy_cache_lock on;
            proxy_cache_use_stale updating error timeout;
            proxy_cache_background_update on;
            proxy_cache_revalidate on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""

BUMP = """
import django
django.setup()
from league.models import Season
from league.services.common import bump
bump(Season.objects.get(slug={slug!r}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per URL (default 5)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    for tool in (NGINX, pb.WRK):
        if not Path(tool).exists():
            raise SystemExit(f"{tool} is missing (Debian packages nginx and wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="edge-proxy-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
           "STATIC_MANIFEST": "0", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
           "PYTHONPATH": str(pb.ROOT), "DATABASE_URL": f"sqlite:///{tmp / 'edge.sqlite3'}"}
    subprocess.run([str(pb.PYTHON), "-c", pb.SEED], cwd=pb.ROOT, env=env, check=True, timeout=300)

    app_port, edge_port = pb.free_port(), pb.free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(
        tmp=tmp, app_port=app_port, edge_port=edge_port,
        # as root, nginx's workers would run as "nobody", who cannot write the private temp dir
        user="user root;" if os.geteuid() == 0 else ""))
    app_log = tmp / "app-access.log"
    started: list[subprocess.Popen] = []
    try:
        started.append(subprocess.Popen(
            [str(pb.GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{app_port}",
             "--workers", str(args.workers), "--log-level", "warning",
             "--access-logfile", str(app_log), "--access-logformat", "%(U)s %(s)s"],
            cwd=pb.ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True))
        pb.wait_http(f"http://127.0.0.1:{app_port}/healthz", 20, what="gunicorn")
        started.append(subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        edge = f"http://127.0.0.1:{edge_port}"
        pb.wait_http(f"{edge}/healthz", 20, what="nginx")
        page = f"/seasons/{pb.SLUG}/bracket/"
        poll = f"/seasons/{pb.SLUG}/bracket/live/"
        status, headers, _body = pb.fetch(edge + page)
        print(f"nginx {edge_port} -> gunicorn {app_port} ({args.workers} workers); "
              f"bracket: {status}, Cache-Control: {headers.get('Cache-Control')}")
        app_log.write_text("")
        misses = []
        for path, extra in ((page, {}), (poll, {"HX-Request": "true"})):
            before = app_log.read_text().count(f"{path} ")
            rate, done, note = pb.run_wrk(edge + path, duration=args.duration,
                                          connections=args.connections, threads=1, headers=extra)
            time.sleep(0.5)  # the access log catches up
            app_hits = app_log.read_text().count(f"{path} ") - before
            per_second = app_hits / args.duration
            print(f"{path:42} fans: {rate:9.0f} req/s ({done} requests{note}); "
                  f"app saw {app_hits} ({per_second:.1f}/s, target <= 5)")
            if per_second > 5:
                misses.append(path)
        statuses = collections.Counter(line.split()[0] for line in
                                       (tmp / "nginx-access.log").read_text().splitlines() if line)
        print("nginx cache statuses:", dict(statuses.most_common()))

        _s, headers, _b = pb.fetch(edge + poll)
        old = headers.get("ETag")
        subprocess.run([str(pb.PYTHON), "-c", BUMP.format(slug=pb.SLUG)], cwd=pb.ROOT, env=env,
                       check=True, timeout=60)
        bumped = time.monotonic()
        seen = None
        while time.monotonic() - bumped < 10:
            _s, headers, _b = pb.fetch(edge + poll)
            if headers.get("ETag") != old:
                seen = time.monotonic() - bumped
                break
            time.sleep(0.05)
        print(f"a change reached the edge after {seen:.2f} s (target <= 2)" if seen is not None
              else "a change did not reach the edge within 10 s")
        if seen is None or seen > 2:
            misses.append("freshness")
    finally:
        for proc in reversed(started):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)
    if misses:
        print("missed:", ", ".join(misses))
    return 1 if (misses and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
