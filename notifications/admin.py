"""Notifications in the admin: what was sent, what failed and why (administrators)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from notifications.models import Delivery, Notification, WebhookTarget


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "cause", "text", "read_at")
    list_filter = ("cause",)
    search_fields = ("user__username", "text", "key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("day", "channel", "target", "state", "attempts", "next_try", "last_error")
    list_filter = ("channel", "day")
    search_fields = ("target", "last_error")
    actions = ["retry_now"]

    @admin.display(description=_("状态"))
    def state(self, obj):
        if obj.sent_at:
            return _("已发送")
        if obj.given_up:
            return _("已放弃")
        return _("待重试") if obj.attempts else _("待发送")

    @admin.action(description=_("立即重新发送"))
    def retry_now(self, request, queryset):
        n = queryset.filter(sent_at__isnull=True).update(next_try=timezone.now())
        self.message_user(
            request,
            _("已安排 %(n)d 条在下一次后台处理时发送。") % {"n": n},
            messages.SUCCESS,
        )


@admin.register(WebhookTarget)
class WebhookTargetAdmin(admin.ModelAdmin):
    list_display = ("township", "url", "is_active", "updated_by", "updated_at")
    list_select_related = ("township", "updated_by")
    fields = ("township", "url", "is_active")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
