"""The wake step of the push fan-out, measured apart (docs/benchmarks.md): one event queued for N
open streams of one process and every stream's task woken, through django-eventstream's
``ListenerManager.add_to_queues`` (a ``loop.call_soon_threadsafe`` per stream) and through
``league.push.listener.deliver`` (streams of the listener's own loop woken directly).

No server, no network, no database: the streams are tasks that wait on their listener's event
the way django-eventstream's ``stream()`` does (``asyncio.wait`` on the event with a 20 s
timeout, a new task per wait) and take their queued items under the manager's lock. What this
leaves out (encoding, Django's streaming response, the ASGI server's write) is the same for both.

    .venv/bin/python bench/push_wake.py [--streams 5000] [--events 20] [--rounds 3]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")  # development settings: no secrets needed
os.environ.pop("REDIS_URL", None)  # the manager without its Redis listener: only the wake step

import django  # noqa: E402

django.setup()

from django_eventstream.event import Event  # noqa: E402
from django_eventstream.views import Listener, ListenerManager  # noqa: E402

from league.push.listener import deliver  # noqa: E402

CHANNEL = "season-1"


async def _stream(manager: ListenerManager, listener: Listener, woken: list[float]) -> None:
    listener.assign_loop()
    manager.add_listener(listener)
    try:
        while True:
            waiting = asyncio.ensure_future(listener.aevent.wait())
            await asyncio.wait([waiting], timeout=20)
            with manager.lock:
                listener.aevent.clear()
                listener.channel_items = {}
            woken.append(time.perf_counter())
    finally:
        manager.remove_listener(listener)


async def _run(how: str, streams: int, events: int) -> tuple[list[float], float]:
    manager = ListenerManager()
    woken: list[float] = []
    tasks = [asyncio.create_task(_stream(manager, _listener(), woken)) for _ in range(streams)]
    while len(manager.listeners_by_channel.get(CHANNEL, ())) < streams:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    spans = []
    cpu = time.process_time()
    for n in range(events):
        woken.clear()
        event = Event(CHANNEL, "change", {"season": 1, "n": n}, id=None)
        sent = time.perf_counter()
        if how == "library":
            manager.add_to_queues(CHANNEL, event)
        else:
            deliver(manager, CHANNEL, event)
        while len(woken) < streams:
            await asyncio.sleep(0)
        spans.append((max(woken) - sent) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / events
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return spans, cpu


def _listener() -> Listener:
    listener = Listener()
    listener.channels = {CHANNEL}
    return listener


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=5000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not (1 <= args.streams <= 50_000 and 1 <= args.events <= 1000 and 1 <= args.rounds <= 10):
        parser.error("streams 1-50000, events 1-1000, rounds 1-10")
    print(f"load average {os.getloadavg()[0]:.2f}; {args.streams} streams, {args.events} events")
    results: dict[str, list[tuple[float, float]]] = {"library": [], "direct": []}
    for _ in range(args.rounds):  # alternate, so both see the same machine
        for how in results:
            gc.collect()
            spans, cpu = asyncio.run(_run(how, args.streams, args.events))
            results[how].append((statistics.median(spans), cpu))
    for how, rows in results.items():
        spans = [s for s, _ in rows]
        cpus = [c for _, c in rows]
        print(f"{how:8} all streams woken: median {statistics.median(spans):7.1f} ms "
              f"(rounds {', '.join(f'{s:.1f}' for s in spans)}); "
              f"CPU per event {statistics.median(cpus):7.1f} ms")


if __name__ == "__main__":
    main()
