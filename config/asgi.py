"""ASGI entry point: the app server for production (tools/serve.sh: uvicorn with one process per
core) and for ``make run`` (daphne's runserver). Server-Sent Event streams (league.push) need it:
a stream holds no thread, only a coroutine, so thousands stay open in one process."""
import os
import signal
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if os.environ.get("LEAGUE_WORKER_DIES_WITH_SERVER") == "1" and sys.platform == "linux":
    # tools/serve.sh: a worker process goes when its server (uvicorn's supervisor) goes, even on
    # kill -9, instead of serving on as an orphan that nobody restarts or stops.
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

# Under ASGI each request runs its database work in a thread of its own, so a connection kept for
# reuse would be left behind by every request (Django's documentation: no persistent
# connections under ASGI). One connection per request, closed at its end, unless set otherwise.
os.environ.setdefault("CONN_MAX_AGE", "0")
application = get_asgi_application()

# A request body larger than its part of the site takes is refused before Django reads it into a
# temporary file (league/bodylimit.py).
from league.bodylimit import AsgiBodyLimit  # noqa: E402 (after Django is set up)

application = AsgiBodyLimit(application)
