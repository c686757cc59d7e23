"""python manage.py jobs_housekeeping: what the worker's periodic task does, once, for a cron job
on a machine without Celery beat: hand out again the webhook deliveries and e-mails whose task was
lost (the broker was down at the commit, a worker died), and forget referee post answers older
than IDEMPOTENT_POST_DAYS (docs/jobs.md)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from league.jobs.tasks import housekeeping_run


class Command(BaseCommand):
    help = ("Re-enqueue lost webhook deliveries and e-mails; delete stored referee post answers "
            "older than IDEMPOTENT_POST_DAYS.")

    def handle(self, *args, **options):
        done = housekeeping_run()
        self.stdout.write(
            f"{done['streams']} webhook stream(s) and {done['notifications']} e-mail(s) handed out "
            f"again; {done['pruned_posts']} old referee post answer(s) deleted.")
