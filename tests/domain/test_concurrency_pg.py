"""Concurrent referees on PostgreSQL: real row locks, one winner, nothing doubled (R7, R14)."""
from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from league import services
from league.errors import MatchConflict
from league.models import AuditEvent, Match, Round
from league.services import RoundInput
from league.services.common import system_actor
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL row locks (CI runs it with DATABASE_URL)"),
]


def race(n: int, work) -> list:
    """Run ``work(i)`` in n threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_r14_two_referees_record_conflicting_deciding_rounds_one_wins_bracket_advances_once():
    season = factories.season_at("group_done")
    services.knockout_start(season=season, seed=5, actor=system_actor())
    qf1 = season.matches.get(slot="QF1")
    services.match_check_in(match=qf1, red_robot=services.active_robot(qf1.red),
                            blue_robot=services.active_robot(qf1.blue), red_seal="R", blue_seal="B",
                            actor=system_actor())
    services.match_start(match=qf1, actor=system_actor())
    services.round_record(match=qf1, number=1, data=RoundInput(winner="red", method="ko"),
                          actor=system_actor())
    services.round_record(match=qf1, number=2, data=RoundInput(winner="blue", method="ko"),
                          actor=system_actor())
    version = Match.objects.get(pk=qf1.pk).version

    def record(i: int):
        winner = "red" if i == 0 else "blue"
        return services.round_record(match=qf1, number=3, expected_version=version,
                                     data=RoundInput(winner=winner, method="tko"), actor=system_actor())

    results = race(2, record)
    conflicts = [r for r in results if isinstance(r, MatchConflict)]
    applied = [r for r in results if isinstance(r, Match)]
    assert len(applied) == 1 and len(conflicts) == 1, results
    assert "changed" in conflicts[0].text
    qf1 = Match.objects.get(pk=qf1.pk)
    assert qf1.status == Match.Status.FINISHED and qf1.winner_id == applied[0].winner_id
    assert Round.objects.filter(match=qf1).count() == 3
    sf1 = Match.objects.get(season=season, slot="SF1")
    assert sf1.red_id == qf1.winner_id
    assert AuditEvent.objects.filter(action="bracket_advanced", data__from="QF1").count() == 1


def test_r9_twenty_parallel_allowance_posts_never_exceed_the_limit():
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    match = season.matches.order_by("scheduled_at").first()
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="R", blue_seal="B",
                            actor=system_actor())
    services.match_start(match=match, actor=system_actor())

    def reset(i: int):  # no version: only the row lock and the constraints guard the limit
        return services.allowance_use(match=match, corner="red", kind="manual_reset", actor=system_actor())

    results = race(20, reset)
    assert sum(1 for r in results if not isinstance(r, Exception)) == 2
    assert match.allowances.filter(corner="red", kind="manual_reset").count() == 2
