"""Closed periods (封账上报): the county table of a month, quarter or year, kept as submitted.

A county user closes a period: ``reports.periods.close_period`` stores one
``PeriodClosing`` — a versioned snapshot of the county table (every figure of every row,
the column labels of the county Excel, the basis line, who closed it and when). Reopening
(county role, with a reason) marks that version reopened; closing again writes version 2.
Versions are never deleted or rewritten: every one stays readable. The database keeps
version numbers unique per period and at most one version in force (not reopened) at a
time. ``PeriodAnalysis`` holds the short analysis text of the 16号令 statistics form,
saved with a version for the county or for one township.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class PeriodClosing(models.Model):
    """One version of a closed period's county table (封账版本). Only reports.periods writes."""

    kind = models.CharField(_("报表期类型"), max_length=10, choices=PeriodKind.choices)
    period_from = models.DateField(_("发现日期从"))
    period_to = models.DateField(_("发现日期至"))
    version = models.PositiveIntegerField(_("版本"))
    as_of = models.DateField(_("状态截至"))
    basis = models.CharField(_("统计口径"), max_length=200)
    heading = models.CharField(_("表头"), max_length=300)
    # The county Excel's columns: [{"header", "width", "kind", "format"}].
    columns = models.JSONField(_("列"), default=list)
    # Every row and the 合计: [{"key", "label", "is_total", "cells": [...], "figures": {...}}].
    rows = models.JSONField(_("行"), default=list)
    # Lines written under the table (which enterprises the 合计 counts once).
    notes = models.JSONField(_("表注"), default=list, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("封账人"),
    )
    closed_at = models.DateTimeField(_("封账时间"), default=timezone.now, editable=False)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重新打开人"),
    )
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    reopen_reason = models.CharField(_("重新打开理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("封账版本")
        verbose_name_plural = _("封账版本")
        ordering = ["-period_from", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_from", "version"],
                name="periodclosing_version_unique",
                violation_error_message=_("该报表期已有此版本。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "period_from"],
                condition=Q(reopened_at__isnull=True),
                name="periodclosing_one_in_force",
                violation_error_message=_("该报表期已封账。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PeriodKind.values), name="periodclosing_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(period_from__lte=models.F("period_to")),
                name="periodclosing_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(as_of__gte=models.F("period_to")),
                name="periodclosing_as_of_after_period",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="periodclosing_version_1_up"),
            models.CheckConstraint(
                condition=(
                    Q(reopened_at__isnull=True, reopened_by__isnull=True, reopen_reason="")
                    | (
                        Q(reopened_at__isnull=False, reopened_by__isnull=False)
                        & ~Q(reopen_reason="")
                    )
                ),
                name="periodclosing_reopen_complete",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.period_from} v{self.version}"

    @property
    def in_force(self):
        return self.reopened_at is None


class PeriodAnalysis(models.Model):
    """统计分析 text of the 16号令 form, saved with a closed version (county or township)."""

    closing = models.ForeignKey(
        PeriodClosing,
        on_delete=models.PROTECT,
        related_name="analyses",
        verbose_name=_("封账版本"),
    )
    township = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("乡镇"),
    )
    text = models.TextField(_("统计分析"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填写人"),
    )
    written_at = models.DateTimeField(_("填写时间"), default=timezone.now)

    class Meta:
        verbose_name = _("统计分析")
        verbose_name_plural = _("统计分析")
        constraints = [
            models.UniqueConstraint(
                fields=["closing", "township"],
                condition=Q(township__isnull=False),
                name="periodanalysis_one_per_township",
            ),
            models.UniqueConstraint(
                fields=["closing"],
                condition=Q(township__isnull=True),
                name="periodanalysis_one_for_county",
            ),
        ]

    def __str__(self):
        return f"{self.closing_id} {self.township_id or '-'}"
