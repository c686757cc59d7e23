"""Sign-in pages: the referees' login view and django-axes' lockout answer for both login pages."""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from ..forms.auth import SignInForm, lockout_message

referee_login = auth_views.LoginView.as_view(
    template_name="registration/login.html", authentication_form=SignInForm,
    redirect_authenticated_user=True)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: a login page already shows the lockout as its form's
    error (league.forms.auth), so it is kept and answered 429 Too Many Requests; anything else
    gets the sentence alone."""
    context = getattr(original_response, "context_data", None) or {}
    if original_response is not None and "form" in context:
        original_response.status_code = 429
        return original_response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
