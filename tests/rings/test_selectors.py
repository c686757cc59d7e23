"""Ring queues, estimated starts and the schedule page: shapes and pinned query counts."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from league.selectors import public as read
from league.selectors.rings import estimated_starts, ring_queue, ring_queues
from league.services.rings import match_call, ring_delay
from tests import factories


def test_queries_are_fixed_whatever_the_season_holds(group_season, organizer,
                                                     django_assert_num_queries):
    for _ in range(2):  # before and after matches are called, played and delayed
        with django_assert_num_queries(1):
            estimated_starts(group_season)
        with django_assert_num_queries(1):
            ring_queues(group_season)
        with django_assert_num_queries(1):
            ring_queue(group_season, "Ring 1")
        with django_assert_num_queries(1):
            read.schedule_page(season=group_season)
        first = group_season.matches.filter(ring="Ring 1", status="scheduled") \
            .order_by("scheduled_at").first()
        match_call(match=first, actor=organizer)
        factories.play_match(first, winner="red")
        ring_delay(season=group_season, ring="Ring 1", minutes=5, actor=organizer)


def test_queue_shape_for_the_overlays(group_season, organizer):
    queues = ring_queues(group_season)
    assert [q.ring for q in queues] == ["Ring 1", "Ring 2"]
    queue = queues[0]
    assert queue.now is None and queue.on_deck is not None and len(queue.next) == 3
    for m in [queue.on_deck, *queue.next]:
        assert m.estimated_at == m.planned_at == m.scheduled_at
        assert m.red.team.name_en  # teams are loaded: no query in a template
    assert ring_queue(group_season, "Ring 9").is_idle


def test_a_late_start_moves_the_later_estimates_of_its_ring(group_season, referee):
    first, second = group_season.matches.filter(ring="Ring 1").order_by("scheduled_at")[:2]
    factories.play_match(first, winner="red")  # started and finished now: far later than planned
    est = estimated_starts(group_season)
    first.refresh_from_db()
    assert est[first.pk] == first.started_at
    assert est[second.pk] == max(second.scheduled_at, first.finished_at)


def test_schedule_page_opens_on_the_day_of_the_live_or_next_fight(client, group_season, organizer):
    day_two_first = group_season.matches.filter(day=2).order_by("scheduled_at", "ring").first()
    for m in group_season.matches.filter(day=1):
        factories.play_match(m, winner="red")
    url = reverse("public:schedule", args=[group_season.slug])
    html = client.get(url).content.decode()
    assert 'id="day-2"' in html and 'id="day-1"' not in html
    day_url = reverse("public:schedule_day", args=[group_season.slug, 2])
    assert f'<a href="{day_url}#day-2" aria-current="page">' in html
    assert 'id="now"' in html and f">{day_two_first.slot}</a>" in html
    day_one = client.get(reverse("public:schedule_day", args=[group_season.slug, 1]))
    html = day_one.content.decode()
    assert 'id="day-1"' in html and 'id="day-2"' not in html
    live_url = reverse("public:schedule_day_live", args=[group_season.slug, 1])
    assert f'hx-get="{live_url}"' in html
    live = client.get(live_url, HTTP_IF_NONE_MATCH=day_one["ETag"])  # a day's own ETags
    assert live.status_code == 200 and 'id="day-1"' in live.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=day_one["ETag"]).status_code == 200
    again = client.get(day_one.request["PATH_INFO"], HTTP_IF_NONE_MATCH=day_one["ETag"])
    assert again.status_code == 304
    for junk in ("0", "99", "-1", "x" * 50, "1e9"):  # not a day of this season: 404, never a 500
        assert client.get(f"{url}day/{junk}/").status_code == 404


def test_delay_shows_estimated_beside_scheduled_on_cached_public_pages(client, group_season,
                                                                      organizer):
    url = reverse("public:schedule", args=[group_season.slug])
    first = group_season.matches.filter(ring="Ring 1").order_by("scheduled_at").first()
    before = client.get(url).content.decode()
    assert "estimated" not in before
    ring_delay(season=group_season, ring="Ring 1", minutes=25, actor=organizer)
    after = client.get(url).content.decode()
    local = (first.scheduled_at + dt.timedelta(minutes=25)).astimezone(group_season.tz)
    assert "estimated" in after and f"{local:%H:%M}" in after
    live = client.get(reverse("public:schedule_live", args=[group_season.slug])).content.decode()
    assert "estimated" in live
    match_page = client.get(reverse("public:match", args=[group_season.slug, first.slot]))
    assert f"{local:%H:%M}" in match_page.content.decode()
