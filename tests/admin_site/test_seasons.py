"""Seasons in the admin: created through services.season_create with the default rewards (R15),
settings locked once the services used them, rewards edited and audited."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from league.models import AuditEvent, ClockSettings, Reward, Season
from tests import factories

from .helpers import season_at

pytestmark = pytest.mark.django_db

SEASON_FORM = {
    "name": "Season 1 · Shenzhen", "name_zh": "第一赛季", "slug": "shenzhen-2026", "city": "Shenzhen",
    "venue": "Shenzhen Bay Sports Center", "time_zone": "Asia/Shanghai", "starts_on": "2026-03-06",
    "day_start": "14:00", "rings": "Ring 1, Ring 2", "best_of": "3", "round_minutes": "5",
    "slot_minutes": "40", "min_rest_minutes": "720", "third_place_match": "on",
    "protest_window_minutes": "30",
}


def rewards_formset(season=None, **changes):
    rewards = list(season.rewards.order_by("place")) if season else []
    data = {"rewards-TOTAL_FORMS": len(rewards), "rewards-INITIAL_FORMS": len(rewards),
            "rewards-MIN_NUM_FORMS": 0, "rewards-MAX_NUM_FORMS": 5,
            "clock_settings-TOTAL_FORMS": 0, "clock_settings-INITIAL_FORMS": 0}
    for i, r in enumerate(rewards):
        data.update({f"rewards-{i}-id": r.pk, f"rewards-{i}-season": season.pk,
                     f"rewards-{i}-description": r.description,
                     f"rewards-{i}-description_zh": r.description_zh,
                     f"rewards-{i}-description_zh_hant": r.description_zh_hant,
                     f"rewards-{i}-value": str(r.value),
                     f"rewards-{i}-currency": r.currency})
    data.update(changes)
    return data


def test_r15_adding_a_season_creates_the_default_rewards_through_the_service(org, organizer):
    page = org.get(reverse("admin:league_season_add")).content.decode()
    assert "<li><strong>Champion</strong>: Pure-gold championship belt (CNY 10,000,000)</li>" in page
    response = org.post(reverse("admin:league_season_add"), SEASON_FORM)
    season = Season.objects.get(slug="shenzhen-2026")
    assert response.status_code == 302
    assert response.url == reverse("admin:league_season_change", args=[season.pk])
    assert season.phase == Season.Phase.REGISTRATION and season.rings == "Ring 1,Ring 2"
    champion = season.rewards.get(place=Reward.Place.CHAMPION)
    assert (champion.description, champion.value, champion.currency) == (
        "Pure-gold championship belt", Decimal("10000000"), "CNY")
    assert season.rewards.count() == 5
    assert AuditEvent.objects.get(action="season_created", object_id=season.pk).actor == organizer


@pytest.mark.parametrize("field, value, error", [
    ("time_zone", "Mars/Olympus", "Mars/Olympus is not a known time zone."),
    ("rings", "Ring 1, ring 1", "Each ring needs its own name."),
    ("rings", " , ", "Name at least one ring."),
    ("best_of", "2", "Select a valid choice"),
])
def test_bad_settings_are_form_errors(org, field, value, error):
    response = org.post(reverse("admin:league_season_add"), {**SEASON_FORM, field: value})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Season.objects.exists()


def test_changing_settings_and_rewards_is_audited(org, organizer):
    season = factories.SeasonFactory()
    data = {**SEASON_FORM, "slug": season.slug, "venue": "Hong Kong Coliseum",
            **rewards_formset(season, **{"rewards-0-value": "12000000"})}
    response = org.post(reverse("admin:league_season_change", args=[season.pk]), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    season.refresh_from_db()
    assert season.venue == "Hong Kong Coliseum"
    assert season.rewards.get(place=1).value == Decimal("12000000")
    settings_event = AuditEvent.objects.get(action="season_settings_changed", object_id=season.pk)
    assert settings_event.actor == organizer
    assert settings_event.data["venue"] == ["Shenzhen Bay Sports Center", "Hong Kong Coliseum"]
    reward_event = AuditEvent.objects.get(action="reward_set")
    assert (reward_event.from_state, reward_event.to_state) == ("CNY 10,000,000", "CNY 12,000,000")


def test_r16_a_missing_reward_can_be_added_again_and_the_currency_is_checked(org):
    season = factories.SeasonFactory()
    season.rewards.filter(place=Reward.Place.QUARTERFINALIST).delete()
    data = {**SEASON_FORM, "slug": season.slug, **rewards_formset(season)}
    data.update({"rewards-TOTAL_FORMS": 5, "rewards-4-season": season.pk, "rewards-4-place": "5",
                 "rewards-4-description": "Quarterfinalist medal", "rewards-4-value": "50000",
                 "rewards-4-currency": "rm1"})
    url = reverse("admin:league_season_change", args=[season.pk])
    response = org.post(url, data)
    assert response.status_code == 200 and "three-letter ISO code" in response.content.decode()
    data["rewards-4-currency"] = "hkd"
    assert org.post(url, data).status_code == 302
    reward = season.rewards.get(place=Reward.Place.QUARTERFINALIST)
    assert (reward.description, reward.currency) == ("Quarterfinalist medal", "HKD")


def test_the_place_of_an_existing_reward_stays(org):
    season = factories.SeasonFactory()
    data = {**SEASON_FORM, "slug": season.slug, **rewards_formset(season, **{"rewards-0-place": "2"})}
    assert org.post(reverse("admin:league_season_change", args=[season.pk]), data).status_code == 302
    assert season.rewards.get(description="Pure-gold championship belt").place == Reward.Place.CHAMPION


def test_r8_r11_settings_the_schedule_used_are_locked_in_the_group_stage(org):
    season = season_at(org, "group_stage")
    page = org.get(reverse("admin:league_season_change", args=[season.pk]))
    readonly = set(page.context["adminform"].readonly_fields)
    assert {"time_zone", "starts_on", "best_of", "round_minutes", "phase", "draw_seed"} <= readonly
    assert "venue" not in readonly and "rings" not in readonly
    data = {**SEASON_FORM, "slug": season.slug, "best_of": "5", **rewards_formset(season)}
    org.post(reverse("admin:league_season_change", args=[season.pk]), data)
    season.refresh_from_db()
    assert season.best_of == 3


def test_phase_is_never_edited_in_the_form(org):
    season = factories.SeasonFactory()
    data = {**SEASON_FORM, "slug": season.slug, "phase": "finished", **rewards_formset(season)}
    org.post(reverse("admin:league_season_change", args=[season.pk]), data)
    season.refresh_from_db()
    assert season.phase == Season.Phase.REGISTRATION


def test_r16_rewards_are_read_only_once_the_season_is_finished(org):
    season = season_at(org, "finished")
    page = org.get(reverse("admin:league_season_change", args=[season.pk]))
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert set(inline.formset.form.base_fields) == set()  # every reward field shown read-only


def test_a_season_can_be_deleted_only_while_in_registration(org):
    fresh = factories.SeasonFactory()
    drawn = factories.season_at("drawn")
    assert org.get(reverse("admin:league_season_delete", args=[fresh.pk])).status_code == 200
    assert org.get(reverse("admin:league_season_delete", args=[drawn.pk])).status_code == 403


def test_the_season_page_shows_the_lifecycle_and_the_next_actions(org):
    season = factories.season_at("qualified")
    page = org.get(reverse("admin:league_season_change", args=[season.pk])).content.decode()
    assert 'aria-current="step"' in page
    assert "Qualified (R1)" in page and "16/16" in page
    assert reverse("admin:league_season_phase", args=[season.pk, "run-draw"]) in page
    assert "Schedule (iCalendar)" in page


def test_season_changelist_shows_phase_and_qualified_count(org, django_assert_num_queries):
    factories.SeasonFactory()
    with django_assert_num_queries(9) as one:
        org.get(reverse("admin:league_season_changelist"))
    factories.season_at("qualified")
    factories.SeasonFactory()
    with django_assert_num_queries(9) as three:
        page = org.get(reverse("admin:league_season_changelist"))
    assert len(one.captured_queries) == len(three.captured_queries)
    assert "16/16" in page.content.decode() and "Run the draw" in page.content.decode()


def test_r17_countdown_lengths_are_set_in_the_season_page_through_the_service(org, organizer):
    season = factories.SeasonFactory()
    url = reverse("admin:league_season_change", args=[season.pk])
    page = org.get(url).content.decode()
    assert 'name="clock_settings-0-recovery_seconds" value="10"' in page  # the defaults shown
    clock = {"clock_settings-TOTAL_FORMS": 1, "clock_settings-0-season": season.pk,
             "clock_settings-0-timeout_seconds": 90, "clock_settings-0-reset_seconds": 60,
             "clock_settings-0-repair_seconds": 300, "clock_settings-0-recovery_seconds": 99}
    data = {**SEASON_FORM, "slug": season.slug, **rewards_formset(season), **clock}
    response = org.post(url, data)
    assert response.status_code == 200 and not ClockSettings.objects.exists()  # 99 s: refused
    assert "out of range" in response.content.decode()
    data["clock_settings-0-recovery_seconds"] = 8
    assert org.post(url, data).status_code == 302
    row = ClockSettings.objects.get(season=season)
    assert (row.timeout_seconds, row.recovery_seconds) == (90, 8)
    event = AuditEvent.objects.get(action="clock_settings_changed")
    assert event.actor == organizer and event.data["after"]["timeout_seconds"] == 90
