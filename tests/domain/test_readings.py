"""The readings docs/rules.md writes down where the rulebook is open, one test per reading, and
the small hardening items of issue 11 that live in the domain."""
from __future__ import annotations

from decimal import Decimal

import pytest

from league import services
from league.errors import RuleViolation
from league.models import Entry, Match, Season, TeamMember
from league.money import money
from league.rules.tiebreak import MatchRecord, rank
from league.selectors import group_standings
from league.services.common import system_actor
from league.services.matches import RoundInput
from tests import factories


def test_r12_head_to_head_is_reapplied_from_the_top_to_every_subset_still_tied():
    """A, B, C beat each other in a circle and all beat D: head-to-head among the three does not
    separate them; round difference puts A first and leaves B and C level; head-to-head is then
    applied again to B and C alone (B beat C), before the KO wins that favour C."""
    games = [
        MatchRecord("A", "B", "A", red_rounds=2, blue_rounds=0),
        MatchRecord("B", "C", "B", red_rounds=2, blue_rounds=1),
        MatchRecord("C", "A", "C", red_rounds=2, blue_rounds=1),
        MatchRecord("A", "D", "A", red_rounds=2, blue_rounds=0),
        MatchRecord("B", "D", "B", red_rounds=2, blue_rounds=0),
        MatchRecord("C", "D", "C", red_rounds=2, blue_rounds=1, red_ko_rounds=2),
    ]
    table = rank("ABCD", games)
    assert [r.team for r in table] == ["A", "B", "C", "D"]
    assert [r.round_diff for r in table[:3]] == [3, 1, 1]
    assert table[0].separated_by == "round_difference"
    assert table[1].separated_by == "head_to_head"  # not ko_wins, where C leads
    assert table[2].ko_wins > table[1].ko_wins


def _first_group_match():
    """The first match of a drawn season's generated group schedule, and the system actor."""
    season = factories.season_at("drawn")
    system = system_actor()
    services.group_schedule_generate(season=season, actor=system)
    return season.matches.order_by("scheduled_at", "ring").first(), system


def _forfeited(match, *, winner: str, rounds: tuple[int, int]):
    """Check the forfeited match's result; its two rows of the group table (red, blue)."""
    match.refresh_from_db()
    assert (match.status, match.winner_id, match.red_rounds, match.blue_rounds) == (
        Match.Status.FORFEITED, getattr(match, f"{winner}_id"), *rounds)
    rows = {row.entry.pk: row for row in group_standings(group=match.group).rows}
    return rows[match.red_id], rows[match.blue_id]


@pytest.mark.django_db
def test_r8_forfeit_after_rounds_were_fought_keeps_those_rounds_in_the_standings(people):
    match, system = _first_group_match()
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="R-1",
                            blue_seal="B-1", actor=system)
    services.match_start(match=match, actor=system)
    services.round_record(match=match, number=1, actor=system, data=RoundInput(
        winner="red", method="ko", red_points=30, blue_points=10, blue_fouls=2))
    services.match_forfeit(match=match, corners=["red"], reason="Red cannot go on", actor=system)
    red, blue = _forfeited(match, winner="blue", rounds=(1, 2))
    assert (red.points, blue.points) == (0, 3)
    assert (red.rounds_won, red.rounds_lost, blue.rounds_won, blue.rounds_lost) == (1, 2, 2, 1)
    assert (red.ko_wins, red.points_for, red.points_against) == (1, 30, 10)
    assert (blue.points_for, blue.discipline) == (10, 2)


@pytest.mark.django_db
def test_r8_forfeit_before_any_round_counts_two_nil_with_no_round_points(people):
    match, system = _first_group_match()
    services.match_forfeit(match=match, corners=["blue"], reason="Blue did not come", actor=system)
    red, blue = _forfeited(match, winner="red", rounds=(2, 0))
    assert (red.points, blue.points) == (3, 0)
    assert (red.rounds_won, red.rounds_lost, blue.rounds_won, blue.rounds_lost) == (2, 0, 0, 2)
    assert (red.points_for, red.points_against, red.ko_wins, blue.discipline) == (0, 0, 0, 0)


# --- the rule checks that live once, as named predicates (issue 8) -----------------------------

def test_r2_roster_size_is_one_predicate():
    assert [TeamMember.roster_size_ok(n) for n in (0, 2, 3, 10, 11)] == [False, False, True, True, False]


@pytest.mark.django_db
def test_r1_withdrawal_is_open_until_the_draw_runs(people):
    before = factories.season_at("qualified")
    entry = before.entries.filter(status=Entry.Status.QUALIFIED).first()
    assert entry.in_running() and entry.may_withdraw()
    assert not Entry(season=before, status=Entry.Status.WITHDRAWN).may_withdraw()
    assert not Entry(season=before, status=Entry.Status.AUDITION_REJECTED).in_running()
    services.entry_withdraw(entry=entry, reason="Robot lost in transit", actor=system_actor())
    entry.refresh_from_db()
    assert not entry.in_running() and not entry.robots_open()
    after = factories.season_at("drawn")
    drawn = after.entries.filter(status=Entry.Status.QUALIFIED).first()
    assert after.draw_has_run() and not drawn.may_withdraw()
    with pytest.raises(RuleViolation, match="R1"):
        services.entry_withdraw(entry=drawn, reason="too late", actor=system_actor())


