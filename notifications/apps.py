from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("提醒与通知")

    def ready(self):
        from django.db.models.signals import post_save

        from enterprises import selfreports
        from hazards.models import HazardEvent
        from jobs import registry
        from notifications.models import Cause
        from notifications.services import (
            hourly,
            register_target,
            remind_selfreport,
            selfreport_page,
        )
        from notifications.signals import hazard_event_saved

        # A township's 发送提醒 of a missing self-report is an in-app notification.
        selfreports.register_reminder(remind_selfreport)
        # Its 查看 opens 自查自报 of the period it names.
        register_target(Cause.SELFREPORT_MISSING, selfreport_page)

        # The worker's hourly housekeeping: the day's round once, retries every hour.
        registry.register_hourly(hourly)

        # Workflow events that notify (申请延期, 移送县级, 督办单) do so after their
        # transaction commits; hazards.workflow knows nothing of notifications.
        post_save.connect(
            hazard_event_saved, sender=HazardEvent, dispatch_uid="notifications.hazard_event"
        )
