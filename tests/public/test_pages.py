"""What the public pages show: the rules as a fan reads them, both scripts of team names, and
valid, landmarked HTML in every phase of a season."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import html5lib
import pytest
from django.urls import reverse

from league import services
from league.models import Entry, Match, Placing, Replacement, Reward
from league.selectors import public as read
from league.services.common import system_actor
from league.templatetags.league_public import CRITERIA
from tests import factories

pytestmark = pytest.mark.django_db


def page(client, name, *args, **headers) -> str:
    response = client.get(reverse(name, args=args), **headers)
    assert response.status_code == 200, (name, args, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """The visible text, tags stripped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def public_urls(season, slot: str, team_slug: str) -> list[str]:
    urls = [reverse("public:home"), reverse("public:team", args=[team_slug])]
    for name in ("season", "groups", "bracket", "schedule"):
        urls += [reverse(f"public:{name}", args=[season.slug]),
                 reverse(f"public:{name}_live", args=[season.slug])]
    for name in ("match", "match_live", "overlay", "overlay_live"):
        urls.append(reverse(f"public:{name}", args=[season.slug, slot]))
    return urls


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [v for k, v in attrs if k == "id"]


@pytest.mark.parametrize("state", ["registration", "drawn", "group_stage", "knockout", "finished"])
def test_every_page_is_valid_html_with_landmarks_in_every_phase(client, state):
    season = factories.season_at(state)
    match = season.matches.order_by("scheduled_at").first()
    qualified = season.entries.filter(status=Entry.Status.QUALIFIED).first()
    team = qualified.team if qualified else factories.catalogue_team(0)
    if qualified is None:  # a team page exists once the team has a public (qualified) entry
        factories.EntryFactory(season=season, team=team, status=Entry.Status.QUALIFIED)
    urls = public_urls(season, match.slot if match else "A1", team.slug)
    if match is None:  # no match before the schedule: those URLs are 404, checked elsewhere
        urls = [u for u in urls if "/matches/" not in u]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 286), url
        html = response.content.decode()
        if url.endswith("/live/"):
            parser.parseFragment(html)  # raises on any parse error
            continue
        parser.parse(html)
        ids = _Ids()
        ids.feed(html)
        duplicates = {i for i in ids.ids if ids.ids.count(i) > 1}
        assert not duplicates, (url, duplicates)
        assert "main" in ids.tags and "h1" in ids.tags, url
        if "overlay" not in url:
            assert {"header", "nav", "footer"} <= set(ids.tags), url
        assert ids.tags.count("h1") == 1, url


def test_r12_group_table_has_the_columns_and_names_the_rule_that_broke_each_tie(client, knockout):
    html = page(client, "public:groups", knockout.slug)
    for column in ("Pts", "RW", "RL", "RD", "KO", "PD", "F+R", "Tie broken by"):
        assert f">{column}<" in html, column
    tables = read.season_groups(season=knockout)
    ties = [(t, row) for t in tables for row in t.rows if row.tie_with is not None]
    assert ties, "the seeded season should have at least one tie broken after points"
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", html, re.S)
    for _table, row in ties:
        shown = next(r for r in rows if row.entry.team.name_en in r and "tie-rule" in r)
        assert str(CRITERIA[row.separated_by]) in shown
        assert f"ahead of {row.tie_with.entry.team.name_en}" in shown
        assert row.points == row.tie_with.points  # a tie on points, broken by a later rule


def test_r12_group_page_shows_each_teams_results(client, knockout):
    html = page(client, "public:groups", knockout.slug)
    group_matches = Match.objects.filter(season=knockout, stage="group")
    for m in group_matches[:6]:
        assert reverse("public:match", args=[knockout.slug, m.slot]) in html
    won = html.count('class="x-won"')
    lost = html.count('class="x-lost"')
    assert won == lost == group_matches.count()  # each result seen from both teams


def test_r13_r14_bracket_before_the_knockout_waits_for_the_draw(client, db):
    season = factories.season_at("group_stage")
    html = text(page(client, "public:bracket", season.slug))
    assert "A group winner" in html and "A group runner-up" in html
    for slot in ("QF1", "QF2", "QF3", "QF4"):
        assert f"Winner of {slot}" in html
    assert "Winner of SF1" in html and "Loser of SF2" in html


