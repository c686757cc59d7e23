"""Finding 2 of issue 11: password guessing. django-axes locks a user name after
settings.AXES_FAILURE_LIMIT wrong passwords from one address, on both login pages; the right
password is then refused with a sentence in the reader's language; an organizer unlocks it."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_PAGES = {"referee": "referee:login", "admin": "admin:login"}
LOCKED = "Too many failed sign-ins for this user name"


def guess(client, page: str, username: str, times: int) -> list[int]:
    return [client.post(reverse(LOGIN_PAGES[page]), {"username": username, "password": f"guess-{i}"}
                        ).status_code for i in range(times)]


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_r7_wrong_passwords_then_the_right_one_is_refused(client, people, page):
    user = "organizer" if page == "admin" else "ref1"
    statuses = guess(client, page, user, settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429  # the last wrong guess locks
    right = client.post(reverse(LOGIN_PAGES[page]), {"username": user, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LOCKED in right.content.decode()


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_r7_the_lockout_is_said_in_the_readers_language(client, people, page):
    user = "organizer" if page == "admin" else "ref1"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    guess(client, page, user, settings.AXES_FAILURE_LIMIT)
    html = client.post(reverse(LOGIN_PAGES[page]), {"username": user, "password": PASSWORD}
                       ).content.decode()
    assert "登入失敗次數過多" in html
    assert 'role="alert"' in html or "errornote" in html or "errorlist" in html


def test_r7_a_lockout_is_per_user_name_and_address(client, people):
    guess(client, "referee", "ref1", settings.AXES_FAILURE_LIMIT)
    other = client.post(reverse("referee:login"), {"username": "ref2", "password": PASSWORD})
    assert other.status_code == 302  # another referee behind the same venue address signs in
    client.logout()
    elsewhere = client.post(reverse("referee:login"), {"username": "ref1", "password": PASSWORD},
                            REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302  # nobody locks a referee out from another address


def test_r7_a_right_password_before_the_limit_resets_the_count(client, people):
    guess(client, "referee", "ref1", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(reverse("referee:login"), {"username": "ref1", "password": PASSWORD}
                       ).status_code == 302
    client.logout()
    assert guess(client, "referee", "ref1", settings.AXES_FAILURE_LIMIT - 1) == [200] * (
        settings.AXES_FAILURE_LIMIT - 1)


def test_r7_an_organizer_sees_the_lockout_and_unlocks_it(client, people):
    guess(client, "referee", "ref1", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="ref1")
    client.force_login(people["organizer"])
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "ref1" in listing.content.decode()
    assert client.get(reverse("admin:axes_accesslog_changelist")).status_code == 403
    unlock = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert unlock.status_code == 302
    client.logout()
    assert client.post(reverse("referee:login"), {"username": "ref1", "password": PASSWORD}
                       ).status_code == 302


def test_r7_a_referee_cannot_see_lockouts(client, people):
    client.force_login(people["ref1"])
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_r7_axes_reset_command_unlocks(client, people):
    from django.core.management import call_command

    guess(client, "referee", "ref1", settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", "ref1", verbosity=0)
    assert client.post(reverse("referee:login"), {"username": "ref1", "password": PASSWORD}
                       ).status_code == 302


def test_r7_axes_alone_locks_the_team_sign_in_with_its_sentence(client, settings):
    """The teams' site (issue 10) signs in with allauth, whose own rate limit also refuses after
    5 failures; with that limit out of the way, django-axes still locks the e-mail address: 429 and
    the lockout sentence in the reader's language, the right password refused."""
    from tests.teams.conftest import team_account

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "1000/m/ip"}
    team_account("locked@team.example")
    url = reverse("account_login")
    statuses = [client.post(url, {"login": "Locked@team.example", "password": f"guess-{i}"}).status_code
                for i in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    right = client.post(url, {"login": "locked@team.example", "password": "Team-pass-2026!"},
                        HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert "此使用者名稱登入失敗次數過多" in right.content.decode()
    assert AccessAttempt.objects.get(username="locked@team.example").failures_since_start >= 5
