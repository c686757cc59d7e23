"""Staff accounts and roles.

An organizer manages people only inside the three league roles: they create and edit staff
accounts and give them those roles. They never see the superuser-only fields, never change a
superuser or an account holding anything beyond the league roles, and never edit groups or
permissions: the group admin ("Staff roles") is a superuser's alone. Every save goes through
league/services/people.py, which re-checks all of this and writes the audit trail.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..errors import RuleViolation
from ..services import people

User = get_user_model()

SUPERUSER_ONLY = ("is_superuser", "user_permissions", "is_staff")


class LeagueUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active", "role_names"]
    list_filter = ["groups", "is_staff", "is_active", "is_superuser"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("staff roles"))
    def role_names(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Hide what only a superuser may change rather than showing it read-only.
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in SUPERUSER_ONLY]})
                for name, opts in fieldsets]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["label"] = _("Staff roles")
            kwargs["help_text"] = _("Organizer: the admin site. Head referee: decides failure "
                                    "reports and corrects results. Referee: runs assigned matches.")
            if not request.user.is_superuser:
                kwargs["queryset"] = Group.objects.filter(name__in=roles.ALL).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not people.may_manage(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Only a superuser deletes an account (the organizer role holds no delete permission).
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    # --- Writes: through the people services ------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        # Written by Django's login and by the account's creation, never typed in.
        return [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]

    def _refusable(self, view, request, *args):
        try:
            return view(request, *args)
        except RuleViolation as exc:  # the service refused under its lock: nothing was saved
            messages.error(request, exc.text)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusable(super().changeform_view, request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusable(super().delete_view, request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._refusable(super().changelist_view, request, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        role_names = [g.name for g in data["groups"]] if "groups" in data else None
        if not change:
            people.staff_create(user=obj, roles=role_names or [], actor=request.user)
            return
        allowed = people.FIELDS + (people.SUPERUSER_FIELDS if request.user.is_superuser else ())
        fields = {name: data[name] for name in form.changed_data if name in allowed}
        permissions = (list(data["user_permissions"]) if request.user.is_superuser
                       and "user_permissions" in form.changed_data else None)
        people.staff_update(user=obj, fields=fields,
                            roles=role_names if "groups" in form.changed_data else None,
                            permissions=permissions, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # Roles and permissions were set by the service; the form's m2m save would bypass it.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def log_change(self, request, obj, message):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "auth_user_password_change":
            people.staff_password_changed(user=obj, actor=request.user)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        people.staff_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all or none
            for user in queryset:
                people.staff_delete(user=user, actor=request.user)


class StaffRoleAdmin(GroupAdmin):
    """Groups and their permissions: a superuser's alone, whatever permissions a group holds."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


for model, model_admin in ((User, LeagueUserAdmin), (Group, StaffRoleAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
