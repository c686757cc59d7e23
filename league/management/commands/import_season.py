"""python manage.py import_season FILE: read a season file back, replaying every rule.

One transaction: a file that breaks a rule, or is malformed, is refused with the rule and the
place in the file (e.g. ``matches[12].rounds[2]: R8: ...``), nothing is saved, and the command
exits with status 1.
"""
from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from league.exchange import ImportRefused, import_season
from league.exchange.reading import MAX_JSON_BYTES
from league.services.common import system_actor


class Command(BaseCommand):
    help = "Import a season file written by export_season; every league rule is checked again."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file to import ('-' reads standard input)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every rule, then roll back: nothing is saved")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                data = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
            else:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_JSON_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            with transaction.atomic():  # the system actor too is kept only with what it imports
                season = import_season(data, dry_run=options["dry_run"], actor=system_actor(),
                                       source=Path(file).name if file != "-" else "stdin")
                transaction.set_rollback(options["dry_run"])
        except ImportRefused as exc:
            raise CommandError(f"Import refused, nothing was saved. {exc}") from exc
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS(
                f"Season {season.slug} passes every check (dry run: nothing was saved)."))
            return
        self.stdout.write(self.style.SUCCESS(
            f"Imported season {season.slug} ({season.get_phase_display()}): "
            f"{season.entries.count()} entries, {season.matches.count()} matches."))
