"""The sign-in forms (the admin's, the referees', the team accounts'), with django-axes'
lockout as a sentence.

When django-axes refuses a sign-in (too many failed attempts for this user name from this
address, settings.AXES_*), Django's authenticate() returns None like for a wrong password; these
forms then say that the sign-in is locked, in the reader's language, instead of "wrong
password". The response is answered 429 by ``league.views.login.lockout_response``.
"""
from __future__ import annotations

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed sign-ins for this user name: signing in is locked for %(minutes)d "
        "minute. An organizer can unlock it sooner.",
        "Too many failed sign-ins for this user name: signing in is locked for %(minutes)d "
        "minutes. An organizer can unlock it sooner.", minutes) % {"minutes": minutes}


class LockoutMixin:
    request = None

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()

    @property
    def locked_out(self) -> bool:
        return bool(getattr(self.request, "axes_locked_out", False))


class SignInForm(LockoutMixin, AuthenticationForm):
    """The referees' sign-in (/referee/login/)."""


class AdminSignInForm(LockoutMixin, AdminAuthenticationForm):
    """The organizers' sign-in (/admin/login/)."""


def axes_username(request, credentials: dict | None = None) -> str | None:
    """settings.AXES_USERNAME_CALLABLE: the name a sign-in is counted under. The staff forms
    send "username", the team accounts' sign-in (allauth) an e-mail address ("email" in the
    credentials it authenticates with, "login" in its form)."""
    for source in (credentials or {}, getattr(request, "POST", {}) if request is not None else {}):
        for key in ("username", "email", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().lower() if key != "username" else value
    return None


class TeamLoginForm(AllauthLoginForm):
    """The team accounts' sign-in (allauth, by e-mail): a lockout by django-axes is said as
    such, like on the staff forms."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise
