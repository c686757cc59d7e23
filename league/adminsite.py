"""The organizer's admin site: Django's, with the season dashboard as its landing page.

Installed through ``LeagueAdminConfig`` (settings.INSTALLED_APPS), Django's documented way to
replace ``admin.site``. This module must not import ``league.admin`` (which registers the models on
this very site): the dashboard's context is built lazily.
"""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

# What the stock admin calls a model, and what the organizer knows it as (the index only).
INDEX_NAMES = {("auth", "group"): _("Staff roles"), ("auth", "user"): _("Staff accounts"),
               ("axes", "accessattempt"): _("Failed sign-in attempts")}
# Third-party apps whose own name says nothing to an organizer (and has no Chinese).
APP_NAMES = {"axes": _("Sign-in protection")}


class LeagueAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        from .admin.dashboard import dashboard_context

        context = dict(extra_context or {})
        context.update(dashboard_context(request))
        return super().index(request, context)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                name = INDEX_NAMES.get((app["app_label"], model["object_name"].lower()))
                if name is not None:
                    model["name"] = name
        return app_list


class LeagueAdminConfig(AdminConfig):
    default_site = "league.adminsite.LeagueAdminSite"
