"""Chinese data, not only a Chinese interface (issue 10, part 6): 繁體 texts proposed from 简体
ones with OpenCC in the services, and kept as typed when given."""
from __future__ import annotations

from decimal import Decimal

import pytest

from league import services, zh
from league.errors import RuleViolation
from league.exchange import applications
from league.models import Reward, Team
from league.services.common import system_actor
from tests import factories
from tests.exchange.files import csv_bytes, team_row

pytestmark = pytest.mark.django_db


# --- league/zh.py -------------------------------------------------------------------------------

def test_opencc_proposes_traditional_from_simplified_offline():
    assert zh.to_hant("深圳飞龙机器人队") == "深圳飛龍機器人隊"
    assert zh.to_hant("众擎工坊") == "眾擎工坊"  # Hong Kong glyphs (s2hk), not OpenCC's 衆
    assert zh.to_hant("一号擂台") == "一號擂台"
    assert zh.to_hant("") == ""


@pytest.mark.parametrize(("code", "script"), [
    ("en", "en"), ("en-us", "en"), ("zh-hans", "zh-hans"), ("zh", "zh-hans"), ("zh-CN", "zh-hans"),
    ("zh-hant", "zh-hant"), ("zh-TW", "zh-hant"), ("zh-hk", "zh-hant"), ("fr", "en"),
])
def test_language_codes_map_to_three_scripts(code, script):
    assert zh.script(code) == script


def test_pick_falls_back_from_traditional_to_simplified_to_english():
    team = Team(name_en="Dragons", name_zh="飞龙", name_zh_hant="飛龍")
    assert [zh.pick(team, "name", lang) for lang in zh.SCRIPTS] == ["Dragons", "飞龙", "飛龍"]
    team.name_zh_hant = ""
    assert zh.pick(team, "name", "zh-hant") == "飞龙"
    team.name_zh = ""
    assert zh.pick(team, "name", "zh-hant") == "Dragons"
    assert zh.chinese(Team(name_en="X", name_zh="飞龙", name_zh_hant="飛龍"), "name", "en") == "飞龙"


def test_feed_lang_accepts_exactly_the_three_scripts():
    assert [zh.parse_script(v) for v in ("en", "zh-hans", "zh-hant")] == list(zh.SCRIPTS)
    assert zh.parse_script("ZH-HANT") is None and zh.parse_script("") is None


# --- teams --------------------------------------------------------------------------------------

def _team(**fields) -> Team:
    base = dict(slug="dragons", name_en="Dragons", name_zh="深圳飞龙", organization="SUSTech",
                registration_number="REG-1", kind="university", country="CN")
    return services.team_create(actor=system_actor(), **{**base, **fields})


def test_team_without_a_traditional_name_gets_the_opencc_proposal():
    assert _team().name_zh_hant == "深圳飛龍"


def test_team_traditional_name_given_is_kept_and_stays_editable():
    team = _team(name_zh="九龙踢手", name_zh_hant="九龍飛腿")
    assert team.name_zh_hant == "九龍飛腿"
    team = services.team_update(team=team, name_zh_hant="九龍戰士", actor=system_actor())
    team.refresh_from_db()
    assert (team.name_zh, team.name_zh_hant) == ("九龙踢手", "九龍戰士")


def test_team_new_simplified_name_brings_a_new_proposal_unless_traditional_is_given():
    team = _team()
    services.team_update(team=team, name_zh="深圳神龙", actor=system_actor())
    team.refresh_from_db()
    assert team.name_zh_hant == "深圳神龍"
    services.team_update(team=team, name_zh="深圳火龙", name_zh_hant="鵬城火龍", actor=system_actor())
    team.refresh_from_db()
    assert team.name_zh_hant == "鵬城火龍"


def test_team_traditional_name_is_one_line():
    with pytest.raises(RuleViolation) as info:
        _team(name_zh_hant="飛\n龍")
    assert info.value.field == "name_zh_hant"
    assert not Team.objects.exists()


