"""Applications and auditions in the admin: filters, bulk actions through the services, the
qualified count (R1), rosters (R2) and robots (R3) on the entry's page."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league import services
from league.models import AuditEvent, Entry, Robot, Season, TeamMember
from league.services.common import system_actor
from tests import factories

from .helpers import auditions_season, messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:league_entry_changelist"
QUERIES = 11  # session, user, permissions, counts, the page, the filters: whatever the entries


def act(client, action, entries, **extra):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [e.pk for e in entries],
                                             **extra}, follow=True)


def entry_page(entry):
    return reverse("admin:league_entry_change", args=[entry.pk])


# --- the list ------------------------------------------------------------------------------------

def test_filters_by_status_country_and_kind(org):
    season = auditions_season(applicants=8, passed=3, qualify=0)
    page = org.get(reverse(CHANGELIST), {"season__id__exact": season.pk})
    filters = [str(spec.title) for spec in page.context["cl"].filter_specs if spec.has_output()]
    assert filters[-3:] == ["status", "country", "kind"]  # and "season" once there are two
    assert len(page.context["cl"].result_list) == 8

    passed = org.get(reverse(CHANGELIST), {"status__exact": "audition_passed"}).context["cl"].result_list
    assert len(passed) == 3
    hk = org.get(reverse(CHANGELIST), {"team__country": "HK"}).context["cl"].result_list
    assert {e.team.country for e in hk} == {"HK"} and len(hk) == 2
    companies = org.get(reverse(CHANGELIST), {"team__kind__exact": "company"}).context["cl"].result_list
    assert {e.team.kind for e in companies} == {"company"} and len(companies) == 3


def test_r1_the_list_shows_the_qualified_count(org):
    season = auditions_season(applicants=5, passed=5, qualify=4)
    page = org.get(reverse(CHANGELIST), {"season__id__exact": season.pk}).content.decode()
    assert "4/16" in page
    assert 'value="qualify"' in page and 'value="reject_auditions"' in page


def test_changelist_queries_do_not_grow_with_the_entries(org, django_assert_num_queries):
    auditions_season(applicants=4, passed=0, qualify=0)
    with django_assert_num_queries(QUERIES) as small:
        assert org.get(reverse(CHANGELIST)).status_code == 200
    auditions_season(applicants=20, passed=8, qualify=4)
    with django_assert_num_queries(QUERIES) as big:
        page = org.get(reverse(CHANGELIST))
    assert page.context["cl"].result_count == 24
    assert len(small.captured_queries) == len(big.captured_queries)


# --- bulk actions --------------------------------------------------------------------------------

def test_approve_auditions_goes_through_the_service(org, organizer):
    season = auditions_season(applicants=3, passed=0, qualify=0)
    entries = list(season.entries.all())
    response = act(org, "approve_auditions", entries)
    assert "Auditions passed (3)" in " ".join(messages_of(response))
    assert set(season.entries.values_list("status", flat=True)) == {Entry.Status.AUDITION_PASSED}
    assert AuditEvent.objects.filter(action="entry_audition_passed", actor=organizer).count() == 3


def test_approve_refused_outside_the_auditions_names_why(org):
    season = factories.SeasonFactory()
    entry = factories.apply_team(season, factories.catalogue_team(0), 0)
    response = act(org, "approve_auditions", [entry])
    assert response.status_code == 200
    assert any("Recording an audition is possible only in the phase Auditions" in m
               for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.APPLIED


def test_reject_asks_the_reason_on_an_intermediate_page(org):
    season = auditions_season(applicants=2, passed=0, qualify=0)
    entries = list(season.entries.all())
    ask = org.post(reverse(CHANGELIST), {"action": "reject_auditions",
                                         "_selected_action": [e.pk for e in entries]})
    assert ask.status_code == 200
    assert "Reject the auditions" in ask.content.decode() and 'name="reason"' in ask.content.decode()
    assert set(season.entries.values_list("status", flat=True)) == {Entry.Status.APPLIED}

    done = act(org, "reject_auditions", entries, apply="1", reason="Fell in the balance test")
    assert "Audition rejected" in " ".join(messages_of(done))
    assert set(season.entries.values_list("status_reason", flat=True)) == {"Fell in the balance test"}
    rejected = AuditEvent.objects.filter(action="entry_audition_rejected", reason="Fell in the balance test")
    assert rejected.count() == 2


def test_reject_without_a_reason_is_asked_again(org):
    season = auditions_season(applicants=1, passed=0, qualify=0)
    response = org.post(reverse(CHANGELIST), {"action": "reject_auditions", "apply": "1", "reason": "  ",
                                              "_selected_action": [season.entries.get().pk]})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert response.context["form"].errors["reason"]
    assert season.entries.get().status == Entry.Status.APPLIED


def test_reject_refused_for_a_qualified_team(org):
    season = auditions_season(applicants=1, passed=1, qualify=1)
    entry = season.entries.get()
    response = act(org, "reject_auditions", [entry], apply="1", reason="Changed our mind")
    assert any("An entry that is Qualified cannot become Audition rejected" in m
               for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.QUALIFIED


def test_r1_qualify_shows_the_count(org):
    season = auditions_season(applicants=5, passed=5, qualify=0)
    response = act(org, "qualify", list(season.entries.all()))
    text = " ".join(messages_of(response))
    assert "Qualified (5)" in text and "5/16 teams qualified (R1)" in text


def test_r1_a_17th_team_is_refused_naming_r1(org):
    season = auditions_season(applicants=17, passed=17, qualify=16)
    seventeenth = season.entries.get(status=Entry.Status.AUDITION_PASSED)
    response = act(org, "qualify", [seventeenth])
    assert response.status_code == 200
    errors = [m for m in messages_of(response) if "R1:" in m]
    assert errors and errors[0].startswith(f"{seventeenth.team}: R1: Exactly 16 teams")
    assert "16/16 teams qualified (R1)" in " ".join(messages_of(response))
    seventeenth.refresh_from_db()
    assert seventeenth.status == Entry.Status.AUDITION_PASSED


def test_r2_qualify_refused_with_a_short_roster(org):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    services.member_add(entry=entry, name="Li Wei", role="operator", actor=system_actor())
    services.season_registration_close(season=season, actor=system_actor())
    services.entry_audition(entry=entry, passed=True, actor=system_actor())
    response = act(org, "qualify", [entry])
    assert any("R2: A team has 3-10 members" in m for m in messages_of(response))


def test_withdraw_with_a_reason(org):
    season = auditions_season(applicants=2, passed=2, qualify=1)
    entry = season.entries.get(status=Entry.Status.QUALIFIED)
    act(org, "withdraw", [entry], apply="1", reason="Robot damaged in transport")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN and entry.status_reason == "Robot damaged in transport"


def test_r1_withdraw_refused_after_the_draw(org):
    season = factories.season_at("drawn")
    entry = season.entries.filter(status=Entry.Status.QUALIFIED).first()
    response = act(org, "withdraw", [entry], apply="1", reason="Changed our mind")
    assert any("R1: The draw has run" in m for m in messages_of(response))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.QUALIFIED


# --- adding an application -----------------------------------------------------------------------

def test_adding_an_application_goes_through_entry_apply(org, organizer):
    season = factories.SeasonFactory()
    team = factories.catalogue_team(3)
    response = org.post(reverse("admin:league_entry_add"), {"season": season.pk, "team": team.pk})
    entry = Entry.objects.get(season=season, team=team)
    assert response.status_code == 302 and response.url == entry_page(entry)
    assert AuditEvent.objects.filter(action="entry_applied", object_id=entry.pk, actor=organizer).exists()


def test_r2_a_team_applies_once(org):
    season = factories.SeasonFactory()
    team = factories.catalogue_team(3)
    services.entry_apply(season=season, team=team, actor=system_actor())
    response = org.post(reverse("admin:league_entry_add"), {"season": season.pk, "team": team.pk})
    assert response.status_code == 200
    assert "R2:" in response.content.decode()
    assert Entry.objects.filter(season=season, team=team).count() == 1


# --- roster and robots inline --------------------------------------------------------------------

def inline_data(entry, *, members=(), robots=(), delete_members=()):
    """The POST of the entry's change form: existing rows as shown, plus the new ones."""
    data = {}
    existing = list(entry.members.order_by("role", "name"))
    rows = [{"id": m.pk, "entry": entry.pk, "name": m.name, "role": m.role,
             **({"DELETE": "on"} if m.name in delete_members else {})} for m in existing]
    rows += [{"entry": entry.pk, "name": n, "role": r} for n, r in members]
    data.update({"members-TOTAL_FORMS": len(rows), "members-INITIAL_FORMS": len(existing),
                 "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 10})
    for i, row in enumerate(rows):
        data.update({f"members-{i}-{k}": v for k, v in row.items()})
    existing_robots = list(entry.robots.order_by("role"))
    rrows = [{"id": r.pk, "entry": entry.pk} for r in existing_robots]
    rrows += [{"entry": entry.pk, "role": role, "model": "EngineAI T800", "serial": serial, "name": name}
              for role, serial, name in robots]
    data.update({"robots-TOTAL_FORMS": len(rrows), "robots-INITIAL_FORMS": len(existing_robots),
                 "robots-MIN_NUM_FORMS": 0, "robots-MAX_NUM_FORMS": 2})
    for i, row in enumerate(rrows):
        data.update({f"robots-{i}-{k}": v for k, v in row.items()})
    for prefix in ("failure_reports", "replacement"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 0})
    return data


def test_r3_robots_are_registered_through_the_service(org, organizer):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    data = inline_data(entry, members=[("Li Wei", "operator"), ("Chen Jing", "coach"), ("Mei Lin", "coach")],
                       robots=[("primary", "T800-A1", "Thunder"), ("backup", "T800-A2", "Thunder II")])
    response = org.post(entry_page(entry), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    robots = sorted(entry.robots.values_list("role", "serial"))
    assert robots == [("backup", "T800-A2"), ("primary", "T800-A1")]
    assert entry.members.count() == 3
    assert AuditEvent.objects.filter(action="robot_registered", actor=organizer).count() == 2
    assert AuditEvent.objects.filter(action="member_added", actor=organizer).count() == 3


def test_r3_a_serial_of_another_team_is_refused_on_its_row(org):
    season = factories.SeasonFactory()
    other = factories.apply_team(season, factories.catalogue_team(1), 1)
    taken = other.robots.get(role="primary").serial
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    response = org.post(entry_page(entry), inline_data(entry, robots=[("primary", taken, "Copycat")]))
    assert response.status_code == 200
    assert f"R3: Serial {taken} is already registered to {other.team}" in response.content.decode()
    assert not entry.robots.exists()


def test_r3_a_second_primary_is_refused(org):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    services.robot_register(entry=entry, role="primary", serial="T800-X1", name="One", actor=system_actor())
    response = org.post(entry_page(entry), inline_data(entry, robots=[("primary", "T800-X2", "Two")]))
    assert response.status_code == 200
    assert "R3:" in response.content.decode()
    assert entry.robots.count() == 1


def test_r3_no_robot_after_the_draw(org):
    season = factories.season_at("drawn")
    entry = season.entries.filter(status=Entry.Status.QUALIFIED).first()
    page = org.get(entry_page(entry))
    robots_inline = [f for f in page.context["inline_admin_formsets"] if f.opts.model is Robot][0]
    assert not robots_inline.has_add_permission
    robots = entry.robots.count()
    org.post(entry_page(entry), inline_data(entry, robots=[("primary", "T800-LATE", "Late")]))
    assert entry.robots.count() == robots


def test_r2_removing_a_member_goes_through_the_service_and_the_11th_is_refused(org, organizer):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    for i in range(10):
        services.member_add(entry=entry, name=f"Member {i}", role="technical_staff", actor=system_actor())
    response = org.post(entry_page(entry), inline_data(entry, members=[("Eleventh", "coach")]))
    assert response.status_code == 200 and "R2: A team has at most 10 members." in response.content.decode()
    assert entry.members.count() == 10
    # One out and one in, in the same save: allowed, the removal first.
    response = org.post(entry_page(entry), inline_data(entry, members=[("Eleventh", "coach")],
                                                         delete_members=["Member 3"]))
    assert response.status_code == 302
    expected = {f"Member {i}" for i in range(10) if i != 3} | {"Eleventh"}
    assert set(entry.members.values_list("name", flat=True)) == expected
    assert AuditEvent.objects.filter(action="member_removed", actor=organizer).count() == 1


def test_r2_the_roster_is_locked_for_the_main_event(org):
    season = factories.season_at("qualified")
    entry = season.entries.filter(status=Entry.Status.QUALIFIED).first()
    members = set(entry.members.values_list("name", flat=True))
    page = org.get(entry_page(entry))
    inline = [f for f in page.context["inline_admin_formsets"] if f.opts.model is TeamMember][0]
    assert not inline.has_add_permission and not inline.has_delete_permission
    org.post(entry_page(entry), inline_data(entry, members=[("Late Joiner", "coach")]))
    assert set(entry.members.values_list("name", flat=True)) == members


def test_existing_members_cannot_be_edited_in_place(org):
    season = factories.SeasonFactory()
    entry = services.entry_apply(season=season, team=factories.catalogue_team(0), actor=system_actor())
    member = services.member_add(entry=entry, name="Li Wei", role="operator", actor=system_actor())
    data = inline_data(entry)
    data["members-0-name"] = "Somebody Else"
    assert org.post(entry_page(entry), data).status_code == 302
    member.refresh_from_db()
    assert member.name == "Li Wei"


def test_entries_are_never_deleted_in_the_admin(org):
    season = auditions_season(applicants=1, passed=0, qualify=0)
    entry = season.entries.get()
    assert org.get(reverse("admin:league_entry_delete", args=[entry.pk])).status_code == 403


def test_the_entry_page_shows_its_history(org, organizer):
    season = auditions_season(applicants=1, passed=1, qualify=1)
    entry = season.entries.get()
    page = org.get(entry_page(entry)).content.decode()
    assert "Audit trail" in page
    assert "<td>Qualified</td>" in page and "Robot registered" in page and "Team member added" in page
    history = org.get(reverse("admin:league_entry_history", args=[entry.pk])).content.decode()
    assert "<td>Audition passed</td>" in history
    assert Season.objects.filter(pk=season.pk).exists()


# --- the audition score (a seeding source, R10) --------------------------------------------------

def test_r10_the_organizer_types_an_audition_score_through_the_service(org, organizer):
    season = auditions_season(applicants=3, passed=3, qualify=0)
    entry = season.entries.first()
    response = org.post(entry_page(entry), {**inline_data(entry), "audition_score": 87})
    assert response.status_code == 302, response.context and response.context["errors"]
    entry.refresh_from_db()
    assert entry.audition_score == 87
    assert AuditEvent.objects.filter(action="audition_scored", actor=organizer, to_state="87").exists()


def test_r10_an_audition_score_out_of_range_is_refused_on_its_field(org):
    season = auditions_season(applicants=3, passed=3, qualify=0)
    entry = season.entries.first()
    response = org.post(entry_page(entry), {**inline_data(entry), "audition_score": 101})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.audition_score is None
    assert not AuditEvent.objects.filter(action="audition_scored").exists()
