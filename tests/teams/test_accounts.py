"""Team accounts (django-allauth): sign-up with a verified e-mail, sign-in by e-mail, password
reset, sign-out; throttled by django-axes; co-managers invited by a signed, expiring link."""
from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.urls import reverse

from league.errors import NotAllowed, RuleViolation
from league.models import AuditEvent, TeamInvitation, TeamManager
from league.services import teamsite

from .conftest import team_account

pytestmark = pytest.mark.django_db

PASSWORD = "Team-pass-2026!"


def link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_sign_up_needs_the_emailed_verification_then_signs_in_by_email(client):
    response = client.post(reverse("account_signup"), {"email": "new@team.example",
                                                        "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@team.example"]
    # not verified: a sign-in sends the verification again instead of signing in
    client.logout()
    client.post(reverse("account_login"), {"login": "new@team.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    confirm = link_in(mail.outbox[0]).split("testserver", 1)[1]
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(email="new@team.example").verified
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new@team.example", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("teamsite:home")
    assert client.get(reverse("teamsite:home")).status_code == 200


def test_account_pages_are_translated(client):
    page = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert page.status_code == 200 and '<html lang="zh-hant">' in page.text
    assert "註冊" in page.text  # allauth's own catalog: Sign Up


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = team_account("reset@team.example")
    client.post(reverse("account_reset_password"), {"email": "reset@team.example"})
    assert len(mail.outbox) == 1
    path = link_in(mail.outbox[0]).split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0] if form.redirect_chain else path,
                           {"password1": "Brand-new-pass-77", "password2": "Brand-new-pass-77"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-77")


def test_sign_out_is_a_post(client):
    user = team_account("out@team.example")
    client.force_login(user)
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_r7_team_sign_in_is_locked_by_axes_after_five_wrong_passwords(client, settings):
    team_account("guess@team.example")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "guess@team.example", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "guess@team.example", "password": PASSWORD})
    assert response.status_code in (429, 200)
    assert "_auth_user_id" not in client.session
    assert "locked" in response.text or "Too many" in response.text
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="guess@team.example")  # counted by axes too
    assert attempt.failures_since_start >= 5


def test_a_team_account_never_reaches_the_admin_or_the_referees(client):
    user = team_account("team@team.example")
    client.force_login(user)
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin.url
    assert client.get(reverse("referee:home")).status_code == 403


def test_staff_get_no_team_pages(client, organizer):
    client.force_login(organizer)
    assert client.get(reverse("teamsite:home")).status_code == 403


# --- co-managers ----------------------------------------------------------------------------

def test_the_manager_invites_a_co_manager_who_accepts_with_the_verified_address(
        applied, ana, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = teamsite.manager_invite(team=applied.team, email="Bo@Rookie.example", actor=ana,
                                             site_url="http://testserver")
    assert invitation.email == "bo@rookie.example"
    assert mail.outbox[-1].to == ["bo@rookie.example"]
    path = link_in(mail.outbox[-1]).split("testserver", 1)[1]
    bo = team_account("bo@rookie.example")
    client.force_login(bo)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert TeamManager.objects.get(team=applied.team, user=bo).role == TeamManager.Role.CO_MANAGER
    assert AuditEvent.objects.filter(action="team_manager_added", actor=bo).exists()


def test_an_invitation_is_refused_to_another_address_or_an_unverified_one(applied, ana):
    invitation = teamsite.manager_invite(team=applied.team, email="bo@rookie.example", actor=ana)
    token = teamsite.invitation_token(invitation)
    with pytest.raises(NotAllowed):
        teamsite.invitation_accept(token=token, actor=team_account("eve@evil.example"))
    unverified = team_account("bo@rookie.example", verified=False)
    with pytest.raises(NotAllowed):
        teamsite.invitation_accept(token=token, actor=unverified)
    assert TeamManager.objects.filter(team=applied.team).count() == 1


def test_an_expired_or_forged_invitation_is_refused(applied, ana, settings):
    invitation = teamsite.manager_invite(team=applied.team, email="bo@rookie.example", actor=ana)
    bo = team_account("bo@rookie.example")
    with pytest.raises(RuleViolation, match="not valid"):
        teamsite.invitation_accept(token=teamsite.invitation_token(invitation) + "x", actor=bo)
    old = signing.TimestampSigner(salt=teamsite.INVITATION_SALT)
    settings.TEAM_INVITATION_DAYS = 0
    token = teamsite.invitation_token(invitation)
    import time

    time.sleep(1.1)
    with pytest.raises(RuleViolation, match="expired"):
        teamsite.invitation_accept(token=token, actor=bo)
    assert old  # the token is Django's TimestampSigner's
    assert not TeamManager.objects.filter(user=bo).exists()


def test_only_the_manager_invites_and_removes_and_the_manager_stays(applied, ana):
    invitation = teamsite.manager_invite(team=applied.team, email="bo@rookie.example", actor=ana)
    bo = team_account("bo@rookie.example")
    co = teamsite.invitation_accept(token=teamsite.invitation_token(invitation), actor=bo)
    with pytest.raises(NotAllowed):
        teamsite.manager_invite(team=applied.team, email="cy@rookie.example", actor=bo)
    manager = TeamManager.objects.get(team=applied.team, role="manager")
    with pytest.raises(RuleViolation):
        teamsite.co_manager_remove(manager=manager, actor=bo)
    teamsite.co_manager_remove(manager=co, actor=ana)
    assert list(TeamManager.objects.filter(team=applied.team).values_list("user__email", flat=True)) == [
        "ana@rookie.example"]
    assert AuditEvent.objects.filter(action="team_manager_removed", actor=ana).exists()


def test_a_revoked_invitation_cannot_be_accepted(applied, ana):
    invitation = teamsite.manager_invite(team=applied.team, email="bo@rookie.example", actor=ana)
    teamsite.invitation_revoke(invitation=invitation, actor=ana)
    assert TeamInvitation.objects.get(pk=invitation.pk).status == "revoked"
    with pytest.raises(RuleViolation, match="no longer open"):
        teamsite.invitation_accept(token=teamsite.invitation_token(invitation),
                                   actor=team_account("bo@rookie.example"))
