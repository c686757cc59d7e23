#!/usr/bin/env python3
"""Back up the league's PostgreSQL database and prove the backup restores (docs/operations.md).

    tools/backup_restore.py backup [-o FILE]          pg_dump, custom format (default:
                                                       backups/league-<UTC time>.dump; backups/ is
                                                       not in git)
    tools/backup_restore.py restore FILE --into NAME  a new database NAME from FILE (pg_restore);
                                                       refuses a NAME that already exists
    tools/backup_restore.py check [-o FILE] [--keep]  backup, restore into a fresh database,
                                                       export every season from both and compare
                                                       byte for byte; exit 1 on any difference

The database is DATABASE_URL's (postgres://user:password@host:port/name); the PostgreSQL client
programs (pg_dump, pg_restore, createdb, dropdb, psql) must be on PATH, of the server's major
version or newer. Exports are `manage.py export_season SLUG` run against each database.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
CLIENTS = ("pg_dump", "pg_restore", "createdb", "dropdb", "psql")


class Refused(Exception):
    """A step that failed, with what to do about it."""


def connection(url: str) -> tuple[dict[str, str], str]:
    """libpq's environment (PGHOST...) and the database name of a postgres:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise Refused("DATABASE_URL must name a PostgreSQL database (postgres://...), "
                      f"not {parts.scheme or url!r}.")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise Refused("DATABASE_URL names no database.")
    env = {"PGHOST": parts.hostname or "", "PGPORT": str(parts.port or ""),
           "PGUSER": unquote(parts.username or ""), "PGPASSWORD": unquote(parts.password or "")}
    return {k: v for k, v in env.items() if v}, name


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/" + name).geturl()


def run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env={**os.environ, **env}, capture_output=True, **kwargs)
    if result.returncode != 0:
        err = result.stderr.decode(errors="replace") if isinstance(result.stderr, bytes) else result.stderr
        raise Refused(f"{' '.join(args[:2])} failed ({result.returncode}):\n{err.strip()}")
    return result


def backup(url: str, output: Path) -> Path:
    env, name = connection(url)
    output.parent.mkdir(parents=True, exist_ok=True)
    run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={output}", name], env)
    return output


def exists(url: str, name: str) -> bool:
    env, _ = connection(url)
    out = run(["psql", "-d", "postgres", "-tAc",
               f"SELECT 1 FROM pg_database WHERE datname = '{name.replace(chr(39), '')}'"], env, text=True)
    return out.stdout.strip() == "1"


def restore(url: str, dump: Path, into: str) -> None:
    env, _ = connection(url)
    if exists(url, into):
        raise Refused(f"database {into!r} already exists: restore into a new name (never over live data).")
    run(["createdb", into], env)
    run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", into, str(dump)], env)


def drop(url: str, name: str) -> None:
    env, _ = connection(url)
    run(["dropdb", "--if-exists", name], env)


def season_slugs(url: str) -> list[str]:
    env, name = connection(url)
    out = run(["psql", "-d", name, "-tAc", "SELECT slug FROM league_season ORDER BY slug"], env, text=True)
    return [line for line in out.stdout.splitlines() if line]


def export(url: str, slug: str, folder: Path) -> bytes:
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    target = folder / f"{slug}.json"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DEBUG"):
        env["SECRET_KEY"] = "backup-check-exports-sign-nothing-" + os.urandom(8).hex()
    run([python, str(ROOT / "manage.py"), "export_season", slug, "-o", str(target)], env, cwd=ROOT)
    return target.read_bytes()


def check(url: str, output: Path, *, keep: bool = False) -> int:
    """Backup, restore into a fresh database, compare every season's export; 0 when identical."""
    _, name = connection(url)
    started = time.monotonic()
    backup(url, output)
    dumped = time.monotonic()
    fresh = f"{name}_restore_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    restored_url = with_database(url, fresh)
    if exists(url, fresh):
        raise Refused(f"database {fresh!r} already exists")
    try:
        restore(url, output, fresh)
        restored = time.monotonic()
        before, after = season_slugs(url), season_slugs(restored_url)
        print(f"backup   {output} ({output.stat().st_size:,} bytes, {dumped - started:.1f} s)")
        print(f"restore  into {fresh} ({restored - dumped:.1f} s)")
        if before != after:
            print(f"DIFFERENT seasons: {before} before, {after} restored")
            return 1
        failures = 0
        with tempfile.TemporaryDirectory() as tmp:
            for slug in before:
                (Path(tmp) / "a").mkdir(exist_ok=True)
                (Path(tmp) / "b").mkdir(exist_ok=True)
                original = export(url, slug, Path(tmp) / "a")
                copy = export(restored_url, slug, Path(tmp) / "b")
                same = original == copy
                failures += not same
                print(f"season   {slug}: export {len(original):,} bytes, restored export "
                      f"{'byte-identical' if same else f'DIFFERENT ({len(copy):,} bytes)'}")
        print(f"{'OK' if not failures else 'FAILED'}: {len(before)} season(s), {failures} different "
              f"({time.monotonic() - started:.1f} s in all)")
        return 1 if failures else 0
    finally:
        if keep:
            print(f"kept     {fresh} ({restored_url.split('@')[-1]})")
        else:
            drop(url, fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    stamp = f"league-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.dump"
    b = sub.add_parser("backup", help="pg_dump the database")
    b.add_argument("-o", "--output", type=Path, default=ROOT / "backups" / stamp)
    r = sub.add_parser("restore", help="restore a dump into a new database")
    r.add_argument("dump", type=Path)
    r.add_argument("--into", required=True, help="the new database's name")
    c = sub.add_parser("check", help="backup, restore into a fresh database, compare the exports")
    c.add_argument("-o", "--output", type=Path, default=ROOT / "backups" / stamp)
    c.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "").strip()
    try:
        missing = [c for c in CLIENTS if shutil.which(c) is None]
        if missing:
            raise Refused(f"PostgreSQL client programs missing: {', '.join(missing)} "
                          "(Debian: apt-get install postgresql-client).")
        if not url:
            raise Refused("DATABASE_URL is not set (postgres://user@host:5432/league).")
        if args.command == "backup":
            print(backup(url, args.output))
            return 0
        if args.command == "restore":
            restore(url, args.dump, args.into)
            print(f"restored {args.dump} into {args.into}")
            return 0
        return check(url, args.output, keep=args.keep)
    except Refused as refused:
        print(f"backup_restore: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
