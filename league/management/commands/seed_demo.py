"""A realistic demo: Season 1 in Shenzhen with a quarterfinal live, Hong Kong open for entries."""
from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from league import services
from league.models import Corner, FailureReport, Match, Season
from league.models.match import Method
from league.selectors import season_standings


class Command(BaseCommand):
    help = "Create a realistic demo season (draw, group stage, a live quarterfinal) and print logins."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has a season.")

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Season.objects.exists():
            self.stdout.write("The database already has seasons; demo not seeded.")
            return
        from tests import factories  # the demo is built by the same factories as the tests

        with transaction.atomic():
            people = factories.staff()
            season = self._shenzhen(factories, people)
            self._hong_kong(factories)
        self.stdout.write(self.style.SUCCESS(f"Demo season ready: {season.name} ({season.city})."))
        self.stdout.write(f"Logins (password for all: {factories.PASSWORD}):")
        for key, label in (("organizer", "organizer (admin site /admin/)"),
                           ("head", "head referee (/referee/)"), ("head2", "second head referee"),
                           ("ref1", "referee"), ("ref2", "referee")):
            self.stdout.write(f"  {people[key].username:<10} {label}")

    def _shenzhen(self, factories, people) -> Season:
        today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
        season = factories.season_at(
            "drawn", seed=20260206, slug="shenzhen-2026", name="Season 1 · Shenzhen",
            name_zh="第一季 · 深圳", city="Shenzhen", venue="Shenzhen Bay Sports Center",
            time_zone="Asia/Shanghai", starts_on=today - dt.timedelta(days=3))
        services.group_schedule_generate(season=season, actor=people["organizer"])
        services.referees_assign_round_robin(season=season, actor=people["organizer"])
        rng = random.Random(7)
        matches = list(season.matches.order_by("scheduled_at", "ring"))
        scripted = self._group_a_cycle(season)
        failure_done = False
        for index, match in enumerate(matches):
            referee = match.referees.first()
            if match.pk in scripted:
                factories.play_match(match, winner=scripted[match.pk][0], rounds=scripted[match.pk][1],
                                     actor=referee, rng=rng)
            else:
                factories.play_random(match, rng, actor=referee)
            if not failure_done and index >= len(matches) // 2 and match.group.name == "B":
                self._failure_and_replacement(match, people)
                failure_done = True
        self._lots(season, people)
        services.knockout_start(season=season, seed=20260301, actor=people["organizer"])
        services.referees_assign_round_robin(season=season, actor=people["organizer"])
        qf1, qf2 = season.matches.get(slot="QF1"), season.matches.get(slot="QF2")
        factories.play_random(qf1, rng, actor=qf1.referees.first())
        self._live(qf2, qf2.referees.first())
        season.refresh_from_db()
        return season

    def _group_a_cycle(self, season: Season) -> dict[int, tuple[str, list]]:
        """Group A: three teams beat each other in a circle and all beat the fourth, so the tie
        is not broken by head-to-head but by round difference (R12)."""
        group = season.groups.get(name="A")
        a, b, c, d = [e.pk for e in group.entries.order_by("pot")]
        beats = {(a, b): "2-0", (b, c): "2-1", (c, a): "2-1", (a, d): "2-1", (b, d): "2-0",
                 (c, d): "2-0"}
        script = {}
        for match in group.matches.all():
            for (w, loser), score in beats.items():
                if {match.red_id, match.blue_id} == {w, loser}:
                    wc = Corner.RED if match.red_id == w else Corner.BLUE
                    lc = Corner.other(wc)
                    rounds = ([(wc, Method.POINTS), (wc, Method.KNOCKOUT)] if score == "2-0"
                              else [(wc, Method.POINTS), (lc, Method.POINTS), (wc, Method.POINTS)])
                    script[match.pk] = (wc, rounds)
        return script

    def _failure_and_replacement(self, match: Match, people) -> None:
        entry = match.red
        robot = services.active_robot(entry)
        referee = match.referees.first()
        report = services.failure_report_file(
            entry=entry, robot=robot, match=match, actor=referee, irreversible=True,
            description="Left knee actuator cracked after a fall in round 2; cannot bear load.")
        approver = people["head2"] if referee == people["head"] else people["head"]
        services.failure_report_decide(report=report, approve=True, actor=approver,
                                       note="Confirmed by the technical inspection.")
        assert FailureReport.objects.get(pk=report.pk).status == FailureReport.Status.APPROVED

    def _lots(self, season: Season, people) -> None:
        for table in season_standings(season=season):
            tied = [pk for block in table.lots_needed for pk in block]
            if tied:
                services.lots_record(group=table.group, order=tied, actor=people["organizer"])

    def _live(self, match: Match, referee) -> None:
        services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                blue_robot=services.active_robot(match.blue), red_seal="BS-70411",
                                blue_seal="BS-70412", actor=referee)
        services.match_start(match=match, actor=referee)
        services.allowance_use(match=match, corner=Corner.BLUE, kind="manual_reset", actor=referee)
        services.round_record(match=match, number=1, actor=referee, data=services.RoundInput(
            winner=Corner.RED, method=Method.POINTS, red_points=24, blue_points=17,
            red_knockdowns=0, blue_knockdowns=1, red_fouls=1, blue_fouls=0))

    def _hong_kong(self, factories) -> None:
        season = factories.SeasonFactory(
            slug="hong-kong-2027", name="Season 2 · Hong Kong", name_zh="第二季 · 香港",
            city="Hong Kong", venue="AsiaWorld-Expo", time_zone="Asia/Hong_Kong",
            starts_on=dt.date(2027, 5, 14))
        for index in (2, 3, 8):
            services.entry_apply(season=season, team=factories.catalogue_team(index))
