"""Webhooks in the admin: the organizer registers a season's endpoints (through
services.webhook_*), and reads every delivery and e-mail the jobs sent or could not send."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..forms.admin import ServiceModelForm
from ..models import Notification, WebhookDelivery, WebhookEndpoint
from ..models.jobs import WebhookEvent
from .base import AuditHistoryMixin, ReadOnlyAdmin, ServiceSaveMixin, call_service


class WebhookEndpointForm(ServiceModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "vURLField"}))
    events = forms.MultipleChoiceField(label=capfirst(_("events")), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["season", "url", "description", "events", "active"]

    def service_call(self, data):
        if self.instance.pk:
            changes = {n: data[n] for n in self.changed_data if n in ("url", "description",
                                                                      "events", "active")}
            return services.webhook_endpoint_update(endpoint=self.instance, actor=self.actor,
                                                    **changes)
        return services.webhook_endpoint_register(
            season=data["season"], url=data["url"], events=data["events"], actor=self.actor,
            description=data.get("description", ""), active=data.get("active", True))


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceSaveMixin, AuditHistoryMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "season", "event_list", "active", "created_at"]
    list_filter = ["season", "active"]
    search_fields = ["url", "description"]
    readonly_fields = ["secret"]
    actions = ["rotate_secret"]

    def get_fields(self, request, obj=None):
        fields = ["season", "url", "description", "events", "active"]
        return fields + ["secret"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        # The season of an endpoint stays (its deliveries and sequences belong to it).
        return ["secret", "season"] if obj is not None else []

    @admin.display(description=_("events"))
    def event_list(self, obj):
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(e, e)) for e in obj.events)

    @admin.action(description=_("Renew the signing secret"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            call_service(request, lambda e=endpoint: services.webhook_secret_rotate(
                endpoint=e, actor=request.user))
        self.message_user(request, ngettext("%(n)d secret renewed: give the receiver the new one.",
                                            "%(n)d secrets renewed: give the receivers the new ones.",
                                            queryset.count()) % {"n": queryset.count()})

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: its deliveries stay readable


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "endpoint", "event", "stream", "sequence", "status", "attempts",
                    "response_code", "last_error", "delivered_at"]
    list_filter = ["status", "event", "endpoint__season", "endpoint"]
    search_fields = ["id", "stream", "last_error"]
    list_select_related = ["endpoint"]
    fields = ["id", "endpoint", "event", "match", "stream", "sequence", "status", "attempts",
              "response_code", "last_error", "next_attempt_at", "created_at", "delivered_at", "body"]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.action(description=_("Send the selected dead letters again"))
    def send_again(self, request, queryset):
        done = 0
        for delivery in queryset.filter(status=WebhookDelivery.Status.DEAD):
            ok, _result = call_service(request, lambda d=delivery: services.webhook_delivery_retry(
                delivery=d, actor=request.user))
            done += ok
        self.message_user(request, ngettext("%(n)d delivery sent again.",
                                            "%(n)d deliveries sent again.", done) % {"n": done})

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("league.change_webhookendpoint"):
            actions.pop("send_again", None)
        return actions


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "recipient", "language", "subject", "status", "attempts",
                    "last_error", "sent_at"]
    list_filter = ["status", "kind", "language", "season"]
    search_fields = ["recipient", "subject"]
    fields = ["kind", "season", "recipient", "language", "subject", "body_text", "status",
              "attempts", "last_error", "created_at", "sent_at"]
    readonly_fields = fields
