"""The largest request body each part of the site takes, refused before it is read.

Django checks the size of an uploaded file only after the whole request has been received: a file
field's limit (a proof of 5 MB, a protest's video of 25 MB, a season file of 20 MB) is a sentence
beside the field, but a 10 GB upload would first be written to the server's disk in full. Each
part of the site therefore takes a body of at most twice what its largest form legitimately sends
plus 1 MB (so a file somewhat over its limit still reaches the form and gets its own sentence),
and refuses anything larger with 413 and a sentence naming the size and the limit, before
reading it:

- ``BodyLimitMiddleware`` (Django, first in the stack): from the Content-Length header, which is
  all a WSGI server needs (Django reads no more than Content-Length);
- ``AsgiBodyLimit`` (config/asgi.py, around the whole application): Django's ASGI handler reads
  the whole body before any middleware runs, so there the limit is checked on the header and
  again on every chunk received (a body sent without Content-Length).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .http_cache import private

MB = 1024 * 1024


def body_limit(path: str) -> int:
    """Bytes a request to ``path`` may carry."""
    from .exchange.reading import MAX_JSON_BYTES
    from .models.protest import MAX_FILE_BYTES, MAX_FILES

    if path.startswith("/my-team/protests/"):  # up to MAX_FILES evidence files
        largest = MAX_FILES * MAX_FILE_BYTES
    elif path.startswith("/my-team/"):  # one proof of registration or one robot photo
        largest = settings.TEAM_UPLOAD_MAX_BYTES
    elif path.startswith("/admin/"):  # the season file is the admin's largest upload
        largest = MAX_JSON_BYTES
    else:  # forms without files
        largest = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return 2 * largest + MB


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def refusal_sentence(size: int | None, limit: int) -> str:
    if size is None:
        return _("The upload is larger than this page takes: at most %(limit)s MB in all. Nothing "
                 "was saved.") % {"limit": _megabytes(limit)}
    return _("The upload is %(size)s MB; this page takes at most %(limit)s MB in all. Nothing was "
             "saved.") % {"size": _megabytes(size), "limit": _megabytes(limit)}


def refusal(request: HttpRequest, size: int | None, limit: int) -> HttpResponse:
    """413 with the sentence in the reader's language (cookie or Accept-Language)."""
    with translation.override(translation.get_language_from_request(request)):
        sentence = refusal_sentence(size, limit)
        language = translation.get_language()
    body = (f'<!DOCTYPE html><html lang="{language}"><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>413</title>'
            f'<p role="alert">{escape(sentence)}</p></html>')
    response = _refusal_page(request, body)
    response["Connection"] = "close"  # the rest of the body is not read
    return response


@private(store=False)  # about this visitor's upload: kept by nobody
def _refusal_page(request: HttpRequest, body: str) -> HttpResponse:
    return HttpResponse(body, status=413)


def _declared(value: str | bytes | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = _declared(request.META.get("CONTENT_LENGTH"))
        limit = body_limit(request.path_info)
        if size is not None and size > limit:
            return refusal(request, size, limit)
        return self.get_response(request)


Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]


def _scope_request(scope: dict) -> HttpRequest:
    """Just enough of a request to choose the language of a refusal."""
    request = HttpRequest()
    headers = {name.decode("latin-1").lower(): value.decode("latin-1")
               for name, value in scope.get("headers", [])}
    request.META["HTTP_ACCEPT_LANGUAGE"] = headers.get("accept-language", "")
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header: no cookie
        cookie = SimpleCookie()
    request.COOKIES = {key: morsel.value for key, morsel in cookie.items()}
    request.path = request.path_info = scope.get("path", "/")
    return request


class AsgiBodyLimit:
    """ASGI middleware around the Django application (config/asgi.py)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", "/"))
        length = dict(scope.get("headers", [])).get(b"content-length")
        size = _declared(length)
        if size is not None and size > limit:
            await self._refuse(scope, send, size, limit)
            return
        received = 0
        over = started = False

        async def limited() -> dict:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # Django sees a client that went away and answers nothing
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited, tracked)
        if over and not started:
            await self._refuse(scope, send, None, limit)

    async def _refuse(self, scope: dict, send: Send, size: int | None, limit: int) -> None:
        from asgiref.sync import sync_to_async

        response = await sync_to_async(refusal)(_scope_request(scope), size, limit)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
        await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": response.content})
