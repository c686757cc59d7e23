"""Prometheus metrics (docs/operations.md): request latency for every request, the fast path's
included; open push streams, queue depth, webhook failures; /metrics only for a direct scrape
from an allowed address, never through the proxy, never cached."""
from __future__ import annotations

import http.client
import os
import time
import uuid

import pytest
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from league import metrics
from tests import factories
from tests.push.test_streams import _opened

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def scrape(client, **extra) -> dict[str, float]:
    response = client.get(reverse("metrics"), **extra)
    assert response.status_code == 200, response.status_code
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[sample.name + (f"{{{labels}}}" if labels else "")] = sample.value
    return samples


LATENCY = "django_http_requests_latency_including_middlewares_seconds_count"


def test_metrics_name_latency_streams_queue_and_webhook_failures(client):
    samples = scrape(client)
    assert LATENCY in samples
    assert "league_push_streams_open" in samples
    assert samples["league_queue_depth{queue=celery}"] >= 0
    assert "league_webhook_failures_total" in samples


def test_a_webhook_failure_is_counted(client):
    before = scrape(client)["league_webhook_failures_total"]
    metrics.WEBHOOK_FAILURES.inc()
    assert scrape(client)["league_webhook_failures_total"] == before + 1


def test_the_fast_paths_answers_are_timed_too(client, django_assert_num_queries):
    season = factories.season_at("registration")
    url = reverse("public:season", args=[season.slug])
    etag = client.get(url)["ETag"]
    before = scrape(client)
    with django_assert_num_queries(1):  # the stamp; the metrics cost no query
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    after = scrape(client)
    assert after[LATENCY] == before[LATENCY] + 2  # the 304 and the scrape before this one
    view = "django_http_requests_latency_seconds_by_view_method_count{method=GET,view=public:season}"
    assert after[view] == before[view]  # answered before any view ran


@pytest.mark.parametrize("meta", [
    {"REMOTE_ADDR": "203.0.113.9"},                                  # the internet
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},  # through the proxy
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.9"},
    {"REMOTE_ADDR": "not an address"},
])
def test_metrics_are_refused_to_anyone_but_a_direct_allowed_scraper(client, meta):
    response = client.get(reverse("metrics"), **meta)
    assert response.status_code == 404
    assert b"league_" not in response.content


def test_metrics_allowed_from_a_configured_network(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.5.0/24", "::1"]
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.0.5.7").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="::1").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").status_code == 404


# --- queue depth --------------------------------------------------------------------------------

def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def test_queue_depth_is_zero_without_a_broker(settings, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings.CELERY_BROKER_URL = ""
    assert metrics.queue_depth() == 0
    settings.CELERY_BROKER_URL = "amqp://rabbit"  # not Redis: not read
    assert metrics.queue_depth() == 0


def test_queue_depth_counts_the_redis_lists_of_the_queue_and_its_priorities():
    redis = _redis()
    queue = f"ops-test-{uuid.uuid4().hex}"
    keys = [queue, f"{queue}\x06\x163", f"{queue}\x06\x169"]
    try:
        assert metrics.queue_depth(queue, url=REDIS_URL) == 0  # no such queue
        redis.rpush(keys[0], "t1", "t2")
        redis.rpush(keys[1], "t3")
        redis.rpush(keys[2], "t4")
        redis.rpush(f"{queue}-other", "not this queue's")
        assert metrics.queue_depth(queue, url=REDIS_URL) == 4
    finally:
        redis.delete(*keys, f"{queue}-other")


def test_queue_depth_is_read_from_celerys_broker_at_each_scrape(client, settings):
    redis = _redis()
    settings.CELERY_BROKER_URL = REDIS_URL
    if redis.exists("celery"):
        pytest.skip("a real Celery queue is in use on this Redis")
    try:
        redis.rpush("celery", "a", "b", "c")
        assert scrape(client)["league_queue_depth{queue=celery}"] == 3
    finally:
        redis.delete("celery")


def test_a_broker_that_is_down_leaves_the_queue_depth_out_not_the_scrape(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    samples = scrape(client)
    assert "league_queue_depth{queue=celery}" not in samples and LATENCY in samples


# --- open push streams --------------------------------------------------------------------------

def _streams() -> float:
    return metrics.PUSH_STREAMS_OPEN._value.get()


def _wait_for(predicate, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_open_push_streams_are_counted_while_open(asgi_server):
    season = factories.season_at("registration")
    path = reverse("public:season_stream", args=[season.slug])
    before = _streams()
    connections = []
    try:
        for _ in range(2):
            conn = http.client.HTTPConnection("127.0.0.1", asgi_server.port, timeout=5)
            conn.request("GET", path, headers={"Accept": "text/event-stream"})
            response = conn.getresponse()
            assert response.status == 200
            _opened(response)
            connections.append(conn)
        assert _streams() == before + 2
        connections.pop().close()
        assert _wait_for(lambda: _streams() == before + 1), _streams()
    finally:
        for conn in connections:
            conn.close()
    assert _wait_for(lambda: _streams() == before), _streams()


def test_the_live_gauges_of_dead_worker_processes_are_dropped(tmp_path):
    """With several worker processes a killed one's open streams must not count forever."""
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = os.getpid()
    for pid in (dead.pid, alive):
        (tmp_path / f"gauge_livesum_{pid}.db").write_bytes(b"")
    (tmp_path / f"counter_{dead.pid}.db").write_bytes(b"")
    metrics._forget_dead_processes(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"gauge_livesum_{alive}.db", f"counter_{dead.pid}.db"])  # counters keep their totals
