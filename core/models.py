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
