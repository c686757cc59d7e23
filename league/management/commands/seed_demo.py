"""A realistic demo: Season 1 in Shenzhen with a quarterfinal live, Hong Kong open for entries."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from league import demo
from league.models import Season


class Command(BaseCommand):
    help = "Create a realistic demo season (draw, group stage, a live quarterfinal) and print logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has a season.")

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Season.objects.exists():
            self.stdout.write("The database already has seasons; demo not seeded.")
            return
        season, people = demo.build_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo season ready: {season.name} ({season.city})."))
        self.stdout.write(f"Logins (password for all: {demo.PASSWORD}):")
        for key, label in (("organizer", "organizer (admin site /admin/)"),
                           ("head", "head referee (/referee/)"), ("head2", "second head referee"),
                           ("ref1", "referee"), ("ref2", "referee")):
            self.stdout.write(f"  {people[key].username:<10} {label}")
