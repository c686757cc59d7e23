"""The Celery application: background jobs (e-mail, webhook deliveries, housekeeping).

A worker (with the periodic housekeeping, ``-B``):

    celery -A config worker -B --loglevel INFO      # or: make worker

Settings are the ``CELERY_*`` ones of config/settings.py. Without CELERY_BROKER_URL the tasks run
eagerly in the web process right after the commit (``make run`` needs no worker); docs/jobs.md.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("league")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["league.jobs"], related_name="tasks")