# --- issue 11, the small items ------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name_en", "name_zh", "organization"])
def test_r2_line_breaks_are_refused_in_team_names_naming_the_field(field):
    fields = dict(name_en="Line Team", name_zh="线队", organization="Line Org",
                  registration_number="REG-LINE", kind="university", country="CN")
    fields[field] = "Evil\r\nInjected"
    with pytest.raises(RuleViolation) as refused:
        services.team_create(slug="line-team", actor=system_actor(), **fields)
    label = {"name_en": "Name (English)", "name_zh": "Name (Chinese)", "organization": "Organization"}
    assert refused.value.text.startswith(label[field] + ":")
    assert "Line breaks are not allowed" in refused.value.text


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["city", "venue", "rings", "name"])
def test_line_breaks_are_refused_in_season_city_venue_and_rings(field):
    season = factories.SeasonFactory()
    with pytest.raises(RuleViolation) as refused:
        services.season_update(season=season, actor=system_actor(), **{field: "Ring 1\nRing 2"})
    assert "Line breaks are not allowed" in refused.value.text
    assert refused.value.text.split(":")[0].lower() == str(
        Season._meta.get_field(field).verbose_name).lower()


@pytest.mark.django_db
def test_a_constraint_shows_its_sentence_never_its_name():
    season = factories.SeasonFactory()
    with pytest.raises(RuleViolation) as refused:  # within the column's range: the constraint's sentence
        services.season_update(season=season, actor=system_actor(), min_rest_minutes=99999)
    assert "season_min_rest_sane" not in refused.value.text
    assert "at most 7 days" in refused.value.text
    with pytest.raises(RuleViolation) as refused:  # beyond it (PostgreSQL's integer): a sentence too
        services.season_update(season=season, actor=system_actor(), min_rest_minutes=99999999999)
    assert "season_min_rest_sane" not in refused.value.text
    assert "minimum rest between fights" in refused.value.text.lower()  # names the field


@pytest.mark.django_db
def test_r6_seals_that_differ_only_in_letter_case_are_the_same_seal(people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    match = season.matches.order_by("scheduled_at", "ring").first()
    with pytest.raises(RuleViolation, match="R6: The two corners cannot share a battery seal"):
        services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                                blue_robot=services.active_robot(match.blue), red_seal="bs-7",
                                blue_seal=" BS-7 ", actor=system_actor())
    services.match_check_in(match=match, red_robot=services.active_robot(match.red),
                            blue_robot=services.active_robot(match.blue), red_seal="bs-7",
                            blue_seal="bs-8", actor=system_actor())
    match.refresh_from_db()
    assert (match.red_seal, match.blue_seal) == ("BS-7", "BS-8")


def test_money_is_shown_with_the_iso_code_everywhere():
    from league.templatetags.league_public import money as public_money

    assert money(Decimal("10000000"), "CNY") == "CNY 10,000,000"
    assert public_money is money
    assert money(Decimal("1500.5"), "usd") == "USD 1,500.50"


@pytest.mark.django_db
def test_r7_a_service_without_an_actor_is_refused():
    season = factories.SeasonFactory()
    with pytest.raises(RuleViolation, match="R7"):
        services.season_registration_close(season=season, actor=None)
    with pytest.raises(TypeError):
        services.season_registration_close(season=season)  # actor is a required keyword


@pytest.mark.django_db
def test_the_system_actor_is_named_in_the_audit_trail():
    season = factories.SeasonFactory()
    event = season.audit_events.get(action="season_created")
    assert event.actor.username == "system" and not event.actor.is_active


@pytest.mark.django_db
def test_season_update_refuses_a_setting_locked_in_the_phase(people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    with pytest.raises(RuleViolation, match="no longer change"):
        services.season_update(season=season, actor=people["organizer"], best_of=5)
    services.season_update(season=season, actor=people["organizer"], name="Renamed")
    season.refresh_from_db()
    assert season.name == "Renamed" and "best_of" in season.locked_settings()


@pytest.mark.django_db
def test_r2_team_identity_is_the_slug(people):
    team = factories.TeamFactory(slug="iron-crane")
    with pytest.raises(RuleViolation, match="R2: The slug iron-crane is the team"):
        services.team_create(slug="iron-crane", name_en="Other", name_zh="另", organization="O",
                             registration_number="R", kind="company", country="CN",
                             actor=people["organizer"])
    season = factories.SeasonFactory()
    services.entry_apply(season=season, team=team, actor=people["organizer"])
    with pytest.raises(RuleViolation, match="R2: .* its slug is its identity"):
        services.team_update(team=team, slug="renamed", actor=people["organizer"])
    changed = services.team_update(team=team, name_en="Iron Crane II", actor=people["organizer"])
    assert changed.name_en == "Iron Crane II"


@pytest.mark.django_db
def test_r16_reward_set_is_refused_once_the_season_is_finished(people):
    season = factories.SeasonFactory()
    reward = services.reward_set(season=season, place=1, description="Gold belt",
                                 value=Decimal("12000000"), currency="cny", actor=people["organizer"])
    assert (reward.value, reward.currency) == (Decimal("12000000"), "CNY")
    Season.objects.filter(pk=season.pk).update(phase=Season.Phase.FINISHED)
    with pytest.raises(RuleViolation, match="R16"):
        services.reward_set(season=season, place=1, description="x", value=Decimal("1"),
                            currency="CNY", actor=people["organizer"])