def test_applications_import_proposes_or_keeps_the_traditional_name():
    season = factories.season_at("registration")
    raw = csv_bytes([team_row(0, name_zh="深圳飞龙"),
                     team_row(1, name_zh="九龙踢手", name_zh_hant="九龍飛腿")])
    rows = applications.parse(applications.read_table("t.csv", raw))
    assert applications.run(season, rows, system_actor()) == 2
    assert Team.objects.get(slug="team-0").name_zh_hant == "深圳飛龍"
    assert Team.objects.get(slug="team-1").name_zh_hant == "九龍飛腿"


# --- seasons and rewards ------------------------------------------------------------------------

def test_season_city_venue_rings_in_three_languages_traditional_proposed():
    season = factories.SeasonFactory(name_zh="第一季 · 深圳", city_zh="深圳", venue_zh="深圳湾体育中心",
                                     rings="Ring 1,Ring 2", rings_zh="一号擂台，二号擂台")
    assert season.rings_zh == "一号擂台,二号擂台"  # a full-width comma is a comma
    assert (season.venue_zh_hant, season.rings_zh_hant) == ("深圳灣體育中心", "一號擂台,二號擂台")
    assert [season.ring_name("Ring 2", lang) for lang in zh.SCRIPTS] == ["Ring 2", "二号擂台", "二號擂台"]
    assert season.ring_name("Ring 9", "zh-hant") == "Ring 9"  # a ring not of the season
    season = services.season_update(season=season, venue_zh_hant="深圳灣體育中心（春繭）",
                                    actor=system_actor())
    assert season.venue_zh_hant == "深圳灣體育中心（春繭）"


def test_season_chinese_ring_names_must_name_every_ring():
    season = factories.SeasonFactory(rings="Ring 1,Ring 2")
    with pytest.raises(RuleViolation) as info:
        services.season_update(season=season, rings_zh="一号擂台", actor=system_actor())
    assert info.value.field == "rings_zh" and "Name each of the 2 rings" in info.value.text
    season.refresh_from_db()
    assert season.rings_zh == ""


def test_default_rewards_come_in_three_languages():
    season = factories.SeasonFactory()
    belt = season.rewards.get(place=Reward.Place.CHAMPION)
    assert (belt.description, belt.description_zh, belt.description_zh_hant) == (
        "Pure-gold championship belt", "纯金冠军腰带", "純金冠軍腰帶")


def test_reward_set_proposes_traditional_and_keeps_chinese_when_not_given():
    season = factories.SeasonFactory()
    reward = services.reward_set(season=season, place=2, description="Silver trophy",
                                 description_zh="银奖杯", value=Decimal("5"), currency="CNY",
                                 actor=system_actor())
    assert reward.description_zh_hant == "銀獎盃"
    reward = services.reward_set(season=season, place=2, description="Silver trophy!",
                                 value=Decimal("5"), currency="CNY", actor=system_actor())
    assert (reward.description_zh, reward.description_zh_hant) == ("银奖杯", "銀獎盃")


def test_r16_placings_keep_the_reward_in_three_languages(db):
    season = factories.season_at("finished")
    champion = season.placings.get(place=1)
    assert (champion.reward_description_zh, champion.reward_description_zh_hant) == (
        "纯金冠军腰带", "純金冠軍腰帶")


def test_clearing_a_traditional_text_brings_the_proposal_back():
    team = _team(name_zh_hant="鵬城飛龍")
    services.team_update(team=team, name_zh_hant="", actor=system_actor())
    team.refresh_from_db()
    assert team.name_zh_hant == "深圳飛龍"
    season = factories.SeasonFactory(venue_zh="深圳湾体育中心", venue_zh_hant="春繭")
    season = services.season_update(season=season, venue_zh_hant=" ", actor=system_actor())
    assert season.venue_zh_hant == "深圳灣體育中心"
