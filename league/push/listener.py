"""Redis pub/sub for the event streams, surviving Redis going away (issue 12).

django-eventstream's own listener subscribes once per process: when Redis stops, its task dies
and the streams of that process stay open but never get another event, so their pages, which
poll only while their stream is down (static/league/public.js), would never see a change
again. This listener replaces it (``install()``, from LeagueConfig.ready):

- its task is kept (django-eventstream's could be garbage-collected while it waited: every
  stream of the process then stayed open without events);
- it reconnects with a backoff (0.5 s doubling to 5 s) for the life of the process;
- when the subscription is lost it ends every stream of this process: the browsers' event
  sources drop, the pages go back to polling every 5 s, and reconnect;
- while it is down, a new stream is answered 204 (``available()`` is false), so a page keeps
  polling and htmx's SSE extension retries later; once Redis is back, the next attempt opens
  the stream, whose ``stream-open`` refreshes the page.
"""
from __future__ import annotations

import asyncio
import json
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "events_channel"  # django-eventstream's one pub/sub channel
FIRST_DELAY, MAX_DELAY = 0.5, 5.0


class ResilientRedisListener:
    """Drop-in for django_eventstream.views.RedisListener (the manager calls ``start()``)."""

    def __init__(self, manager):
        self.manager = manager
        self.task = None
        self.running = False  # its task runs (started by the first stream of the process)
        self.down = False  # the subscription failed and is not back yet

    async def start(self) -> None:
        # django-eventstream starts this task without keeping it: hold it, or the garbage
        # collector may destroy it while it waits (its streams then never hear from Redis)
        self.task = asyncio.current_task()
        self.running = True
        try:
            await self._listen()
        finally:  # ended (cancelled, or a bug): the next stream that opens starts it again
            self.running, self.down = False, False
            self.manager.redis_listener_started = False
            end_streams(self.manager)

    async def _listen(self) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import RedisError

        delay = FIRST_DELAY
        while True:
            # no retries inside redis-py: a lost connection is noticed at once (its default
            # retries for seconds while the streams wait for events that cannot come)
            client = Redis(**settings.EVENTSTREAM_REDIS, retry=Retry(NoBackoff(), 0))
            pubsub = client.pubsub()
            subscribed = False
            try:
                await pubsub.subscribe(CHANNEL)
                subscribed, self.down, delay = True, False, FIRST_DELAY
                async for message in pubsub.listen():
                    if message["type"] == "message":
                        self.dispatch(message["data"])
            except (RedisError, OSError):
                logger.warning("push: Redis subscription lost; streams end, pages poll",
                               exc_info=not self.down)
            except Exception:  # noqa: BLE001 - a bad message must not end the listener
                logger.exception("push: listener error; reconnecting")
            finally:
                self.down = True
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except (RedisError, OSError):
                    pass
            if subscribed:
                end_streams(self.manager)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY)

    def dispatch(self, raw) -> None:
        from django_eventstream.event import Event

        data = json.loads(raw)
        event = Event(data["channel"], data["event_type"], data["data"], id=data["pub_id"])
        deliver(self.manager, data["channel"], event)


def deliver(manager, channel: str, event) -> int:
    """Queue ``event`` for every stream of ``channel`` in this process and wake them: what
    django-eventstream's ``ListenerManager.add_to_queues`` does, except that a stream served by
    the loop this runs on (every stream of an ASGI worker: the listener task shares their loop)
    is woken directly. The library wakes each through ``loop.call_soon_threadsafe``, one write
    to the loop's self-pipe and one more loop turn per stream and event: 5,000 system calls for
    one change seen by 5,000 fans. Returns how many streams were woken."""
    from django_eventstream.views import MAX_PENDING

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    wake = []
    with manager.lock:
        for listener in manager.listeners_by_channel.get(channel, ()):
            items = listener.channel_items.setdefault(channel, [])
            if len(items) < MAX_PENDING:
                items.append(event)
                wake.append(listener)
            else:  # the stream fell behind: it re-reads (the library's own rule)
                listener.overflow = True
    for listener in wake:
        if listener.loop is loop:
            listener.aevent.set()
        else:
            listener.wake_threadsafe()
    return len(wake)


def end_streams(manager) -> int:
    """End every open stream of this process (each gets an error event and closes)."""
    ended = 0
    with manager.lock:
        for listeners in manager.listeners_by_channel.values():
            for listener in listeners:
                listener.error = {"condition": "unavailable",
                                  "text": "Live updates paused: reconnecting.", "extra": {}}
                listener.wake_threadsafe()
                ended += 1
    return ended


def install() -> None:
    """Replace django-eventstream's Redis listener in this process (when Redis is configured)."""
    if not hasattr(settings, "EVENTSTREAM_REDIS"):
        return
    from django_eventstream import eventstream
    from django_eventstream.views import get_listener_manager
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    manager = get_listener_manager()
    if not isinstance(manager.redis_listener, ResilientRedisListener):
        manager.redis_listener = ResilientRedisListener(manager)
    if eventstream.redis_client is not None:  # publishing: fail at once, the write goes on
        eventstream.redis_client.set_retry(Retry(NoBackoff(), 0))


def available() -> bool:
    """Whether a new stream of this process would get events (false while Redis is away)."""
    from django_eventstream.views import get_listener_manager

    listener = get_listener_manager().redis_listener
    # a listener that is not running is started by the stream that asks
    return not (getattr(listener, "running", False) and getattr(listener, "down", False))
