"""Broadcast views (issue 9, item 4): a ring's overlay and big screen follow the ring's current
match; the venue view shows every ring; only these pages may be framed, and only by the
configured broadcast origins."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from league.models import Match
from league.selectors import broadcast
from league.services import rings
from league.services.common import system_actor
from tests.referee.conftest import check_in, finish, go_live, make_match, mini_season

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _ring_season():
    season = mini_season()
    now = timezone.now()
    a1 = make_match(season, slot="A1", when=now)
    a2 = make_match(season, slot="A2", red=2, blue=3, when=now + dt.timedelta(minutes=20))
    a3 = make_match(season, slot="A3", red=0, blue=2, when=now + dt.timedelta(minutes=40))
    return season, a1, a2, a3


def _current(season) -> str:
    board = broadcast.ring_board(season=season, ring="Ring 1")
    return board.current.match.slot


def test_ring_current_is_live_then_checked_in_then_next_scheduled_then_last_result():
    season, a1, a2, a3 = _ring_season()
    assert _current(season) == "A1"  # the next scheduled
    check_in(a2)
    assert _current(season) == "A2"  # a checked-in match goes before a scheduled one
    go_live(a1)
    assert _current(season) == "A1"  # the live one first
    # (back to scheduled, then every match fought through the services)
    Match.objects.filter(pk__in=[a1.pk, a2.pk]).update(status=Match.Status.SCHEDULED,
                                                      red_robot=None, blue_robot=None,
                                                      red_seal="", blue_seal="")
    for m in (a1, a2, a3):
        finish(Match.objects.get(pk=m.pk))
    assert _current(season) == "A3"  # every match done: the last result stays up


def test_the_overlay_follows_the_ring_queue_when_the_next_match_is_called(client):
    season, a1, a2, a3 = _ring_season()
    finish(a1)
    board = broadcast.ring_board(season=season, ring="Ring 1")
    assert board.current.match.slot == "A1"  # the final score stays up until the next is called
    assert [m.slot for m in board.upcoming] == ["A2", "A3"]
    called = rings.ring_call_next(season=season, ring="Ring 1", actor=system_actor())
    board = broadcast.ring_board(season=season, ring="Ring 1")
    assert called.slot == "A2"
    assert board.current.match.slot == "A2"
    assert [m.slot for m in board.upcoming] == ["A3"]
    html = client.get(reverse("public:ring_overlay", args=[season.slug, "ring-1"])).content.decode()
    assert "Called to the ring" in html and "A2" in html


def test_a_result_of_an_earlier_day_gives_way_to_the_days_first_fight():
    season, a1, a2, a3 = _ring_season()
    finish(a1)
    Match.objects.filter(pk=a1.pk).update(finished_at=a1.finished_at - dt.timedelta(days=1))
    assert _current(season) == "A2"  # on deck: yesterday's result is not today's news
    check_in(a2)
    assert _current(season) == "A2"


def test_a_checked_in_match_takes_over_from_the_last_result_without_a_call():
    season, a1, a2, a3 = _ring_season()
    finish(a1)
    assert _current(season) == "A1"
    check_in(a2)  # the referee checked the robots in: the fight is about to start
    assert _current(season) == "A2"


def test_ring_overlay_shows_the_rings_match_and_an_unknown_ring_is_404(client):
    season, a1, a2, _a3 = _ring_season()
    go_live(a2)
    url = reverse("public:ring_overlay", args=[season.slug, "ring-1"])
    html = client.get(url).content.decode()
    assert "A2" in html and a2.red.team.name_en in html
    assert client.get(reverse("public:ring_overlay", args=[season.slug, "ring-7"])).status_code == 404
    assert client.get(reverse("public:ring_audience", args=[season.slug, "nope"])).status_code == 404
    assert client.get(reverse("public:venue", args=["no-season"])).status_code == 404


def test_audience_display_lists_what_comes_next(client):
    season, a1, a2, a3 = _ring_season()
    go_live(a1)
    html = client.get(reverse("public:ring_audience", args=[season.slug, "ring-1"])).content.decode()
    assert "Now fighting" in html and "Coming up" in html
    assert html.index("A2") < html.index("A3")


def test_audience_display_shows_the_estimated_time_after_a_delay(client, organizer):
    season = mini_season(teams=6)
    now = timezone.now()
    go_live(make_match(season, slot="A1", when=now))
    a2 = make_match(season, slot="A2", red=2, blue=3, when=now + dt.timedelta(minutes=30))
    url = reverse("public:ring_audience", args=[season.slug, "ring-1"])
    on_time = (a2.scheduled_at).astimezone(season.tz)
    queue = client.get(url).content.decode().split("Coming up")[1]
    assert "estimated" not in queue and f">{on_time:%H:%M}<span" in queue
    rings.ring_delay(season=season, ring="Ring 1", minutes=20, actor=organizer)
    late = (a2.scheduled_at + dt.timedelta(minutes=20)).astimezone(season.tz)
    queue = client.get(url).content.decode().split("Coming up")[1]
    assert "estimated" in queue and f">{late:%H:%M}<span" in queue  # the big screen follows


def test_venue_shows_every_ring(client):
    season, a1, *_ = _ring_season()
    go_live(a1)
    html = client.get(reverse("public:venue", args=[season.slug])).content.decode()
    assert "Ring 1" in html and "Ring 2" in html
    assert reverse("public:ring_overlay", args=[season.slug, "ring-2"]) in html


@pytest.mark.parametrize("name", ["ring_overlay", "ring_audience"])
def test_broadcast_pages_are_framable_only_by_the_configured_origins(client, settings, name):
    season, *_ = _ring_season()
    url = reverse(f"public:{name}", args=[season.slug, "ring-1"])
    settings.BROADCAST_FRAME_ANCESTORS = ["https://studio.example.org", "http://192.168.1.50:8080"]
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors https://studio.example.org http://192.168.1.50:8080" in csp
    assert "X-Frame-Options" not in response
    # the live fragment too (a framed page fetches it)
    live = client.get(reverse(f"public:{name}_live", args=[season.slug, "ring-1"]))
    assert "frame-ancestors https://studio.example.org" in live["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["ring_overlay", "ring_audience"])
def test_without_configured_origins_broadcast_pages_are_not_framable(client, settings, name):
    season, *_ = _ring_season()
    settings.BROADCAST_FRAME_ANCESTORS = []
    response = client.get(reverse(f"public:{name}", args=[season.slug, "ring-1"]))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", ["public:season", "public:bracket", "public:match_overlay"])
def test_every_other_page_stays_unframable_even_with_broadcast_origins(client, settings, page):
    season, a1, *_ = _ring_season()
    settings.BROADCAST_FRAME_ANCESTORS = ["https://studio.example.org"]
    if page == "public:match_overlay":
        url = reverse("public:overlay", args=[season.slug, a1.slot])
    else:
        url = reverse(page, args=[season.slug])
    response = client.get(url)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "studio.example.org" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    referee_login = client.get(reverse("referee:login"))
    assert referee_login["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts_of_the_broadcast_pages(client, django_assert_num_queries, extra):
    season, a1, *_ = _ring_season()
    now = timezone.now()
    for i in range(extra):
        make_match(season, slot=f"B{i}", red=i % 4, blue=(i + 1) % 4,
                   when=now + dt.timedelta(hours=2, minutes=i))
    go_live(a1)
    # stamp, season, the ring's matches, the overlay's match and rounds
    with django_assert_num_queries(5):
        client.get(reverse("public:ring_overlay_live", args=[season.slug, "ring-1"]))
    cache.clear()
    with django_assert_num_queries(5):
        client.get(reverse("public:ring_audience_live", args=[season.slug, "ring-1"]))
    cache.clear()
    # stamp, season, every ring's matches, then 2 per ring with a match (Ring 1 only)
    with django_assert_num_queries(5):
        client.get(reverse("public:venue_live", args=[season.slug]))


def test_r17_a_screen_reads_the_matchs_clock_without_the_referees_proposal(
        client, django_assert_num_queries, people):
    """R17: overlays, big screens and the venue view read the same server clock as the referee's
    devices (counted down locally from ``as_of``); a proposal is the referee's alone."""
    from league.services import clock as clock_services

    season, a1, *_ = _ring_season()
    a1.referees.add(people["ref1"])
    go_live(a1)
    clock_services.clock_start(match=a1, actor=people["ref1"])
    url = reverse("public:match_clock", args=[season.slug, a1.slot])
    # the match by season and slot, then clock_state's 3
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    state = response.json()
    assert state["status"] == "live" and state["running"] is True
    assert 0 < state["remaining_ms"] <= season.round_minutes * 60_000
    assert "proposal" not in state and "as_of" in state
    html = client.get(reverse("public:ring_overlay", args=[season.slug, "ring-1"])).content.decode()
    assert f'data-public-clock="{url}"' in html
    assert client.get(reverse("public:venue", args=[season.slug])).content.decode().count(url) == 1


@pytest.mark.parametrize("path", ["/seasons/{slug}/matches/ZZ9/clock.json",
                                  "/seasons/nope/matches/A1/clock.json"])
def test_the_clock_of_an_unknown_match_is_a_404(client, path):
    season, *_ = _ring_season()
    assert client.get(path.format(slug=season.slug)).status_code == 404
    assert client.post(reverse("public:match_clock", args=[season.slug, "A1"])).status_code == 405
