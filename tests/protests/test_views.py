"""The protest pages (R18): the team's form under /my-team/protests/ and the referee panel's
queue and ruling page. Refusals are messages or 403/404, never a 500; nothing half-saved."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from league.models import Match, Protest

from .conftest import EXE, PNG, team_manager
from .test_services import file_protest, reversed_rounds, start_next_match

pytestmark = pytest.mark.django_db


def form_url(match):
    return reverse("protests:new", args=[match.pk])


def post_protest(client, match, **extra):
    data = {"statement": "Round 2 was stopped early.", "links": "https://video.example/qf1\n",
            **extra}
    return client.post(form_url(match), data)


def test_r18_signed_out_visitors_are_sent_to_sign_in(client, qf1):
    for url in (reverse("protests:mine"), form_url(qf1)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_r18_the_manager_sees_the_match_and_files_a_protest_with_a_file(client, qf1, red_manager):
    client.force_login(red_manager)
    page = client.get(reverse("protests:mine"))
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert form_url(qf1) in page.content.decode()
    response = post_protest(client, qf1, files=[SimpleUploadedFile("still.png", PNG, "image/png")])
    assert response.status_code == 302, response.content.decode()[:2000]
    protest = Protest.objects.get(match=qf1, entry=qf1.red)
    assert protest.evidence.count() == 2
    again = client.get(form_url(qf1))
    assert "a team protests a result once" in again.content.decode()


def test_r18_a_file_whose_content_is_not_allowed_is_a_message_not_a_500(client, qf1, red_manager):
    client.force_login(red_manager)
    response = post_protest(client, qf1, files=[SimpleUploadedFile("clip.mp4", EXE, "video/mp4")])
    assert response.status_code == 400
    assert "clip.mp4 is not an MP4 or MOV video" in response.content.decode()
    assert not Protest.objects.exists()


def test_r18_after_the_window_the_form_says_so(client, qf1, red_manager):
    Match.objects.filter(pk=qf1.pk).update(signed_off_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(red_manager)
    assert "window closed" in client.get(reverse("protests:mine")).content.decode()
    form_page = client.get(form_url(qf1)).content.decode()
    assert "window closed" in form_page and "File the protest" not in form_page
    response = post_protest(client, qf1)
    assert response.status_code == 400 and "The protest window of QF1 closed" in \
        response.content.decode()
    assert not Protest.objects.exists()


def test_r18_a_manager_of_another_team_gets_404_and_staff_403(client, qf1, season, organizer,
                                                              head_referee):
    """Staff (organizer, referees) hear why; a team account that manages neither team learns
    nothing."""
    other = team_manager(season.matches.get(slot="QF2").red.team, "qf2-manager")
    client.force_login(other)
    assert client.get(form_url(qf1)).status_code == 404
    assert post_protest(client, qf1).status_code == 404
    assert client.get(reverse("protests:new", args=[999999])).status_code == 404
    client.force_login(organizer)
    assert client.get(form_url(qf1)).status_code == 403
    assert client.get(reverse("protests:mine")).status_code == 403
    client.force_login(head_referee)  # a referee is staff of the league: never for a team
    assert client.get(form_url(qf1)).status_code == 403
    assert not Protest.objects.exists()


def test_r18_queue_and_ruling_are_for_the_referee_panel(client, qf1, red_manager, referee,
                                                        outside_head):
    protest = file_protest(qf1, red_manager)
    queue, ruling = reverse("referee_protests:queue"), reverse("referee_protests:ruling",
                                                               args=[protest.pk])
    client.force_login(red_manager)
    assert client.get(queue).status_code == 403
    client.force_login(referee)
    assert client.get(queue).status_code == 403 and client.get(ruling).status_code == 403
    client.force_login(outside_head)
    page = client.get(queue)
    assert page.status_code == 200 and ruling in page.content.decode()
    assert "Round 2 was stopped early" in client.get(ruling).content.decode()


def test_r18_a_rejection_is_confirmed_before_it_is_saved(client, qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    client.force_login(outside_head)
    url = reverse("referee_protests:rule", args=[protest.pk])
    data = {"decision": "reject", "reason": "The count was right.",
            "expected_version": qf1.version, "rounds-TOTAL_FORMS": "0",
            "rounds-INITIAL_FORMS": "0"}
    first = client.post(url, data)
    assert first.status_code == 200 and "Yes, reject the protest" in first.content.decode()
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED
    done = client.post(url, {**data, "confirmed": "1"})
    assert done.status_code == 302
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.REJECTED


def test_r18_a_reason_is_required_by_the_form(client, qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    client.force_login(outside_head)
    response = client.post(reverse("referee_protests:rule", args=[protest.pk]),
                           {"decision": "reject", "reason": "", "expected_version": qf1.version,
                            "confirmed": "1"})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()


def _rounds_post(rounds) -> dict:
    data = {"rounds-TOTAL_FORMS": str(len(rounds)), "rounds-INITIAL_FORMS": "0"}
    for i, r in enumerate(rounds):
        for field, value in r.__dict__.items():
            data[f"rounds-{i}-{field}"] = value
    return data


def test_r18_upheld_through_the_page_corrects_the_result(client, qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    loser = qf1.loser_id
    client.force_login(outside_head)
    data = {"decision": "uphold", "reason": "Stopped before the count.",
            "expected_version": qf1.version, "confirmed": "1",
            **_rounds_post(reversed_rounds(qf1))}
    response = client.post(reverse("referee_protests:rule", args=[protest.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    qf1.refresh_from_db()
    assert qf1.winner_id == loser
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.UPHELD


def test_r18_the_assigned_head_referee_is_refused_on_the_page(client, qf1, red_manager,
                                                              assigned_head):
    protest = file_protest(qf1, red_manager)
    client.force_login(assigned_head)
    page = client.get(reverse("referee_protests:ruling", args=[protest.pk]))
    assert "You refereed this match" in page.content.decode()
    response = client.post(reverse("referee_protests:rule", args=[protest.pk]), {
        "decision": "reject", "reason": "No.", "expected_version": qf1.version, "confirmed": "1"})
    assert response.status_code == 403 and "You refereed QF1" in response.content.decode()
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED


def test_r18_evidence_files_reach_the_panel_only(client, qf1, red_manager, outside_head):
    from django.core.files.base import ContentFile

    from league.services.protests import Upload

    protest = file_protest(qf1, red_manager, files=[
        Upload(name="still.png", file=ContentFile(PNG), size=len(PNG))])
    evidence = protest.evidence.get()
    url = reverse("referee_protests:evidence", args=[protest.pk, evidence.pk])
    client.force_login(red_manager)
    assert client.get(url).status_code == 403
    client.force_login(outside_head)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment")


def test_r18_upheld_and_refused_by_r14_on_the_page_keeps_the_protest_open(client, qf1,
                                                                         red_manager,
                                                                         outside_head):
    protest = file_protest(qf1, red_manager)
    start_next_match(qf1)
    client.force_login(outside_head)
    qf1.refresh_from_db()
    response = client.post(reverse("referee_protests:rule", args=[protest.pk]), {
        "decision": "uphold", "reason": "Stopped early.", "expected_version": qf1.version,
        "confirmed": "1", **_rounds_post(reversed_rounds(qf1))})
    assert response.status_code == 400 and "R14" in response.content.decode()
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED
