"""Uploads that would fill the server's disk (issue 11, finding 3, for every upload of the site
and the teams' site of issue 10): a body larger than its part of the site takes is refused with
413 and a sentence naming the size and the limit, in the reader's language, before it is read;
a file somewhat over its field's limit still gets the field's own sentence."""
from __future__ import annotations

import asyncio

import pytest
from django.core.asgi import get_asgi_application
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from league.bodylimit import MB, AsgiBodyLimit, body_limit
from league.models import Entry, Team
from tests import factories
from tests.teams.conftest import IDENTITY, team_account

GB = 1024 * MB


@pytest.fixture
def manager(db):
    client = Client()
    client.force_login(team_account("big@team.example"))
    return client


def test_each_part_of_the_site_has_its_limit(settings):
    settings.TEAM_UPLOAD_MAX_BYTES = 5 * MB
    assert body_limit("/my-team/apply/s/") == 11 * MB
    assert body_limit("/my-team/protests/s/QF1/") == 151 * MB  # three videos of 25 MB
    assert body_limit("/admin/league/season/import-season-file/") == 41 * MB  # a 20 MB season file
    assert body_limit("/referee/matches/1/rounds/") == 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MB


def test_a_huge_upload_to_the_teams_site_is_refused_before_it_is_read(manager, db):
    season = factories.SeasonFactory()
    # Only the header says 1 GB: the refusal comes from it, the body is never read.
    response = manager.post(reverse("teamsite:apply", args=[season.slug]), data=b"x" * 10,
                            content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(GB))
    assert response.status_code == 413
    text = response.content.decode()
    assert "The upload is 1024 MB; this page takes at most 11 MB in all. Nothing was saved." in text
    assert not Team.objects.exists() and not Entry.objects.exists()


def test_the_refusal_is_in_the_readers_language(manager, db):
    response = manager.post("/my-team/apply/s/", data=b"x", content_type="application/octet-stream",
                            CONTENT_LENGTH=str(GB), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 413
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "上传的内容为 1024 MB" in response.content.decode()


def test_a_proof_a_little_over_its_limit_gets_the_fields_own_sentence(manager, settings, db):
    settings.TEAM_UPLOAD_MAX_BYTES = 1 * MB
    season = factories.SeasonFactory()
    proof = SimpleUploadedFile("p.pdf", b"%PDF-1.4\n" + b"0" * (MB + 10), content_type="application/pdf")
    response = manager.post(reverse("teamsite:apply", args=[season.slug]), {**IDENTITY, "proof": proof})
    assert response.status_code == 400  # the form's answer, not the gate's
    assert "at most 1 MB" in response.content.decode()


def test_an_organizer_season_file_of_20_mb_reaches_the_form(client, organizer):
    client.force_login(organizer)
    response = client.post(reverse("admin:league_season_file_import"), {
        "file": SimpleUploadedFile("s.json", b" " * (20 * MB + 1)), "_preview": "1"})
    assert response.status_code == 200 and "the limit is 20 MB" in response.content.decode()


# --- under ASGI (production: uvicorn) -------------------------------------------------------------

def asgi_post(path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[dict, bytes, int]:
    """POST ``chunks`` to the wrapped application; the answer and how many chunks it read."""
    app = AsgiBodyLimit(get_asgi_application())
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", b"testserver"), *headers],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    pending = list(chunks)
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if not pending:
            await asyncio.sleep(3600)  # the client waits for the answer
        read += 1
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, body, read


def test_asgi_refuses_a_declared_size_without_reading_a_byte(settings):
    start, body, read = asgi_post("/my-team/apply/s/", [b"x" * MB] * 3,
                                  [(b"content-length", str(GB).encode()),
                                   (b"accept-language", b"zh-hant")])
    assert start["status"] == 413 and read == 0
    assert "上傳的內容為 1024 MB" in body.decode()


def test_asgi_stops_reading_a_body_sent_without_its_size(settings):
    chunks = [b"x" * MB] * 40  # 40 MB in chunks, no Content-Length (chunked transfer)
    start, body, read = asgi_post("/my-team/apply/s/", chunks, [])
    assert start["status"] == 413
    assert read == 12  # 11 MB taken, the 12th chunk passes the limit: the rest is never read
    assert b"at most 11 MB in all" in body
