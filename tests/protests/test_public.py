"""R18 in public: the match page and the feed show "under protest", then the ruling and its reason;
the statement and the evidence stay private; a filed or ruled protest changes the page's ETag
and pushes an update."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from league import services

from .test_services import file_protest, reversed_rounds

pytestmark = pytest.mark.django_db

STATEMENT = "Secret: our coach saw the referee's phone ring during round 2."


def page(client, qf1):
    return client.get(reverse("public:match", args=[qf1.season.slug, qf1.slot]))


def feed(client, qf1):
    return client.get(reverse("api:match", args=[qf1.season.slug, qf1.slot])).json()


def test_r18_the_public_sees_under_protest_then_the_upheld_ruling(client, qf1, red_manager,
                                                                   outside_head):
    before = page(client, qf1)
    assert "Under protest" not in before.content.decode()
    file_protest(qf1, red_manager, statement=STATEMENT, links=["https://video.example/private"])
    during = page(client, qf1)
    html = during.content.decode()
    assert during["ETag"] != before["ETag"]
    assert "Under protest" in html and "protested the result" in html
    assert STATEMENT not in html and "video.example" not in html  # private
    data = feed(client, qf1)
    assert data["under_protest"] is True
    assert data["protests"] == [{"team": data["red"]["team"], "status": "filed",
                                 "filed_at": data["protests"][0]["filed_at"], "ruled_at": None,
                                 "ruling": None}]
    assert STATEMENT not in str(data)
    old_loser = qf1.blue if qf1.winner_id == qf1.red_id else qf1.red
    protest = qf1.protests.get()
    services.protest_rule(protest=protest, uphold=True, rounds=reversed_rounds(qf1),
                          reason="Round 2 was stopped before the 10 s count.", actor=outside_head)
    after = page(client, qf1)
    html = after.content.decode()
    assert after["ETag"] != during["ETag"]
    assert "was upheld" in html and "Round 2 was stopped before the 10 s count." in html
    assert f"{old_loser.team.name_en} wins" in html  # the corrected result
    data = feed(client, qf1)
    assert data["under_protest"] is False and data["protests"][0]["status"] == "upheld"
    assert data["protests"][0]["ruling"] == "Round 2 was stopped before the 10 s count."
    assert data["winner"] == ("red" if old_loser.pk == qf1.red_id else "blue")


def test_r18_a_rejected_protest_shows_its_reason_and_the_result_stands(client, qf1, red_manager,
                                                                       outside_head):
    protest = file_protest(qf1, red_manager)
    services.protest_rule(protest=protest, uphold=False, reason="The count was right.",
                          actor=outside_head)
    html = page(client, qf1).content.decode()
    assert "was rejected: the result stands" in html and "The count was right." in html
    assert "Under protest" not in html


def test_r18_filing_and_ruling_push_an_update_for_the_match(qf1, red_manager, outside_head,
                                                            monkeypatch,
                                                            django_capture_on_commit_callbacks):
    import league.push

    pushed = []
    monkeypatch.setattr(league.push, "publish_on_commit",
                        lambda season_id, match_id=None, ring="": pushed.append((season_id, match_id)))
    protest = file_protest(qf1, red_manager)
    assert (qf1.season_id, qf1.pk) in pushed
    pushed.clear()
    services.protest_rule(protest=protest, uphold=False, reason="No.", actor=outside_head)
    assert (qf1.season_id, qf1.pk) in pushed


def test_r18_the_match_page_reads_a_fixed_number_of_queries_with_protests(
        client, qf1, red_manager, blue_manager, outside_head, django_assert_num_queries):
    protest = file_protest(qf1, red_manager)
    file_protest(qf1, blue_manager, entry=qf1.blue)
    services.protest_rule(protest=protest, uphold=False, reason="No.", actor=outside_head)
    for name, count in (("public:match", 10), ("api:match", 9)):  # tests/public/test_queries.py
        cache.clear()
        with django_assert_num_queries(count):
            assert client.get(reverse(name, args=[qf1.season.slug, qf1.slot])).status_code == 200
