"""django-allauth's adapter for team accounts (the teams' site, /my-team/account/)."""
from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class TeamAccountAdapter(DefaultAccountAdapter):
    """Team accounts land on their teams' page, never on the referees' (LOGIN_REDIRECT_URL)."""

    def get_login_redirect_url(self, request):
        return reverse("teamsite:home")

    def get_signup_redirect_url(self, request):
        return reverse("teamsite:home")

    def get_email_verification_redirect_url(self, email_address):
        return reverse("teamsite:home")

    def get_logout_redirect_url(self, request):
        return reverse("public:home")
