"""Event streams (league.push): an unknown season, match or ring is a 404; a committed change is
pushed to the season's open streams with what changed; a rolled-back one pushes nothing."""
from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from django.db import transaction
from django.urls import reverse

from league.services.common import bump
from tests.referee.conftest import make_match, mini_season


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/seasons/no-such-season/stream/",
    "/seasons/{slug}/matches/ZZ9/stream/",
    "/seasons/{slug}/rings/ring-9/stream/",
    "/seasons/no-such-season/rings/ring-1/stream/",
])
def test_stream_of_an_unknown_thing_is_a_clear_404(client, url):
    season = mini_season()
    response = client.get(url.format(slug=season.slug))
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_under_asgi_a_stream_of_an_unknown_match_is_a_readable_404_and_opens_nothing(asgi_server):
    from league.push import views

    season = mini_season()
    for path in (f"/seasons/{season.slug}/matches/ZZ9/stream/", "/seasons/nope/stream/",
                 f"/seasons/{season.slug}/rings/ring-9/stream/"):
        conn, response = _open(asgi_server, path)
        try:
            assert response.status == 404
            assert response.getheader("Content-Type").startswith("text/html")
            assert "This page does not exist" in response.read().decode()
        finally:
            conn.close()
    assert views._SEASON_IDS == {}  # an unknown name is not remembered


@pytest.mark.django_db
def test_stream_refuses_a_post(client):
    season = mini_season()
    response = client.post(reverse("public:season_stream", args=[season.slug]))
    assert response.status_code == 405


def _open(server, path: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", path, headers={"Accept": "text/event-stream"})
    response = conn.getresponse()
    return conn, response


def _opened(response) -> None:
    """Wait for the stream's first event, then let the server finish its first turn:
    django-eventstream (without event storage) drops an event that arrives between its first
    chunk and its first wait; pages refresh on that first event (``sse:stream-open``), which
    covers the gap (docs/push.md)."""
    _events(response, "stream-open")
    time.sleep(0.2)


def _events(response, until: str, limit: int = 50) -> list[tuple[str, str]]:
    """Read SSE events (name, data) until one named ``until``."""
    found, name, data = [], None, ""
    for _ in range(limit * 4):
        line = response.fp.readline().decode().rstrip("\n")
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data = line[5:].strip()
        elif line == "" and name:
            found.append((name, data))
            if name == until:
                return found
            name, data = None, ""
    raise AssertionError(f"no {until!r} event in {found}")


def test_a_committed_change_is_pushed_with_what_changed(asgi_server):
    season = mini_season()
    match = make_match(season, slot="A1")
    conn, response = _open(asgi_server, reverse("public:ring_stream", args=[season.slug, "ring-1"]))
    try:
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")
        _opened(response)
        with transaction.atomic():
            bump(season, match=match)
        (name, data), = [e for e in _events(response, "change") if e[0] == "change"]
        assert json.loads(data) == {"season": season.pk, "match": match.pk, "ring": "Ring 1"}
    finally:
        conn.close()


def test_a_rolled_back_change_pushes_nothing(asgi_server):
    season = mini_season()
    conn, response = _open(asgi_server, reverse("public:season_stream", args=[season.slug]))
    try:
        _opened(response)
        with pytest.raises(RuntimeError), transaction.atomic():
            bump(season)
            raise RuntimeError("refused")
        bump(season)  # outside a transaction: at once
        conn.sock.settimeout(3)
        events = [e for e in _events(response, "change") if e[0] == "change"]
        assert len(events) == 1  # only the committed one
        conn.sock.settimeout(0.5)
        with pytest.raises((socket.timeout, TimeoutError)):
            _events(response, "change")
    finally:
        conn.close()


@pytest.mark.django_db
def test_under_wsgi_a_stream_answers_204_so_pages_keep_polling(client):
    season = mini_season()
    response = client.get(reverse("public:season_stream", args=[season.slug]))
    assert response.status_code == 204


def _get(server, path: str, **headers) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read().decode())
    finally:
        conn.close()


@pytest.mark.django_db
def test_under_wsgi_pages_poll_and_open_no_stream(client):
    """A WSGI server holds no streams (they answer 204): its pages must not open one, or the
    SSE extension retries and logs an error in every fan's console (issue 9, item 5)."""
    season = mini_season()
    make_match(season, slot="A1")
    for url in (reverse("public:season", args=[season.slug]),
                reverse("public:ring_overlay", args=[season.slug, "ring-1"])):
        html = client.get(url).content.decode()
        assert 'hx-trigger="every 5s"' in html
        assert "sse-connect" not in html


def test_under_asgi_pages_open_their_stream_and_are_cached_apart(asgi_server, client):
    season = mini_season()
    make_match(season, slot="A1")
    url = reverse("public:ring_overlay", args=[season.slug, "ring-1"])
    wsgi = client.get(url)  # cached first by the WSGI handler: must not be served to ASGI
    status, headers, html = _get(asgi_server, url)
    assert status == 200
    stream = reverse("public:ring_stream", args=[season.slug, "ring-1"])
    assert f'sse-connect="{stream}"' in html
    assert "sse:change" in html
    assert headers["etag"] != wsgi["ETag"]
    for name in ("public:season", "public:groups", "public:bracket", "public:schedule"):
        _, _, html = _get(asgi_server, reverse(name, args=[season.slug]))
        season_stream = reverse("public:season_stream", args=[season.slug])
        assert f'sse-connect="{season_stream}"' in html, name


@pytest.mark.usefixtures("role_groups")
def test_the_referee_card_refreshes_on_the_match_stream_under_asgi(asgi_server, client, people):
    """Issue 9, item 5: the referee card's "changed on another device" check listens to the
    match's stream; its 8 s poll stays as the fallback (and is all a WSGI server offers)."""
    season = mini_season()
    match = make_match(season, slot="A1", referees=[people["ref1"]])
    client.force_login(people["ref1"])
    url = reverse("referee:match", args=[match.pk])
    assert "sse-connect" not in client.get(url).content.decode()
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, _, html = _get(asgi_server, url, Cookie=cookie)
    assert status == 200
    stream = reverse("public:match_stream", args=[season.slug, "A1"])
    assert f'sse-connect="{stream}"' in html
    assert 'hx-trigger="every 8s, sse:change, sse:stream-open"' in html
