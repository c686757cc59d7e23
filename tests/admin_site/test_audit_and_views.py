"""The audit trail (read-only, filterable, per object), matches and their referees, the
failure reports and replacements (visible, never decided here), users, and the two languages."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from league import roles, services
from league.models import AuditEvent, Entry, FailureReport, Match, Robot
from league.services.common import system_actor
from tests import factories

from .helpers import auditions_season, group_stage_season, season_at

pytestmark = pytest.mark.django_db
AUDIT = "admin:league_auditevent_changelist"


# --- audit trail ---------------------------------------------------------------------------------

def test_audit_trail_is_read_only(org):
    season = auditions_season(applicants=1, passed=1, qualify=0)
    event = AuditEvent.objects.filter(season=season).first()
    assert org.get(reverse("admin:league_auditevent_add")).status_code == 403
    assert org.get(reverse("admin:league_auditevent_delete", args=[event.pk])).status_code == 403
    page = org.get(reverse("admin:league_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    org.post(reverse("admin:league_auditevent_change", args=[event.pk]), {"reason": "rewritten"})
    event.refresh_from_db()
    assert event.reason != "rewritten"


def test_audit_trail_filters_by_action_season_actor_type_and_date(org, organizer):
    one = auditions_season(applicants=2, passed=0, qualify=0)
    other = factories.SeasonFactory()
    services.entry_audition(entry=one.entries.first(), passed=False, reason="Too slow", actor=organizer)
    cl = org.get(reverse(AUDIT)).context["cl"]
    assert {str(s.title) for s in cl.filter_specs} >= {"what", "season", "who", "object type", "when"}

    def count(**params):
        return org.get(reverse(AUDIT), params).context["cl"].result_count

    assert count(action="entry_audition_rejected") == 1
    assert count(season__id__exact=other.pk) == 1  # its creation
    assert count(actor__id__exact=organizer.pk) == 1
    assert count(object_type="robot") == 4
    assert count(at__gte="2000-01-01 00:00:00+00:00") == AuditEvent.objects.count()
    assert count(at__gte="2999-01-01 00:00:00+00:00") == 0
    assert count(q="Too slow") == 1


def test_the_history_of_a_match_lists_its_events(org):
    season = season_at(org, "group_stage")
    match = season.matches.filter(status=Match.Status.FINISHED).first()
    page = org.get(reverse("admin:league_match_change", args=[match.pk])).content.decode()
    for action in ("Referees assigned", "Match checked in", "Round recorded", "Match finished"):
        assert action in page
    history = org.get(reverse("admin:league_match_history", args=[match.pk])).content.decode()
    assert "Match started" in history and "Edits made in the admin" in history
    filtered = org.get(reverse(AUDIT), {"object_type": "match", "object_id": match.pk}).context["cl"]
    assert {e.object_id for e in filtered.result_list} == {match.pk}


def test_the_season_history_links_to_its_whole_trail(org):
    season = factories.season_at("qualified")
    page = org.get(reverse("admin:league_season_change", args=[season.pk])).content.decode()
    assert "Season phase changed" in page
    assert f"?season__id__exact={season.pk}" in page


# --- matches and referees ------------------------------------------------------------------------

def match_form(**data):
    for prefix in ("rounds", "allowances"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 0})
    return data


def test_r7_referees_of_a_match_are_assigned_through_the_service(org, organizer, people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    org.force_login(organizer)
    match = season.matches.first()
    response = org.post(reverse("admin:league_match_change", args=[match.pk]),
                        match_form(referees=[people["ref2"].pk, people["head"].pk]))
    assert response.status_code == 302
    assert set(match.referees.values_list("username", flat=True)) == {"ref2", "head"}
    event = AuditEvent.objects.get(action="referees_assigned", object_id=match.pk)
    assert event.actor == organizer and event.to_state == "head,ref2"


def test_r7_only_referees_can_be_chosen(org, people):
    season = factories.season_at("drawn")
    services.group_schedule_generate(season=season, actor=system_actor())
    match = season.matches.first()
    response = org.post(reverse("admin:league_match_change", args=[match.pk]),
                        match_form(referees=[people["organizer"].pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not match.referees.exists()


def test_r7_a_finished_match_keeps_its_referees(org):
    season = season_at(org, "group_stage")
    match = season.matches.filter(status=Match.Status.FINISHED).first()
    page = org.get(reverse("admin:league_match_change", args=[match.pk]))
    assert "referees" in page.context["adminform"].readonly_fields
    assert org.get(reverse("admin:league_match_add")).status_code == 403
    assert org.get(reverse("admin:league_match_delete", args=[match.pk])).status_code == 403


def test_match_list_in_fixed_queries(org, django_assert_num_queries):
    group_stage_season(played=False)
    with django_assert_num_queries(14):  # 13 + the estimated starts, one query for every season
        page = org.get(reverse("admin:league_match_changelist"))
    assert page.context["cl"].result_count == 24
    group_stage_season(played=False)
    with django_assert_num_queries(14):  # 13 + the estimated starts, one query for every season
        page = org.get(reverse("admin:league_match_changelist"))
    assert page.context["cl"].result_count == 48


# --- failure reports and replacements ------------------------------------------------------------

def test_r4_failure_reports_and_replacements_are_visible_but_never_decided_here(org, people):
    season = season_at(org, "group_stage")
    match = season.matches.filter(status=Match.Status.SCHEDULED).first()
    referee = match.referees.first()
    primary = match.red.robots.get(role=Robot.Role.PRIMARY)
    report = services.failure_report_file(entry=match.red, robot=primary, description="Hip actuator burnt",
                                          irreversible=True, match=match, actor=referee)
    decider = people["head2"] if referee.username == "head" else people["head"]
    services.failure_report_decide(report=report, approve=True, note="Seen on video", actor=decider)

    listing = org.get(reverse("admin:league_failurereport_changelist")).content.decode()
    assert "Hip actuator" in listing or str(primary) in listing
    detail = org.get(reverse("admin:league_failurereport_change", args=[report.pk]))
    assert 'name="_save"' not in detail.content.decode()
    org.post(reverse("admin:league_failurereport_change", args=[report.pk]), {"status": "rejected"})
    report.refresh_from_db()
    assert report.status == FailureReport.Status.APPROVED
    replacements = org.get(reverse("admin:league_replacement_changelist"))
    assert replacements.context["cl"].result_count == 1
    entry_page = org.get(reverse("admin:league_entry_change", args=[match.red.pk])).content.decode()
    assert "Hip actuator burnt" in entry_page and "Robot replaced" in entry_page


# --- users ---------------------------------------------------------------------------------------

def test_an_organizer_cannot_make_a_superuser_or_hand_out_other_groups(org, people):
    referee = people["ref1"]
    Group.objects.create(name="site-owners")
    page = org.get(reverse("admin:auth_user_change", args=[referee.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    groups = {g.name for g in page.context["adminform"].form.fields["groups"].queryset}
    assert groups == set(roles.ALL)
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "x")
    assert 'name="_save"' not in org.get(reverse("admin:auth_user_change", args=[boss.pk])).content.decode()
    assert org.get(reverse("admin:auth_user_password_change", args=[boss.pk])).status_code == 403


# --- languages -----------------------------------------------------------------------------------

def test_the_admin_speaks_chinese(org):
    season = factories.SeasonFactory()
    page = org.get(reverse("admin:league_season_change", args=[season.pk]),
                   headers={"accept-language": "zh-hans"})
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert "保存" in html  # Django's own Chinese admin ("Save")
    assert 'name="language"' in html and "简体中文" in html and "繁體中文" in html


def test_entry_status_filter_keeps_working_in_chinese(org):
    auditions_season(applicants=2, passed=1, qualify=0)
    page = org.get(reverse("admin:league_entry_changelist"), {"status__exact": "audition_passed"},
                   headers={"accept-language": "zh-hant"})
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    assert Entry.objects.count() == 2


# --- teams ---------------------------------------------------------------------------------------

def test_team_identity_edits_are_audited(org, organizer):
    team = factories.catalogue_team(0)
    data = {"name_en": team.name_en, "name_zh": team.name_zh, "slug": team.slug,
            "organization": "SUSTech Robotics Institute", "registration_number": team.registration_number,
            "kind": team.kind, "country": team.country,
            "entries-TOTAL_FORMS": 0, "entries-INITIAL_FORMS": 0, "entries-MIN_NUM_FORMS": 0,
            "entries-MAX_NUM_FORMS": 0}
    assert org.post(reverse("admin:league_team_change", args=[team.pk]), data).status_code == 302
    event = AuditEvent.objects.get(action="team_changed", object_id=team.pk)
    assert event.actor == organizer
    assert event.data == {"organization": ["Southern University of Science and Technology",
                                           "SUSTech Robotics Institute"]}


def test_r2_a_team_that_entered_a_season_cannot_be_deleted(org):
    season = auditions_season(applicants=1, passed=0, qualify=0)
    team = season.entries.get().team
    fresh = factories.TeamFactory()
    assert org.get(reverse("admin:league_team_delete", args=[team.pk])).status_code == 403
    assert org.get(reverse("admin:league_team_delete", args=[fresh.pk])).status_code == 200
