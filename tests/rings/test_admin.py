"""Ring control in the organizer's admin: queue, call next, delay, move; refusals as messages."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from league.models import AuditEvent, Match


@pytest.fixture
def control(group_season):
    return reverse("admin:league_match_ring_control", args=[group_season.pk])


@pytest.fixture
def org_client(client, organizer):
    client.force_login(organizer)
    return client


def first_on(season, ring="Ring 1"):
    return season.matches.filter(ring=ring).order_by("scheduled_at", "slot").first()


def test_ring_control_lists_the_queue_per_ring(org_client, group_season, control):
    html = org_client.get(control).content.decode()
    for ring in group_season.ring_list:
        assert f"Call next on {ring}" in html and f"Delay {ring}" in html
    assert first_on(group_season).slot in html and "On deck" in html
    index = org_client.get(reverse("admin:league_match_rings")).content.decode()
    assert control in index


def test_call_next_delay_and_move_through_the_page(org_client, group_season, control):
    first = first_on(group_season)
    response = org_client.post(control, {"action": "call", "ring": "Ring 1"}, follow=True)
    assert "The next match on Ring 1 is called." in response.content.decode()
    assert Match.objects.get(pk=first.pk).called_at is not None
    response = org_client.post(control, {"action": "delay", "ring": "Ring 1", "minutes": "15",
                                         "reason": "mat"}, follow=True)
    assert "Ring 1 is delayed by 15 minutes." in response.content.decode()
    # the rest of that day on Ring 1, after the match now called
    assert group_season.matches.filter(ring="Ring 1", delay_minutes=15).count() == \
        group_season.matches.filter(ring="Ring 1", day=1).count() - 1
    last = group_season.matches.filter(ring="Ring 2").order_by("-scheduled_at").first()
    when = (last.scheduled_at + dt.timedelta(hours=2)).astimezone(group_season.tz)
    response = org_client.post(control, {"action": "move", "slot": last.slot, "ring": "Ring 2",
                                         "when": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert f"{last.slot} is moved." in response.content.decode()
    assert Match.objects.get(pk=last.pk).scheduled_at == when
    assert AuditEvent.objects.filter(action__in=["match_called", "ring_delayed", "match_moved"],
                                     actor__username="organizer").count() == 3


@pytest.mark.parametrize("data, message", [
    ({"action": "delay", "ring": "Ring 1", "minutes": "-5"}, "at least one minute"),
    ({"action": "delay", "ring": "Ring 1", "minutes": str(10 * 365 * 24 * 60)}, "at most 720"),
    ({"action": "delay", "ring": "Ring 1", "minutes": "soon"}, "Nothing was changed"),
    ({"action": "delay", "ring": "Ring 1", "minutes": "5", "from_slot": "Z9"}, "no match Z9"),
    ({"action": "delay", "ring": "Ring 7", "minutes": "5"}, "R7: Ring 7 is not a ring"),
    ({"action": "move", "slot": "A1", "ring": "Ring 1", "when": "2020-01-01T10:00"}, "past"),
    ({"action": "move", "slot": "A1", "ring": "Ring 1", "when": "9999-12-31T23:59"}, "a year ahead"),
    ({"action": "move", "slot": "A1", "ring": "Ring 1", "when": "tomorrow"}, "Nothing was changed"),
    ({"action": "move", "slot": "A1", "ring": "Ring 9", "when": "2030-01-01T10:00"},
     "Nothing was changed"),
    ({"action": "call", "ring": ""}, "Nothing was changed"),
    ({"action": "explode"}, "Choose an action"),
])
def test_bad_input_is_a_sentence_and_nothing_saved(org_client, group_season, control, data, message):
    before = list(group_season.matches.values_list("scheduled_at", "delay_minutes", "ring",
                                                   "called_at"))
    response = org_client.post(control, data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = list(group_season.matches.values_list("scheduled_at", "delay_minutes", "ring",
                                                  "called_at"))
    assert after == before


def test_r7_move_into_a_clash_is_refused_on_the_page(org_client, group_season, control):
    first, second = group_season.matches.filter(ring="Ring 1").order_by("scheduled_at")[:2]
    when = first.scheduled_at.astimezone(group_season.tz).strftime("%Y-%m-%dT%H:%M")
    response = org_client.post(control, {"action": "move", "slot": second.slot, "ring": "Ring 1",
                                         "when": when}, follow=True)
    assert "R7: " in response.content.decode() and "would clash" in response.content.decode()


def test_only_organizers_reach_ring_control(client, head_referee, group_season, control):
    head_referee.is_staff = True
    head_referee.save()
    client.force_login(head_referee)
    assert client.get(control).status_code == 403
    assert client.post(control, {"action": "call", "ring": "Ring 1"}).status_code == 403


def test_match_list_shows_scheduled_and_estimated(org_client, group_season, django_assert_max_num_queries):
    org_client.post(reverse("admin:league_match_ring_control", args=[group_season.pk]),
                    {"action": "delay", "ring": "Ring 1", "minutes": "20"})
    url = reverse("admin:league_match_changelist") + f"?season__id__exact={group_season.pk}"
    html = org_client.get(url).content.decode()
    assert "estimated" in html and "+20′" in html
