"""Two devices, one match, under real concurrency (PostgreSQL row locks): 20 devices post the same
scoring form at once; exactly one applies, the other 19 are told the match changed."""
from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from league.models import AllowanceUse, Match, Round
from tests.referee.conftest import HTMX, body, go_live, make_match, mini_season, round_data, url

THREADS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (set DATABASE_URL=postgres://...)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]


def _storm(path: str, data: dict, cookies) -> list[tuple[int, str]]:
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def device():
        try:
            client = Client()
            client.cookies = cookies  # the same signed-in referee on 20 devices
            barrier.wait(timeout=30)
            response = client.post(path, data, **HTMX)
            with lock:
                results.append((response.status_code, body(response)))
        finally:
            connection.close()

    threads = [threading.Thread(target=device) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def _live_match(people):
    season = mini_season()
    return go_live(make_match(season, referees=[people["ref1"]]))


def test_r8_twenty_devices_post_the_same_round_result_exactly_one_applies(people):
    match = _live_match(people)
    signed_in = Client()
    signed_in.force_login(people["ref1"])
    results = _storm(url("round", match), round_data(match, 1), signed_in.cookies)
    codes = sorted(code for code, _text in results)
    assert codes == [200] + [409] * (THREADS - 1), codes
    assert all("This match changed" in text and "Nothing was saved" in text
               for code, text in results if code == 409)
    assert Round.objects.filter(match=match).count() == 1
    after = Match.objects.get(pk=match.pk)
    assert after.version == match.version + 1
    assert (after.red_rounds, after.blue_rounds) == (1, 0)


def test_r9_twenty_devices_tap_the_same_reset_exactly_one_counts(people):
    match = _live_match(people)
    signed_in = Client()
    signed_in.force_login(people["ref1"])
    data = {"expected_version": match.version, "corner": "red", "kind": "manual_reset"}
    results = _storm(url("allowance", match), data, signed_in.cookies)
    assert sorted(code for code, _text in results) == [200] + [409] * (THREADS - 1)
    assert AllowanceUse.objects.filter(match=match).count() == 1


def test_r8_the_same_post_retried_on_twenty_connections_is_applied_once_and_answered_applied(people):
    """One post (one idempotency key) retried at once, as if on several server processes: it is
    applied once, and every copy is answered as applied, none as "this match changed"."""
    match = _live_match(people)
    signed_in = Client()
    signed_in.force_login(people["ref1"])
    data = {**round_data(match, 1), "idempotency_key": "one-post-many-retries"}
    results = _storm(url("round", match), data, signed_in.cookies)
    assert sorted(code for code, _text in results) == [200] * THREADS
    assert all("Round 1 to the red corner by points decision." in text for _c, text in results)
    assert Round.objects.filter(match=match).count() == 1
    assert Match.objects.get(pk=match.pk).version == match.version + 1


def test_r17_twenty_devices_start_the_clock_at_once_one_start_is_stored(people):
    from league.models.clock import ClockEvent

    match = _live_match(people)
    signed_in = Client()
    signed_in.force_login(people["ref1"])
    results = _storm(url("clock_start", match), {}, signed_in.cookies)
    assert sorted(code for code, _text in results) == [200] + [400] * (THREADS - 1)
    assert ClockEvent.objects.filter(match=match).count() == 1
