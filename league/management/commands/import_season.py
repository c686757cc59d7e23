"""python manage.py import_season FILE: read a season file back, replaying every rule.

One transaction: a file that breaks a rule, or is malformed, is refused with the rule and the
place in the file (e.g. ``matches[12].rounds[2]: R8: ...``), nothing is saved, and the command
exits with status 1.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from league.exchange import ImportRefused, import_season


class Command(BaseCommand):
    help = "Import a season file written by export_season; every league rule is checked again."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file to import ('-' reads standard input)")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"Import refused, nothing was saved. {file} is not JSON: {exc}") from exc
        try:
            season = import_season(data, source=Path(file).name if file != "-" else "stdin")
        except ImportRefused as exc:
            raise CommandError(f"Import refused, nothing was saved. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Imported season {season.slug} ({season.get_phase_display()}): "
            f"{season.entries.count()} entries, {season.matches.count()} matches."))
