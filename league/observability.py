"""Logs that an operator can follow across a proxy and several servers (docs/operations.md).

- ``RequestIdMiddleware`` (second in settings.MIDDLEWARE) gives every request an id: the
  proxy's ``X-Request-ID`` when it sent a sane one, else a fresh one. The id goes back in the
  response's ``X-Request-ID`` header and onto every log line written while the request runs
  (``RequestIdFilter``), and the middleware writes one access line per request (logger
  ``league.access``, on unless ``ACCESS_LOG=0``) with method, path, status and duration.
- ``JsonFormatter`` writes one JSON object per line (``LOG_FORMAT=json``, the default with
  DEBUG off): time, level, logger, message, request id, and the access fields.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

REQUEST_ID: ContextVar[str] = ContextVar("league_request_id", default="-")
HEADER = "X-Request-ID"
# A proxy's id is taken as is when it looks like an id (no spaces, quotes or control
# characters, at most 128 characters): it is echoed in a header and written to the logs.
_SANE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
access_log = logging.getLogger("league.access")


def request_id_of(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """The request's id, in the response header and on every log line of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s", request.method, request.path, response.status_code,
                    extra={"method": request.method, "path": request.path,
                           "status": response.status_code,
                           "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
            return response
        finally:
            REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


# Fields of an access line (RequestIdMiddleware), copied from the record when present.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        entry.update({name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
