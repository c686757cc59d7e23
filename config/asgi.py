"""ASGI entry point: the app server for production (gunicorn with uvicorn workers, or daphne)
and for ``make run`` (daphne's runserver). Server-Sent Event streams (league.push) need it: a
stream holds no thread, only a coroutine, so thousands stay open in one process."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
