"""The team keeps its roster (R2: 3-10, locked when auditions close) and its two robots (R3:
one primary and one backup, a serial to one team in a season, before the draw) through the
services the admin uses; bad input is refused whole, with a sentence, never a 500."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league.errors import RuleViolation
from league.models import Robot, TeamManager, TeamMember
from league.services import entries as entry_services
from league.services import teamsite
from league.services.common import system_actor
from tests import factories

from .conftest import PDF, png_bytes, team_account, upload

pytestmark = pytest.mark.django_db

ROSTER = [("Li Wei", "operator"), ("Chan Mei", "substitute_operator"), ("Ada Ng", "technical_staff"),
          ("Bo Lam", "coach")]


def test_r2_roster_of_three_to_ten_is_saved_and_replaced(applied, ana):
    teamsite.roster_set(entry=applied, members=ROSTER, actor=ana)
    assert applied.members.count() == 4
    keep = applied.members.get(name="Li Wei").pk
    teamsite.roster_set(entry=applied, members=ROSTER[:2] + [("New Person", "coach")], actor=ana)
    assert sorted(applied.members.values_list("name", flat=True)) == ["Chan Mei", "Li Wei", "New Person"]
    assert applied.members.get(name="Li Wei").pk == keep


@pytest.mark.parametrize("size", [2, 11])
def test_r2_roster_of_2_or_11_is_refused_and_nothing_changes(applied, ana, size):
    teamsite.roster_set(entry=applied, members=ROSTER, actor=ana)
    members = [(f"Member {i}", "technical_staff") for i in range(size)]
    with pytest.raises(RuleViolation, match=f"R2: A team has 3-10 members; this roster has {size}"):
        teamsite.roster_set(entry=applied, members=members, actor=ana)
    assert sorted(applied.members.values_list("name", flat=True)) == sorted(n for n, _ in ROSTER)


def test_r2_a_name_listed_twice_is_refused(applied, ana):
    with pytest.raises(RuleViolation, match="R2"):
        teamsite.roster_set(entry=applied, members=ROSTER[:3] + [("li wei", "coach")], actor=ana)
    assert not applied.members.exists()


def test_r2_roster_is_locked_once_auditions_close(db):
    season = factories.season_at("qualified", applicants=16)
    entry = season.entries.select_related("team").first()
    user = team_account("m@x.example")
    TeamManager.objects.create(user=user, team=entry.team)
    before = list(entry.members.values_list("name", flat=True))
    with pytest.raises(RuleViolation, match="R2: The roster is locked"):
        teamsite.roster_set(entry=entry, members=ROSTER, actor=user)
    assert list(entry.members.values_list("name", flat=True)) == before


def test_r3_robots_with_firmware_and_photo(applied, ana, private_media):
    robot = entry_services.robot_register(
        entry=applied, role="primary", serial="T800-A1", name="Rookie", firmware_version="2.4.1",
        photo=upload("me.png", png_bytes((3000, 1500)), "image/png"), actor=ana)
    assert robot.model == Robot.DEFAULT_MODEL and robot.firmware_version == "2.4.1"
    from PIL import Image

    with Image.open(private_media / robot.photo.name) as image:  # re-encoded and scaled down
        assert image.format == "JPEG" and max(image.size) == 1600


def test_r3_a_serial_used_by_another_team_in_the_season_is_refused(applied, ana, open_season):
    other = factories.apply_team(open_season, factories.TeamFactory(), 7)
    serial = other.robots.get(role="primary").serial
    with pytest.raises(RuleViolation, match="R3: Serial .* is already registered"):
        entry_services.robot_register(entry=applied, role="primary", serial=serial, name="Copy",
                                      actor=ana)
    assert not applied.robots.exists()


def test_r3_a_photo_that_is_not_an_image_saves_no_robot_and_no_file(applied, ana, private_media):
    with pytest.raises(RuleViolation, match="JPEG or PNG"):
        entry_services.robot_register(entry=applied, role="primary", serial="T800-X", name="X",
                                      photo=upload("robot.png", PDF, "image/png"), actor=ana)
    assert not applied.robots.exists()
    assert not list(private_media.rglob("robots/*"))


def test_r3_a_refused_robot_leaves_no_photo_behind(applied, ana, private_media, open_season):
    other = factories.apply_team(open_season, factories.TeamFactory(), 8)
    with pytest.raises(RuleViolation, match="R3"):
        entry_services.robot_register(entry=applied, role="primary",
                                      serial=other.robots.first().serial, name="X",
                                      photo=upload("r.png", png_bytes(), "image/png"), actor=ana)
    assert not list(private_media.rglob("robots/*"))


def test_r3_robots_are_fixed_after_the_draw(db):
    season = factories.season_at("drawn")
    entry = season.entries.filter(status="qualified").select_related("team").first()
    user = team_account("m2@x.example")
    TeamManager.objects.create(user=user, team=entry.team)
    with pytest.raises(RuleViolation, match="R3"):
        entry_services.robot_remove(robot=entry.robots.first(), actor=user)
    assert entry.robots.count() == 2


# --- through the page -----------------------------------------------------------------------

def roster_post(rows):
    data = {"members-TOTAL_FORMS": len(rows), "members-INITIAL_FORMS": 0}
    for i, (name, role) in enumerate(rows):
        data[f"members-{i}-name"], data[f"members-{i}-role"] = name, role
    return data


@pytest.mark.parametrize("size", [2, 11])
def test_r2_roster_page_refuses_2_or_11_with_a_sentence(client, applied, ana, size):
    client.force_login(ana)
    url = reverse("teamsite:roster", args=[applied.team.slug, applied.pk])
    response = client.post(url, roster_post([(f"M{i}", "coach") for i in range(size)]))
    assert response.status_code == 400
    assert f"this roster has {size}" in response.text
    assert not TeamMember.objects.filter(entry=applied).exists()


def test_r2_roster_page_saves_a_roster_in_chinese_too(client, applied, ana):
    client.force_login(ana)
    url = reverse("teamsite:roster", args=[applied.team.slug, applied.pk])
    response = client.post(url, roster_post(ROSTER), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 302
    assert applied.members.count() == 4


def test_r3_robot_page_refuses_another_teams_serial_and_keeps_the_form(client, applied, ana, open_season):
    other = factories.apply_team(open_season, factories.TeamFactory(), 9)
    client.force_login(ana)
    url = reverse("teamsite:robot_add", args=[applied.team.slug, applied.pk])
    serial = other.robots.get(role="backup").serial
    response = client.post(url, {"role": "primary", "primary-name": "Rookie", "primary-serial": serial,
                                 "primary-model": "EngineAI T800", "primary-firmware_version": "1.0"})
    assert response.status_code == 400
    assert "already registered" in response.text and 'value="Rookie"' in response.text
    assert not applied.robots.exists()


def test_r3_robot_page_registers_both_robots_with_a_photo(client, applied, ana):
    client.force_login(ana)
    url = reverse("teamsite:robot_add", args=[applied.team.slug, applied.pk])
    for role, serial in (("primary", "RK-1"), ("backup", "RK-2")):
        response = client.post(url, {"role": role, f"{role}-name": f"Rookie {role}",
                                     f"{role}-serial": serial, f"{role}-model": "EngineAI T800",
                                     f"{role}-photo": upload("p.png", png_bytes(), "image/png")})
        assert response.status_code == 302, response.content
    robot = applied.robots.get(role="backup")
    photo = client.get(reverse("teamsite:robot_photo", args=[robot.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff" and "private" in photo["Cache-Control"]


def test_the_admin_services_still_work_for_the_organizer(applied, organizer):
    entry_services.member_add(entry=applied, name="Org Added", role="coach", actor=organizer)
    entry_services.robot_register(entry=applied, role="primary", serial="ORG-1", name="O",
                                  actor=system_actor())
    assert applied.members.count() == 1 and applied.robots.count() == 1
