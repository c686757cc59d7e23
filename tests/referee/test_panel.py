"""The referee panel: failure reports decided with four eyes, the replacement on the next check-in
(R4, R5)."""
from __future__ import annotations

import pytest

from league import services
from league.models import FailureReport, Replacement, Robot
from league.services.common import system_actor
from tests.referee.conftest import HTMX, body, go_live, make_match, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(mini, people):
    """ref1 reports the red primary of a live match as irreversibly failed; a later match of the
    same team (red corner again) waits for its check-in."""
    season, match = mini
    match = go_live(match)
    report = services.failure_report_file(entry=match.red, robot=match.red_robot,
                                          description="Spine actuator sheared", irreversible=True,
                                          match=match, actor=people["ref1"])
    later = make_match(season, red=0, blue=2, referees=[people["ref1"]])
    return match, report, later


def test_r4_head_referee_approves_another_referees_report_and_the_backup_replaces(
        reported, people, client):
    match, report, later = reported
    client.force_login(people["head"])
    queue = body(client.get(url("failures")))
    assert "Spine actuator sheared" in queue and "Approve" in queue
    home = body(client.get(url("home")))
    assert "Spine actuator sheared" in home  # the queue is on the head referee's home too
    response = client.post(url("failure_decide", pk=report.pk), {"decision": "approve", "note": "Seen"},
                           **HTMX)
    assert response.status_code == 200
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (FailureReport.Status.APPROVED, people["head"])
    replacement = Replacement.objects.get(entry=match.red)
    backup = match.red.robots.get(role=Robot.Role.BACKUP)
    assert replacement.new_robot == backup
    text = body(response)
    assert f"{backup} replaces it from the team's next match" in text
    assert "No failure report is waiting." in text
    # R5: the team's next check-in offers the backup, and the failed primary says why it cannot
    client.force_login(people["ref1"])
    page = body(client.get(url("match", later)))
    assert f'<option value="{backup.pk}" selected>' in page
    assert f"Active robot: {backup}" in page
    assert "failed" in page and "the backup replaced the primary" in page
    refused = client.post(url("check_in", later), {
        "expected_version": later.version, "red_robot": match.red_robot_id, "red_seal": "S1",
        "blue_robot": services.active_robot(later.blue).pk, "blue_seal": "S2"}, **HTMX)
    assert refused.status_code == 400
    assert "never fights again this season" in body(refused)
    ok = client.post(url("check_in", later), {
        "expected_version": later.version, "red_robot": backup.pk, "red_seal": "S1",
        "blue_robot": services.active_robot(later.blue).pk, "blue_seal": "S2"}, **HTMX)
    assert ok.status_code == 200
    later.refresh_from_db()
    assert later.red_robot == backup
    # R5: during the match it was filed from, the team still fights with its checked-in robot
    match.refresh_from_db()
    assert match.red_robot_id == report.robot_id


def test_r4_a_head_referee_cannot_approve_their_own_report(mini, people, client):
    _season, match = mini
    services.referees_assign(match=match, referees=[people["head"]], actor=system_actor())
    match = go_live(match)
    client.force_login(people["head"])
    filed = client.post(url("failure_report", match), {
        "expected_version": match.version, "robot": match.blue_robot_id,
        "description": "Battery bay cracked", "irreversible": "on"}, **HTMX)
    assert filed.status_code == 200
    report = FailureReport.objects.get(match=match)
    queue = body(client.get(url("failures")))
    assert "You filed this report: another head referee decides it" in queue
    response = client.post(url("failure_decide", pk=report.pk), {"decision": "approve"}, **HTMX)
    assert response.status_code == 400
    assert "R4: Four eyes: the referee who filed a report cannot decide it." in body(response)
    report.refresh_from_db()
    assert report.status == FailureReport.Status.PENDING
    assert not Replacement.objects.exists()
    # the other head referee may
    client.force_login(people["head2"])
    assert client.post(url("failure_decide", pk=report.pk), {"decision": "approve"},
                       **HTMX).status_code == 200
    assert Replacement.objects.filter(entry=match.blue).exists()


def test_r4_rejection_and_a_second_decision(reported, people, client):
    _match, report, _later = reported
    client.force_login(people["head"])
    response = client.post(url("failure_decide", pk=report.pk), {"decision": "reject",
                                                                 "note": "Repairable"}, **HTMX)
    assert response.status_code == 200 and "Rejected" in body(response)
    again = client.post(url("failure_decide", pk=report.pk), {"decision": "approve"}, **HTMX)
    assert again.status_code == 400
    assert "This report is already rejected." in body(again).replace("Rejected", "rejected")
    assert not Replacement.objects.exists()


def test_decision_must_be_approve_or_reject(reported, people, client):
    _match, report, _later = reported
    client.force_login(people["head"])
    response = client.post(url("failure_decide", pk=report.pk), {"decision": "maybe"}, **HTMX)
    assert response.status_code == 400 and "Approve or reject the report." in body(response)
    report.refresh_from_db()
    assert report.status == FailureReport.Status.PENDING


def test_decide_without_htmx_redirects_to_the_queue(reported, people, client):
    _match, report, _later = reported
    client.force_login(people["head"])
    response = client.post(url("failure_decide", pk=report.pk), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == url("failures")
    assert "replaces it from the team" in body(client.get(url("failures")))
