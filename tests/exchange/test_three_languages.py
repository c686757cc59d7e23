"""The season file carries the Chinese texts (issue 10, part 6): 简体 and 繁體 team names,
season name, city, venue, rings and reward descriptions round-trip; a file written before they
existed still imports, and reads as the services would have made it."""
from __future__ import annotations

import copy

import pytest

from league import services
from league.exchange import dumps, export_season, import_season, season_document
from league.models import Season, Team
from league.services.common import system_actor
from league.zh import to_hant
from tests import factories

from .conftest import delete_season

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles(db):
    """An imported file names staff by role: the role groups must exist (a transactional test
    earlier in the same worker may have flushed them)."""
    factories.ensure_roles()

NEW_SEASON_KEYS = ("name_zh_hant", "city_zh", "city_zh_hant", "venue_zh", "venue_zh_hant",
                   "rings_zh", "rings_zh_hant")


def _old_format(doc: dict) -> dict:
    """The same file as the exporter wrote it before the Chinese texts."""
    old = copy.deepcopy(doc)
    for key in NEW_SEASON_KEYS:
        del old["season"][key]
    for reward in old["season"]["rewards"]:
        del reward["description_zh"], reward["description_zh_hant"]
    for team in old["teams"]:
        del team["name_zh_hant"]
    for placing in old["placings"]:
        del placing["reward"]["description_zh"], placing["reward"]["description_zh_hant"]
    return old


def test_three_language_season_round_trips_byte_identical(db):
    season = factories.season_at(
        "qualified", slug="hk-zh", city="Hong Kong", city_zh="香港", venue="AsiaWorld-Expo",
        venue_zh="亚洲国际博览馆", rings="Ring 1,Ring 2", rings_zh="一号擂台,二号擂台",
        rings_zh_hant="一號擂台,二號擂台", name_zh="第二季 · 香港")
    team = season.entries.first().team
    services.team_update(team=team, name_zh_hant="自訂繁體隊名", actor=system_actor())
    services.reward_set(season=season, place=2, description="Silver", description_zh="银奖杯",
                        description_zh_hant="銀盃", value=1, currency="HKD", actor=system_actor())
    doc = season_document(season)
    assert doc["season"]["venue_zh_hant"] == "亞洲國際博覽館"
    assert {t["slug"]: t["name_zh_hant"] for t in doc["teams"]}[team.slug] == "自訂繁體隊名"
    assert [r for r in doc["season"]["rewards"] if r["place"] == 2][0]["description_zh_hant"] == "銀盃"
    delete_season(season)
    Team.objects.all().delete()

    again = export_season(import_season(copy.deepcopy(doc), actor=system_actor()))
    assert again == dumps(doc)
    assert Team.objects.get(slug=team.slug).name_zh_hant == "自訂繁體隊名"


def test_finished_file_without_the_chinese_texts_still_imports(finished_doc):
    season = import_season(_old_format(finished_doc), actor=system_actor())
    for team in Team.objects.all():
        assert team.name_zh_hant == to_hant(team.name_zh)
    assert season.name_zh_hant == to_hant(season.name_zh)
    assert (season.city_zh, season.venue_zh, season.rings_zh) == ("", "", "")
    assert all(r.description_zh == "" for r in season.rewards.all())
    assert all(p.reward_description_zh == "" for p in season.placings.all())
    # exported again, it is today's format: the same file with the keys the league now has
    doc = season_document(Season.objects.get())
    assert doc["season"]["city_zh"] == "" and all("name_zh_hant" in t for t in doc["teams"])


def test_old_file_naming_a_known_team_keeps_its_edited_traditional_name(finished_doc):
    row = finished_doc["teams"][0]
    team = services.team_create(actor=system_actor(), slug=row["slug"], name_en=row["name_en"],
                                name_zh=row["name_zh"], name_zh_hant="聯盟自訂",
                                organization=row["organization"],
                                registration_number=row["registration_number"], kind=row["kind"],
                                country=row["country"])
    import_season(_old_format(finished_doc), actor=system_actor())
    team.refresh_from_db()
    assert team.name_zh_hant == "聯盟自訂"


def test_file_with_a_different_traditional_name_for_a_known_team_is_refused(finished_doc):
    from league.exchange import ImportRefused

    row = finished_doc["teams"][0]
    services.team_create(actor=system_actor(), slug=row["slug"], name_en=row["name_en"],
                         name_zh=row["name_zh"], name_zh_hant="聯盟自訂",
                         organization=row["organization"],
                         registration_number=row["registration_number"], kind=row["kind"],
                         country=row["country"])
    doc = copy.deepcopy(finished_doc)
    doc["teams"][0]["name_zh_hant"] = "檔案另名"
    with pytest.raises(ImportRefused) as info:
        import_season(doc, actor=system_actor())
    assert info.value.path == "teams[0].name_zh_hant" and info.value.rule == "R2"
