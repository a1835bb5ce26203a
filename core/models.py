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