def test_r14_unfilled_bracket_slots_name_the_match_that_fills_them(client, knockout):
    html = page(client, "public:bracket", knockout.slug)
    final = re.search(r'<div class="bm[^"]*bm-final.*?</ul>', html, re.S).group(0)
    assert "Winner of SF1" in final and "Winner of SF2" in final
    assert "Loser of SF1" in text(html) and "Loser of SF2" in text(html)
    for slot in ("QF1", "QF2", "QF3", "QF4"):
        qf = knockout.matches.get(slot=slot)
        assert qf.winner.team.name_en in html and qf.winner.team.name_zh in html


def test_r15_bracket_highlights_the_champion_and_the_belt(client, finished):
    html = page(client, "public:bracket", finished.slug)
    champion = Placing.objects.get(season=finished, place=Reward.Place.CHAMPION).entry.team
    final = re.search(r'<div class="bm[^"]*bm-final.*?</ul>', html, re.S).group(0)
    champion_row = re.search(r'<li class="bm-corner [^"]*champion[^"]*">.*?</li>', final, re.S).group(0)
    assert champion.name_en in champion_row and champion.name_zh in champion_row
    banner = text(re.search(r'<section class="champion-banner".*?</section>', html, re.S).group(0))
    assert champion.name_en in banner and "Pure-gold championship belt" in banner
    assert "10,000,000" in banner


def test_r15_season_home_lists_places_and_rewards(client, finished):
    html = text(page(client, "public:season", finished.slug))
    assert "Final places and rewards" in html
    for placing in Placing.objects.filter(season=finished).select_related("entry__team"):
        assert placing.entry.team.name_en in html
    assert "Quarterfinalist prize" in html and "Pure-gold championship belt" in html


def test_season_home_shows_live_next_and_latest(client, knockout):
    sf1 = knockout.matches.get(slot="SF1")
    from league import services

    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="A", blue_seal="B",
                            actor=system_actor())
    services.match_start(match=sf1, actor=system_actor())
    html = page(client, "public:season", knockout.slug)
    live = re.search(r'<section class="panel panel-live".*?</section>', html, re.S).group(0)
    assert "SF1" in live and sf1.red.team.name_zh in live
    upcoming = re.search(r'aria-labelledby="h-next">.*?</section>', html, re.S).group(0)
    assert "SF2" in upcoming and "Winner of SF1" in upcoming  # the final waits for SF1
    assert "Hong Kong time" not in upcoming and "Shenzhen time" in upcoming
    assert 'data-venue-tz="Asia/Shanghai"' in upcoming  # public.js adds the viewer's time
    latest = re.search(r'aria-labelledby="h-results">.*?</section>', html, re.S).group(0)
    assert "QF" in latest and "Finished" in latest


def test_next_matches_are_in_the_venue_time_zone(client, db):
    season = factories.season_at("drawn", time_zone="America/New_York", city="New York")
    from league import services

    services.group_schedule_generate(season=season, actor=system_actor())
    first = season.matches.order_by("scheduled_at").first()
    local = first.scheduled_at.astimezone(season.tz)
    html = page(client, "public:season", season.slug)
    assert f"{local:%H:%M}" in html and "New York time" in html
    assert first.scheduled_at.strftime("%Y-%m-%dT%H:%M:%SZ") in html  # UTC, for the viewer's


def test_schedule_is_by_day_and_ring(client, knockout):
    days = read.schedule_for(season=knockout)
    assert len(days) >= 4  # three group match days, then the knockout days
    for day in days:  # one day a page: day/N/ (the plain URL opens the live or next fight's day)
        response = client.get(reverse("public:schedule_day", args=[knockout.slug, day.number]))
        section = re.search(rf'<section class="day" id="day-{day.number}".*?(?=<section class="day"|$)',
                            response.content.decode(), re.S).group(0)
        for ring, matches in day.rings:
            assert f">{ring}</h3>" in section
            for m in matches:
                assert f">{m.slot}</a>" in section


def test_old_day_links_go_to_the_days_own_url_and_the_plain_schedule_stays_cached(client, knockout):
    url = reverse("public:schedule", args=[knockout.slug])
    response = client.get(url + "?day=2")
    assert response.status_code == 301
    assert response["Location"] == reverse("public:schedule_day", args=[knockout.slug, 2])
    assert client.get(url + "?day=x").status_code == 200  # not a day: the plain schedule
    assert client.get(url).has_header("ETag")


