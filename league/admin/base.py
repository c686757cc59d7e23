"""What every part of the organizer's admin shares.

- ``dry_run``: run a service in a transaction that is always rolled back, so a preview page shows
  exactly what the service would do, or the rule it would refuse with, and nothing is saved.
- ``OrganizerAdmin``: a ModelAdmin whose writes go through services, with the audit trail of
  each object on its change and history pages.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import roles
from ..errors import RuleViolation
from ..models import AuditEvent, Replacement
from ..services.common import dry_run

R = TypeVar("R")
__all__ = ["dry_run"]  # the admin's modules take it from here
HISTORY_LIMIT = 50


class ActorFormMixin:
    """The admin's form knows who acts (``form.actor``), for the services it calls."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form


class ServiceSaveMixin(ActorFormMixin):
    """A ModelAdmin whose ServiceModelForm saves through its service (never ``obj.save()``)."""

    def save_model(self, request, obj, form, change):
        save_through_service(request, obj, form)


def save_through_service(request, obj, form) -> None:
    """ModelAdmin.save_model for a ServiceModelForm: the service saves; ``obj`` becomes the row
    it made (the admin's log and redirect need its primary key)."""
    try:
        with transaction.atomic():
            saved = form.service_call(form.cleaned_data)
    except RuleViolation as exc:  # something changed since the form was checked
        messages.error(request, exc.text)
        return
    obj.pk = saved.pk
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    obj._state.adding = False
    obj._state.db = saved._state.db


def call_service(request, fn: Callable[[], R], *, success: str | None = None) -> tuple[bool, R | None]:
    """Run one service call; a refusal becomes an error message naming the rule, never a 500."""
    try:
        with transaction.atomic():
            result = fn()
    except RuleViolation as exc:
        messages.error(request, exc.text)
        return False, None
    if success:
        messages.success(request, success)
    return True, result


def duration(span) -> str:
    """'23 h 20 min' from a timedelta."""
    minutes = int(span.total_seconds() // 60)
    sign, minutes = ("-", -minutes) if minutes < 0 else ("", minutes)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{sign}{hours} h {minutes} min"
    return f"{sign}{hours} h" if hours else f"{sign}{minutes} min"


def is_organizer(request) -> bool:
    return roles.is_organizer(request.user)


def require_organizer(request) -> None:
    """The organizer's pages: staff is not enough, the organizer group (or superuser) is needed."""
    if not (request.user.is_active and request.user.is_staff and roles.is_organizer(request.user)):
        raise PermissionDenied


def audit_q(obj) -> Q:
    """The audit events about this object (and, for an entry, its roster, robots and reports)."""
    q = Q(object_type=obj._meta.model_name, object_id=obj.pk)
    if obj._meta.model_name == "entry":
        q |= Q(object_type="teammember", object_id__in=list(obj.members.values_list("pk", flat=True)))
        q |= Q(object_type="robot", object_id__in=list(obj.robots.values_list("pk", flat=True)))
        q |= Q(object_type="failurereport",
               object_id__in=list(obj.failure_reports.values_list("pk", flat=True)))
        q |= Q(object_type="replacement",
               object_id__in=list(Replacement.objects.filter(entry=obj).values_list("pk", flat=True)))
    return q


def audit_events_for(obj, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(audit_q(obj)).select_related("actor")[:limit])


def audit_changelist_url(obj) -> str:
    if obj._meta.model_name == "season":
        return reverse("admin:league_auditevent_changelist") + f"?season__id__exact={obj.pk}"
    return (reverse("admin:league_auditevent_changelist")
            + f"?object_type={obj._meta.model_name}&object_id={obj.pk}")


class AuditHistoryMixin:
    """Shows the object's audit events (who, when, what, from, to, why) on its change page and
    on its History page, next to Django's own log of admin edits."""

    object_history_template = "admin/league/object_history.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            extra_context.setdefault("audit_events", audit_events_for(obj, limit=10))
            extra_context.setdefault("audit_url", audit_changelist_url(obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            extra_context["audit_events"] = audit_events_for(obj)
            extra_context["audit_url"] = audit_changelist_url(obj)
        return super().history_view(request, object_id, extra_context)


class NoChanges:
    """Visible to whoever may view it; changed only by the services (never in the admin)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoChanges, admin.ModelAdmin):
    """Visible to whoever may view it; changed only by the services (never in the admin)."""


class ReadOnlyInline(NoChanges, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


def admin_page(model_admin, request, template: str, context: dict) -> TemplateResponse:
    """Render one of our pages inside the admin's frame (header, breadcrumbs, messages)."""
    base = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "app_label": model_admin.model._meta.app_label,
    }
    return TemplateResponse(request, template, {**base, **context})
