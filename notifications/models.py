"""Reminders: in-app notifications, mutes, the township's group-robot webhook, deliveries.

docs/notifications.md describes the causes, who receives each and the settings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cause(models.TextChoices):
    """Why a notification exists. The thresholds are settings (NOTIFY_*)."""

    DUE_SOON = "due_soon", _("整改期限将至")
    DUE_TOMORROW = "due_tomorrow", _("明天到期")
    OVERDUE = "overdue", _("已逾期")
    OVERDUE_TOWNSHIP = "overdue_township", _("逾期较久（乡镇督促）")
    OVERDUE_COUNTY = "overdue_county", _("长期逾期或重大隐患逾期（县级关注）")
    FIX_WAITING = "fix_waiting", _("整改完成待验收超时")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期待审批")
    REFERRED = "referred", _("重大隐患移送县级")
    ORDER_ISSUED = "order_issued", _("下达督办单")
    ORDER_DUE = "order_due", _("督办单将到期")
    ORDER_OVERDUE = "order_overdue", _("督办单已逾期")
    # No hazard: the enterprise (key "sr:e<id>:<period>") has not filed its self-report.
    SELFREPORT_MISSING = "selfreport_missing", _("未按时自查自报")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One reminder to one user. ``key`` names the object and the occasion (a hazard and
    the deadline it is about, an order and its deadline, an event), so the database keeps
    one notification per user, cause and occasion however often the round runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    cause = models.CharField(_("原因"), max_length=24, choices=Cause.choices)
    key = models.CharField(_("事由标识"), max_length=64, editable=False)
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("隐患"),
    )
    order = models.ForeignKey(
        "hazards.SupervisionOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办单"),
    )
    text = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cause", "key"], name="notification_once_per_cause"
            ),
            models.CheckConstraint(
                condition=Q(cause__in=Cause.values), name="notification_cause_valid"
            ),
        ]
        indexes = [
            # 通知中心 and the digest: a user's notifications, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_by_user"),
            # The unread count in the navigation, on every page.
            models.Index(
                fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
            # The round's "what exists already" for the hazards it looks at.
            models.Index(fields=["hazard", "cause"], name="notification_by_hazard"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.cause} {self.key}"


class Preference(models.Model):
    """A user who mutes a cause receives no more notifications of it (only themselves)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="muted_causes",
        verbose_name=_("用户"),
    )
    cause = models.CharField(_("不再提醒的原因"), max_length=24, choices=Cause.choices)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "cause"], name="preference_unique"),
            models.CheckConstraint(
                condition=Q(cause__in=Cause.values), name="preference_cause_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.cause}"


class WebhookTarget(models.Model):
    """A township's group robot (企业微信 / 钉钉 style): the daily digest is POSTed there."""

    township = models.OneToOneField(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name=_("乡镇"),
    )
    url = models.URLField(_("群机器人地址"), max_length=500, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设置人"),
    )
    updated_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        constraints = [
            models.CheckConstraint(
                condition=Q(url="") | Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhooktarget_url_http",
            )
        ]

    def __str__(self):
        return f"{self.township_id} {self.url}"


class Delivery(models.Model):
    """One digest to send (an e-mail to a user, a POST to a township's robot) and its
    attempts. Failures are retried with back-off until NOTIFY_MAX_ATTEMPTS; a row with
    neither ``sent_at`` nor ``next_try`` has been given up and says why."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        WEBHOOK = "webhook", _("群机器人")

    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    key = models.CharField(_("接收方标识"), max_length=40)
    day = models.DateField(_("摘要日期"))
    target = models.CharField(_("发送地址"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("用户"),
    )
    township = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    payload = models.JSONField(_("内容"), default=dict)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_try = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送成功时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("摘要发送")
        verbose_name_plural = _("摘要发送")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key", "day"], name="delivery_once_a_day"),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "webhook"]), name="delivery_channel_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_try"], name="delivery_pending", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.channel} {self.target} {self.day}"

    @property
    def given_up(self):
        return self.sent_at is None and self.next_try is None
