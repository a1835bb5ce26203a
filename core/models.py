from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """Counters behind human-readable numbers (YH2026-000123, DB2026-0007)."""

    key = models.CharField(_("序列"), max_length=32, primary_key=True)
    last = models.PositiveIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self):
        return f"{self.key}: {self.last}"


class UserPreference(models.Model):
    """How one user wants the pages shown; a user without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("用户"),
    )
    # 适老化: larger type and controls on every page (the text-larger class on <html>).
    larger_text = models.BooleanField(_("大字模式"), default=False)

    class Meta:
        verbose_name = _("显示偏好")
        verbose_name_plural = _("显示偏好")

    def __str__(self):
        return f"{self.user}: {'larger' if self.larger_text else 'standard'}"


def larger_text_for(user):
    """Whether ``user`` reads the pages in the larger-text mode (no row: no)."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        return user.preference.larger_text
    except UserPreference.DoesNotExist:
        return False


class ClientKey(models.Model):
    """A one-time key sent with a form or by a device, and the official record it created.

    Every form that creates a hazard, an order, an inspection or an enforcement record
    carries one (made when the form is drawn, or on the phone for offline records): a
    repeated submit finds its key here and gets the record already created. The unique key
    is the database's guarantee that one key never makes two records. ``core.keys.once``
    is its one writer."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("检查记录")
        ENFORCEMENT = "enforcement", _("执法记录")
        HAZARD = "hazard", _("隐患")
        ORDER = "order", _("督办单")
        PHOTO = "photo", _("现场照片")
        SUBMIT = "submit", _("提交检查记录")

    key = models.UUIDField(_("一次性令牌"), unique=True)
    kind = models.CharField(_("记录类别"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交人"),
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        # Created by inspections/migrations/0005_client_keys.py; moved here with its table.
        db_table = "inspections_clientkey"
        verbose_name = _("一次性令牌")
        verbose_name_plural = _("一次性令牌")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["inspection", "enforcement", "hazard", "order", "photo", "submit"]
                ),
                name="clientkey_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