def test_r4_r6_match_page_shows_robots_seals_referees_failure_and_replacement(client, knockout):
    qf = Match.objects.get(season=knockout, slot__startswith="QF",
                           winner=knockout.matches.get(slot="SF1").red)
    html = text(page(client, "public:match", knockout.slug, qf.slot))
    assert qf.red_seal in html and qf.blue_seal in html
    assert qf.red_robot.name in html and qf.red_robot.serial in html
    for n, referee in enumerate(qf.referees.order_by("last_name", "first_name", "pk"), start=1):
        assert f"Referee {n}" in html  # display names, never the user name (issue 11)
        assert f">{referee.get_username()}<" not in html
    for r in qf.rounds.all():
        assert r.get_method_display() in html
    assert "Hip actuator cracked after a knockdown" in html and "Approved" in html
    replacement = Replacement.objects.get(entry=qf.winner)
    assert f"replaced its primary {replacement.old_robot.name} by the backup " \
           f"{replacement.new_robot.name}" in html
    assert f"{qf.winner.team.name_en} wins" in html


def test_r8_r9_match_page_counts_rounds_knockdowns_and_allowances(client, knockout):
    from league import services

    sf1 = knockout.matches.get(slot="SF1")
    services.match_check_in(match=sf1, red_robot=services.active_robot(sf1.red),
                            blue_robot=services.active_robot(sf1.blue), red_seal="A1", blue_seal="B1",
                            actor=system_actor())
    services.match_start(match=sf1, actor=system_actor())
    services.allowance_use(match=sf1, corner="red", kind="manual_reset", actor=system_actor())
    services.round_record(match=sf1, number=1, data=services.RoundInput(
        winner="blue", method="ko", red_points=3, blue_points=22, red_knockdowns=2), actor=system_actor())
    html = page(client, "public:match", knockout.slug, "SF1")
    assert "Round 2 of 3" in html
    assert re.search(r'<span class="r">0</span>.*?<span class="b">1</span>', html, re.S)
    assert "1 / 2" in html  # one of the two manual resets (R9)
    overlay = text(page(client, "public:overlay", knockout.slug, "SF1"))
    assert "Round 2" in overlay and "KD 2" in overlay
    assert sf1.red.team.name_zh in overlay and services.active_robot(sf1.blue).name in overlay


def test_r2_team_page_spans_seasons_in_both_scripts(client, finished):
    entry = finished.matches.get(slot="SF1").red
    later = factories.season_at("registration", slug="later", name="Later season")
    later_entry = factories.apply_team(later, entry.team, 0)
    assert "Later season" not in page(client, "public:team", entry.team.slug)  # applied: private
    services.season_registration_close(season=later, actor=system_actor())
    services.entry_audition(entry=later_entry, passed=True, actor=system_actor())
    services.entry_qualify(entry=later_entry, actor=system_actor())
    html = page(client, "public:team", entry.team.slug)
    assert entry.team.name_en in html and entry.team.name_zh in html
    assert "Later season" in html and finished.name in html
    for member in entry.members.all():
        assert member.name in html
    story = text(html)
    replacement = Replacement.objects.get(entry=entry)
    assert f"Replaced by the backup {replacement.new_robot.name}" in story
    assert f"Took over from the primary {replacement.old_robot.name}" in story
    placing = Placing.objects.filter(entry=entry).first()
    if placing:
        assert placing.reward_description in story


def test_home_lists_every_season_with_its_champion(client, finished):
    other = factories.season_at("registration", slug="london", name="London season", city="London")
    html = text(page(client, "public:home"))
    assert finished.name in html and other.name in html
    champion = Placing.objects.get(season=finished, place=1).entry.team
    assert champion.name_en in html and champion.name_zh in html


def test_chinese_pages_keep_both_team_scripts(client, knockout):
    html = page(client, "public:bracket", knockout.slug, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="zh-hans">' in html
    team = knockout.matches.get(slot="QF1").red.team
    assert f'<span class="tn-en" lang="en">{team.name_en}</span>' in html
    assert f'<span class="tn-zh" lang="zh">{team.name_zh}</span>' in html


def test_healthz_is_trivial(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get(reverse("public:healthz"))
    assert response.status_code == 200 and response.content == b"ok"


def test_public_pages_load_no_inline_script(client, knockout):
    for url in public_urls(knockout, "SF1", knockout.entries.first().team.slug):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert not re.search(r"<script[^>]*>[^<]+</script>", html), url
        assert " on" not in " ".join(re.findall(r"<[^>]+ on[a-z]+=", html)), url
        assert "hx-on" not in html and "style=" not in html, url
