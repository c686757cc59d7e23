"""Issue 12, faults: public pages are served and streams fall back to polling while Redis is away;
a stream holds no database connection; the Redis listener survives and reports its state."""
from __future__ import annotations

import asyncio
import socket
import time

import pytest
from django.core.cache import caches
from django.test import AsyncClient, override_settings
from django.urls import reverse

from league.push import listener as push_listener
from league.push import views as push_views
from league.resilient_cache import ResilientRedisCache
from tests.referee.conftest import mini_season


def dead_redis_url() -> str:
    """A loopback port nobody listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


DEAD_CACHE = {"default": {"BACKEND": "league.resilient_cache.ResilientRedisCache",
                          "LOCATION": dead_redis_url(),
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


def test_the_cache_answers_a_miss_and_skips_writes_while_redis_is_down():
    cache = ResilientRedisCache(dead_redis_url(), {"OPTIONS": {"socket_connect_timeout": 0.5}})
    started = time.monotonic()
    assert cache.get("page", "missing") == "missing"
    cache.set("page", "body", 30)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("x", 1) is False
    assert time.monotonic() - started < 2  # refused at once, then not asked for a second


@pytest.mark.django_db
@override_settings(CACHES=DEAD_CACHE)
def test_public_pages_and_fragments_are_served_while_redis_is_down(client):
    caches.close_all()
    season = mini_season()
    for name in ("public:bracket", "public:bracket_live", "public:season"):
        response = client.get(reverse(name, args=[season.slug]))
        assert response.status_code in (200, 286), name


@pytest.mark.django_db(transaction=True)
def test_a_stream_answers_204_while_its_process_has_lost_redis(monkeypatch):
    """The page keeps polling (204: the browser's event source does not retry at once, htmx's
    SSE extension tries again later) instead of holding a stream that would get no event."""
    from django_eventstream.views import get_listener_manager

    season = mini_season()
    lost = push_listener.ResilientRedisListener(get_listener_manager())
    lost.running, lost.down = True, True
    monkeypatch.setattr(get_listener_manager(), "redis_listener", lost)
    response = asyncio.run(AsyncClient().get(reverse("public:season_stream", args=[season.slug])))
    assert response.status_code == 204
    lost.down = False
    assert push_listener.available()


def test_a_stream_ends_after_its_error_event_and_tells_the_browser_to_come_back_soon():
    async def library_stream():
        yield b"event: stream-open\ndata:\n\n"
        yield b"event: stream-error\nid: error\ndata: {}\n\n"
        yield b"event: keep-alive\ndata:\n\n"  # django-eventstream would go on waiting

    async def read():
        return [chunk async for chunk in push_views._with_retry(library_stream())]

    chunks = asyncio.run(read())
    assert chunks[0] == f"retry: {push_views.RETRY_MS}\n\n".encode()
    assert chunks[-1].startswith(b"event: stream-error")
    assert not any(b"keep-alive" in c for c in chunks)


def test_the_listener_keeps_trying_a_lost_redis_and_says_it_is_down(settings):
    from django_eventstream.views import get_listener_manager

    settings.EVENTSTREAM_REDIS = {"host": "127.0.0.1", "port": int(dead_redis_url().rsplit(":", 1)[1]
                                                                 .split("/")[0]),
                                  "socket_connect_timeout": 0.5}
    manager = get_listener_manager()
    listener = push_listener.ResilientRedisListener(manager)

    async def run():
        task = asyncio.create_task(listener.start())
        await asyncio.sleep(0.3)
        assert listener.task is task  # held: not left to the garbage collector
        assert listener.running and listener.down and not task.done()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(run())
    assert not listener.running and not manager.redis_listener_started


@pytest.mark.django_db(transaction=True)
def test_an_open_stream_holds_no_database_connection(asgi_server):
    """Thousands of open pages must not hold thousands of database connections: the stream's
    lookups are answered, its connection closed, before it starts streaming; a second stream
    of the same season does not query at all (its id is kept by the process)."""
    import http.client

    from django.db import connection

    season = mini_season()
    path = reverse("public:season_stream", args=[season.slug])

    def idle_connections() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid() AND state = 'idle'")
            return cursor.fetchone()[0]

    before = idle_connections() if connection.vendor == "postgresql" else 0
    conns = []
    try:
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", asgi_server.port, timeout=5)
            conn.request("GET", path, headers={"Accept": "text/event-stream"})
            response = conn.getresponse()
            assert response.status == 200
            seen = b""
            while b"stream-open" not in seen and len(seen) < 16_384:
                seen += response.fp.read1(4096)
            assert b"stream-open" in seen
            conns.append(conn)
        assert ("season", season.slug) in push_views._SEASON_IDS
        if connection.vendor == "postgresql":
            assert idle_connections() <= before
    finally:
        for conn in conns:
            conn.close()


# --- the fan-out of one pushed event in a process (league.push.listener.deliver) -------------

def test_a_pushed_event_wakes_the_streams_of_the_listeners_loop_directly(monkeypatch):
    """The Redis listener runs on the loop of the process's streams: it wakes them directly, not
    through ``call_soon_threadsafe`` (a self-pipe write per stream); a stream of another loop is
    still woken thread-safely; a stream that fell behind is marked to re-read, not queued; other
    channels are left alone."""
    import json as jsonlib

    from django_eventstream.views import MAX_PENDING, Listener, ListenerManager

    manager = ListenerManager()
    threadsafe = []
    monkeypatch.setattr(Listener, "wake_threadsafe", lambda self: threadsafe.append(self))

    def on(channel):
        listener = Listener()
        listener.channels = {channel}
        return listener

    async def run():
        here = [on("season-1") for _ in range(3)]
        behind, elsewhere, other_loop = on("season-1"), on("season-2"), on("season-1")
        for listener in (*here, behind, elsewhere):
            listener.assign_loop()
        other_loop.loop = object()  # served by another thread's loop
        behind.channel_items["season-1"] = [object()] * MAX_PENDING
        for listener in (*here, behind, elsewhere, other_loop):
            manager.add_listener(listener)
        raw = jsonlib.dumps({"channel": "season-1", "event_type": "change", "pub_id": None,
                             "data": {"season": 1, "match": 7, "ring": "Ring 1"}})
        push_listener.ResilientRedisListener(manager).dispatch(raw)
        assert all(listener.aevent.is_set() for listener in here)
        assert [e.data for e in here[0].channel_items["season-1"]] == [
            {"season": 1, "match": 7, "ring": "Ring 1"}]
        assert threadsafe == [other_loop]
        assert behind.overflow and not behind.aevent.is_set()
        assert len(behind.channel_items["season-1"]) == MAX_PENDING
        assert not elsewhere.aevent.is_set() and not elsewhere.channel_items

    asyncio.run(run())


def test_delivering_outside_a_loop_wakes_thread_safely(monkeypatch):
    from django_eventstream.event import Event
    from django_eventstream.views import Listener, ListenerManager

    manager = ListenerManager()
    woken = []
    monkeypatch.setattr(Listener, "wake_threadsafe", lambda self: woken.append(self))
    listener = Listener()
    listener.channels = {"season-1"}
    listener.loop = asyncio.new_event_loop()
    try:
        manager.add_listener(listener)
        assert push_listener.deliver(manager, "season-1", Event("season-1", "change", {})) == 1
    finally:
        listener.loop.close()
    assert woken == [listener]
