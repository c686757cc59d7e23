"""The referee's home: today's matches first, in each season's own time zone; the head referee's
view of the whole season and the failure queue; fixed query counts."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from league import services
from league.selectors.referee import my_matches
from league.services.common import system_actor
from tests.referee.conftest import body, finish, go_live, make_match, mini_season, url

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_today_is_the_seasons_day_not_utcs(people):
    ref = people["ref1"]
    shenzhen = mini_season(time_zone="Asia/Shanghai")
    new_york = mini_season(time_zone="America/New_York")
    now = dt.datetime(2026, 3, 6, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, 10:30 in New York
    tonight = make_match(shenzhen, referees=[ref], when=dt.datetime(2026, 3, 6, 20, 0, tzinfo=SHANGHAI))
    # same UTC day as now, but already tomorrow in Shenzhen
    after_midnight = make_match(shenzhen, red=2, blue=3, referees=[ref],
                                when=dt.datetime(2026, 3, 7, 0, 30, tzinfo=SHANGHAI))
    # tomorrow in UTC, but still today in New York
    ny_evening = make_match(new_york, referees=[ref], when=dt.datetime(2026, 3, 6, 22, 0, tzinfo=NEW_YORK))
    yesterday = make_match(shenzhen, red=1, blue=2, referees=[ref],
                           when=dt.datetime(2026, 3, 5, 15, 0, tzinfo=SHANGHAI))
    not_mine = make_match(shenzhen, red=1, blue=3, referees=[people["ref2"]], when=now)
    mine = my_matches(user=ref, now=now)
    assert mine.today == [tonight, ny_evening]
    assert mine.upcoming == [after_midnight]
    assert mine.attention == [yesterday]  # earlier and still open
    assert not_mine not in mine.today + mine.upcoming + mine.attention + mine.done


def test_done_and_signed_matches_go_last(people):
    ref = people["ref1"]
    season = mini_season()
    now = timezone.now()
    old = make_match(season, referees=[ref], when=now - dt.timedelta(days=2))
    finish(old, actor=ref)
    old.refresh_from_db()
    assert my_matches(user=ref, now=now).attention == [old]  # finished, not yet signed
    services.match_sign_off(match=old, actor=ref)
    mine = my_matches(user=ref, now=now)
    assert mine.done == [old] and not mine.attention


def test_home_lists_today_first(people, client):
    ref = people["ref1"]
    season = mini_season()
    now = timezone.now()
    make_match(season, slot="A9", referees=[ref], when=now + dt.timedelta(days=3))
    make_match(season, slot="A5", red=2, blue=3, referees=[ref], when=now)
    client.force_login(ref)
    # Read the page's main part only: the head carries a random CSRF token, which may contain "A9".
    page = body(client.get(url("home"))).split("<main", 1)[1]
    assert page.index("Today") < page.index("A5") < page.index("Coming up") < page.index("A9")
    assert "Every match of" not in page and "Failure reports to decide" not in page


def test_head_referee_sees_every_match_of_the_season_and_the_queue(people, client):
    season = mini_season(name="Shenzhen 2026")
    mine = make_match(season, slot="A1", referees=[people["head"]])
    others = make_match(season, slot="A2", red=2, blue=3, referees=[people["ref2"]])
    go_live(others)
    services.failure_report_file(entry=others.red, robot=others.red_robot, description="Wrist gone",
                                 irreversible=False, match=others, actor=people["ref2"])
    client.force_login(people["head"])
    page = body(client.get(url("home")))
    assert "Every match of Shenzhen 2026" in page
    assert url("match", mine) in page and url("match", others) in page
    assert "Referees: ref2" in page
    assert "Wrist gone" in page


def test_head_referee_switches_season(people, client):
    first = mini_season(name="Shenzhen 2026", starts_on=dt.date(2026, 3, 6))
    second = mini_season(name="Hong Kong 2027", starts_on=dt.date(2027, 3, 6))
    a = make_match(first, slot="A1", referees=[people["ref1"]])
    b = make_match(second, slot="A1", referees=[people["ref1"]])
    client.force_login(people["head"])
    newest = body(client.get(url("home")))
    assert url("match", b) in newest and url("match", a) not in newest
    chosen = body(client.get(url("home") + f"?season={first.slug}"))
    assert url("match", a) in chosen and url("match", b) not in chosen
    # an unknown slug falls back to the newest season instead of failing
    assert url("match", b) in body(client.get(url("home") + "?season=nope"))


def _many(season, people, n):
    for i in range(n):
        match = make_match(season, red=i % 4, blue=(i + 1) % 4, referees=[people["ref1"], people["head"]],
                           slot=f"Q{i}")
        if i % 2:
            go_live(match)


@pytest.mark.parametrize("size", [1, 8])
def test_home_query_count_is_fixed(people, client, django_assert_num_queries, size):
    season = mini_season()
    _many(season, people, size)
    client.force_login(people["ref1"])
    with django_assert_num_queries(4):  # session, user, roles, my matches
        assert client.get(url("home")).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_head_home_query_count_is_fixed(people, client, django_assert_num_queries, size):
    season = mini_season()
    _many(season, people, size)
    client.force_login(people["head"])
    # session, user, roles, my matches, seasons, season matches + their referees, queue
    with django_assert_num_queries(8):
        assert client.get(url("home")).status_code == 200


@pytest.mark.parametrize("size", [1, 6])
def test_match_page_query_count_is_fixed(people, client, django_assert_num_queries, size):
    season = mini_season()
    match = make_match(season, referees=[people["ref1"]])
    match = go_live(match, actor=people["ref1"])
    for i in range(size):
        services.allowance_use(match=match, corner="red" if i % 2 else "blue",
                               kind="tactical_timeout" if i < 4 else "emergency_repair",
                               actor=people["ref1"])
        services.failure_report_file(entry=match.red, robot=match.red_robot, description=f"issue {i}",
                                     irreversible=False, match=match, actor=people["ref1"])
    client.force_login(people["ref1"])
    # session, user, roles + the card: match, rounds, allowances, referees, 2x robots, reports,
    # history, and the live match's clock events (R17)
    with django_assert_num_queries(12):
        assert client.get(url("match", match)).status_code == 200


@pytest.mark.parametrize("size", [0, 3])
def test_check_in_page_query_count_is_fixed(people, client, django_assert_num_queries, size):
    season = mini_season()
    match = make_match(season, referees=[people["ref1"]])
    for _ in range(size):  # history grows: repeated check-ins
        match.refresh_from_db()
        services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                blue_robot=services.active_robot(match.blue), red_seal="R", blue_seal="B",
                                actor=system_actor())
    client.force_login(people["ref1"])
    # as on a live match, plus services.active_robot() for each corner (2 queries each)
    with django_assert_num_queries(15):
        assert client.get(url("match", match)).status_code == 200
