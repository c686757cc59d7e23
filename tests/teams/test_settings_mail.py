"""E-mail of the team accounts: printed on the console in development, SMTP from the
environment in production (config/settings.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
CODE = ("import config.settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
        "s.DEFAULT_FROM_EMAIL, s.EMAIL_HOST_USER)")


def _settings(**env_vars: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM"))
           and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DEBUG": "1", **env_vars})
    result = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_development_prints_e_mails_on_the_console():
    assert _settings()[0] == "django.core.mail.backends.console.EmailBackend"


def test_production_sends_by_smtp_from_the_environment():
    out = _settings(EMAIL_HOST="smtp.league.example", EMAIL_PORT="465", EMAIL_USE_TLS="0",
                    EMAIL_HOST_USER="mailer", DEFAULT_FROM_EMAIL="league@league.example")
    assert out == ["django.core.mail.backends.smtp.EmailBackend", "smtp.league.example", "465", "False",
                   "league@league.example", "mailer"]


@pytest.mark.django_db
def test_the_organizer_opens_the_proof_from_the_entry_in_the_admin(client, organizer, applied):
    client.force_login(organizer)
    page = client.get(reverse("admin:league_entry_change", args=[applied.pk]))
    link = reverse("teamsite:proof", args=[applied.pk])
    assert page.status_code == 200 and link in page.text
    assert client.get(link).status_code == 200
