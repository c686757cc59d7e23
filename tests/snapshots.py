"""Seasons built once per test process, then written back as rows.

Building a season through the services (tests/factories.py ``season_at``, the module worlds of
tests/public, tests/protests, tests/security and tests/zhdata) takes seconds: thousands of
checked writes. From the same database the same build leaves the same rows, so the first build
of a process records what it changed (every table's inserted, updated and deleted rows) and a
later one, from an equal database, writes those rows back (one bulk insert per table):

- the same rows with the same keys (PostgreSQL's sequences are then moved past them);
- the datetimes the build wrote from the clock moved to the moment of the copy (as if built now;
  fixed ones, the schedule of a season starting on a given day, are left as they are);
- the on-commit callbacks the build queued (pushed updates, outbox sends) queued again, so a
  test that runs them (django_capture_on_commit_callbacks) sees the same.

A copy is used only where it is the same as building:
- on SQLite only: on PostgreSQL one CI run (2 workers, 1,220 tests) replayed a copied "drawn"
  season's file to another group draw (tests/exchange/test_export_import.py, R10), which no run
  of that file alone or beside the other builders of "drawn" showed again; until that is
  understood PostgreSQL always builds (its pass is dominated by browser and transactional tests,
  which build anyway);
- inside a transaction (a test's or a module's, rolled back after it); a transactional test
  (autocommit: on-commit work runs at once) always builds;
- from an equal database: every row of every table equal to those the recorded build started
  from, but the columns no build reads and that differ on every run (password hashes, the
  dates a user joined and last signed in) and the sessions of signed-in test clients;
- with the same arguments, settings and active language;
- when the recorded build sent no e-mail there and then.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone, translation

# Columns that differ on every run and that no build reads (a salted hash, the clock), and the
# table of signed-in sessions (random keys; a test client's sign-in), which no build reads or
# writes.
_IGNORED = {"password", "date_joined", "last_login"}
_UNREAD_TABLES = {"django_session"}


def _models() -> list[type[models.Model]]:
    seen: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.managed and not opts.proxy and not opts.swapped and opts.db_table not in _UNREAD_TABLES:
            seen.setdefault(opts.db_table, model)
    return [seen[table] for table in sorted(seen)]


@dataclass
class _Table:
    model: type[models.Model]
    attnames: list[str]
    pk_index: int
    datetimes: list[int]  # indices of DateTimeField columns
    ignored: list[int]


_TABLES: list[_Table] = []


def _tables() -> list[_Table]:
    if not _TABLES:
        for model in _models():
            fields = model._meta.concrete_fields
            _TABLES.append(_Table(
                model=model, attnames=[f.attname for f in fields],
                pk_index=[f.attname for f in fields].index(model._meta.pk.attname),
                datetimes=[i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)],
                ignored=[i for i, f in enumerate(fields) if f.attname in _IGNORED]))
    return _TABLES


Dump = dict[str, dict[Any, tuple]]


def _dump(alias: str) -> Dump:
    return {t.model._meta.db_table: {row[t.pk_index]: row for row in
                                     t.model._base_manager.using(alias).order_by().values_list(
                                         *t.attnames)}
            for t in _tables()}


def _fingerprint(dump: Dump) -> tuple:
    out = []
    for t in _tables():
        rows = dump[t.model._meta.db_table]
        if t.ignored:
            rows = {pk: tuple(None if i in t.ignored else v for i, v in enumerate(row))
                    for pk, row in rows.items()}
        out.append(tuple(sorted(rows.items(), key=lambda item: repr(item[0]))))
    return tuple(out)


@dataclass
class _Snapshot:
    before: tuple
    result: Any
    started: Any
    ended: Any
    inserted: dict[str, list[tuple]] = field(default_factory=dict)
    updated: dict[str, list[tuple[Any, dict[str, Any]]]] = field(default_factory=dict)
    deleted: dict[str, list[Any]] = field(default_factory=dict)
    callbacks: list[tuple[Callable, bool]] = field(default_factory=list)


_SNAPSHOTS: dict[Hashable, list[_Snapshot]] = {}


def _context() -> tuple:
    return (translation.get_language(),
            tuple((name, repr(getattr(settings, name))) for name in dir(settings) if name.isupper()))


def cached_build(key: Hashable, build: Callable[[], Any], *, result: Callable[[Any], Any] = lambda r: r,
                 load: Callable[[Any], Any] = lambda r: r, using: str = DEFAULT_DB_ALIAS) -> Any:
    """``load(result(build()))``, built once per process for each ``key`` and database state and
    written back as rows after that (module docstring). ``result`` turns what the build returns
    into plain values kept across tests (keys, slugs), ``load`` turns them back (reads rows)."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not connection.in_atomic_block or connection.needs_rollback:
        return load(result(build()))
    full_key = (key, _context())
    before_dump = _dump(using)
    before = _fingerprint(before_dump)
    for snapshot in _SNAPSHOTS.get(full_key, []):
        if snapshot.before == before:
            _restore(snapshot, using)
            return load(snapshot.result)
    outbox = len(getattr(mail, "outbox", []))
    queued = len(connection.run_on_commit)
    started = timezone.now()
    built = build()
    ended = timezone.now()
    kept = result(built)
    if len(getattr(mail, "outbox", [])) == outbox and len(connection.run_on_commit) >= queued:
        snapshot = _Snapshot(before=before, result=kept, started=started, ended=ended,
                             callbacks=[(func, robust) for _sids, func, robust
                                        in connection.run_on_commit[queued:]])
        _record(snapshot, before_dump, _dump(using))
        _SNAPSHOTS.setdefault(full_key, []).append(snapshot)
    return load(kept)


def _record(snapshot: _Snapshot, before: Dump, after: Dump) -> None:
    for t in _tables():
        table = t.model._meta.db_table
        old, new = before[table], after[table]
        inserted = [row for pk, row in new.items() if pk not in old]
        deleted = [pk for pk in old if pk not in new]
        updated = []
        for pk, row in new.items():
            if pk in old and old[pk] != row:
                updated.append((pk, {t.attnames[i]: v for i, v in enumerate(row) if old[pk][i] != v}))
        if inserted:
            snapshot.inserted[table] = inserted
        if deleted:
            snapshot.deleted[table] = deleted
        if updated:
            snapshot.updated[table] = updated


def _restore(snapshot: _Snapshot, using: str) -> None:
    shift = timezone.now() - snapshot.ended

    def moved(value):
        if value is not None and snapshot.started <= value <= snapshot.ended:
            return value + shift
        return value

    touched = []
    for t in _tables():
        table = t.model._meta.db_table
        manager = t.model._base_manager.using(using)
        if table in snapshot.deleted:
            manager.filter(pk__in=snapshot.deleted[table])._raw_delete(using)
        for pk, changes in snapshot.updated.get(table, []):
            manager.filter(pk=pk).update(**{
                name: moved(v) if t.attnames.index(name) in t.datetimes else v
                for name, v in changes.items()})
        rows = snapshot.inserted.get(table)
        if rows:
            objs = []
            for row in rows:
                if t.datetimes:
                    row = list(row)
                    for i in t.datetimes:
                        row[i] = moved(row[i])
                objs.append(t.model(**dict(zip(t.attnames, row, strict=True))))
            manager.bulk_create(objs)
            touched.append(t.model)
    connection = connections[using]
    if touched and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), touched):
                cursor.execute(sql)
    for func, robust in snapshot.callbacks:
        transaction.on_commit(func, using=using, robust=robust)
