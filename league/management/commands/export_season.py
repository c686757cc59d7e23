"""python manage.py export_season SLUG [-o FILE]: a whole season as JSON (docs/season-format.md)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from league.exchange import export_season
from league.models import Season


class Command(BaseCommand):
    help = "Write a whole season as JSON (format robot-league-season, version 1) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the season's slug")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="write to FILE instead of standard output")

    def handle(self, *args, slug: str, output: str | None = None, **options):
        season = Season.objects.filter(slug=slug).first()
        if season is None:
            known = ", ".join(Season.objects.order_by("slug").values_list("slug", flat=True)) or "none"
            raise CommandError(f"There is no season {slug!r} (seasons: {known}).")
        text = export_season(season)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc}") from exc
            self.stderr.write(f"Season {slug} written to {output}.")
        else:
            self.stdout.write(text, ending="")
