"""The organizer's site, on Django's admin: seasons and their phase actions, applications and
auditions, matches, the audit trail, imports and exports. Every change goes through a service."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..forms.auth import AdminSignInForm
from . import audit, entries, incidents, matches, seasons, teams, users, webhooks  # noqa: F401  (registration)

admin.site.site_header = _("Robot Fighting League · organizers")
admin.site.site_title = _("League admin")
admin.site.index_title = _("Run the league")
admin.site.site_url = "/"
admin.site.login_form = AdminSignInForm  # django-axes' lockout as a sentence (league/forms/auth.py)
