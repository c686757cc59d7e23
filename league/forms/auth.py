"""The two sign-in forms (the admin's and the referees'), with django-axes' lockout as a sentence.

When django-axes refuses a sign-in (too many failed attempts for this user name from this
address, settings.AXES_*), Django's authenticate() returns None like for a wrong password; these
forms then say that the sign-in is locked, in the reader's language, instead of "wrong
password". The response is answered 429 by ``league.views.login.lockout_response``.
"""
from __future__ import annotations

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
