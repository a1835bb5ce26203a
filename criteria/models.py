"""The national criteria that make a hazard major (重大事故隐患判定标准), as data.

A ``Standard`` is one published criterion (a 部令, a 通知's attachment, a GB standard); a
``Criterion`` is one of its items (第三条第（一）项, or （五） where the text has no articles).
Every row says where its text was checked and when: nothing here is written from memory.
Shipped rows come from ``criteria/data/*.json`` through a data migration; administrators add
or correct rows with ``manage.py load_criteria`` or the upload page (criteria.loader).
"""

import re

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry

INDUSTRY_SEPARATOR = " "


def industry_list(text):
    """The industry values of a stored ``industries`` field, in order."""
    return [v for v in (text or "").split(INDUSTRY_SEPARATOR) if v]


def industry_labels(text):
    labels = dict(Industry.choices)
    return [str(labels.get(v, v)) for v in industry_list(text)]


def q_industry(industry, prefix=""):
    """Rows whose ``industries`` name ``industry`` or are blank (apply to every industry)."""
    field = f"{prefix}industries"
    pattern = rf"(^| ){re.escape(industry)}( |$)"
    return Q(**{field: ""}) | Q(**{f"{field}__regex": pattern})


def reference_of(article, item):
    """第三条第（一）项, or （一） where the standard has no articles."""
    return f"{article}第{item}项" if article else item


class Standard(models.Model):
    code = models.SlugField(
        _("代号"),
        max_length=40,
        unique=True,
        help_text=_("本系统内的简短代号，导入文件用它指明条目所属的标准，如 GM10。"),
    )
    title = models.CharField(_("名称"), max_length=200)
    document_number = models.CharField(
        _("文号或标准号"), max_length=100, help_text=_("如 应急管理部令第10号、GB 35181-2025。")
    )
    issuer = models.CharField(_("发布机关"), max_length=200)
    in_force_from = models.DateField(_("施行日期"), null=True, blank=True)
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    repealed_by = models.ForeignKey(
        "self",
        verbose_name=_("被哪项标准替代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    industries = models.CharField(
        _("适用行业"),
        max_length=300,
        blank=True,
        help_text=_("行业代码，以空格分隔；留空表示适用于所有行业。"),
    )
    source = models.TextField(_("核对来源"), help_text=_("核对所用的出版物或网页。"))
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    checked_on = models.DateField(_("核对日期"))
    items_note = models.TextField(
        _("条文说明"),
        blank=True,
        help_text=_("如条文未随系统提供，在此说明原因及由谁导入。"),
    )
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("判定标准")
        verbose_name_plural = _("判定标准")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="standard_title_not_blank",
                violation_error_message=_("标准名称不能为空。"),
            ),
            models.CheckConstraint(
                condition=~Q(document_number=""),
                name="standard_number_not_blank",
                violation_error_message=_("文号或标准号不能为空。"),
            ),
            models.CheckConstraint(
                condition=~Q(source=""),
                name="standard_source_not_blank",
                violation_error_message=_("须写明核对来源。"),
            ),
            models.CheckConstraint(
                condition=Q(repealed_on__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(repealed_on__gte=F("in_force_from")),
                name="standard_repealed_after_in_force",
                violation_error_message=_("废止日期不能早于施行日期。"),
            ),
            models.CheckConstraint(
                condition=Q(repealed_by__isnull=True) | ~Q(repealed_by=F("pk")),
                name="standard_not_repealed_by_itself",
                violation_error_message=_("标准不能被自身替代。"),
            ),
            models.CheckConstraint(
                condition=Q(repealed_by__isnull=True) | Q(repealed_on__isnull=False),
                name="standard_repealed_by_needs_date",
                violation_error_message=_("填写了替代标准时须填写废止日期。"),
            ),
        ]

    def __str__(self):
        return f"《{self.title}》（{self.document_number}）"

    def is_repealed(self, on=None):
        on = on or timezone.localdate()
        return self.repealed_on is not None and self.repealed_on <= on

    @property
    def status_label(self):
        return _("已废止") if self.is_repealed() else _("现行")

    @property
    def industry_labels(self):
        return industry_labels(self.industries)


class CriterionQuerySet(models.QuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(standard__repealed_on__isnull=True) | Q(standard__repealed_on__gt=on))

    def for_industry(self, industry):
        """Items that apply to ``industry``: the item's own industries, or the standard's
        when the item names none."""
        if not industry:
            return self
        return self.filter(
            (~Q(industries="") & q_industry(industry))
            | (Q(industries="") & q_industry(industry, prefix="standard__"))
        )

    def search(self, words):
        for word in (words or "").split():
            self = self.filter(
                Q(text__icontains=word)
                | Q(keywords__icontains=word)
                | Q(article__icontains=word)
                | Q(item__icontains=word)
                | Q(standard__title__icontains=word)
                | Q(standard__document_number__icontains=word)
            )
        return self


class Criterion(models.Model):
    standard = models.ForeignKey(
        Standard, verbose_name=_("判定标准"), on_delete=models.PROTECT, related_name="items"
    )
    article = models.CharField(
        _("条"), max_length=40, blank=True, help_text=_("如 第三条；原文不分条的留空。")
    )
    item = models.CharField(_("项"), max_length=40, help_text=_("如 （一）。"))
    text = models.TextField(_("条文"))
    industries = models.CharField(
        _("适用行业"),
        max_length=300,
        blank=True,
        help_text=_("行业代码，以空格分隔；留空表示与所属标准相同。"),
    )
    keywords = models.CharField(
        _("关键词"), max_length=300, blank=True, help_text=_("检索用，以空格分隔。")
    )
    source = models.TextField(_("核对来源"))
    source_url = models.URLField(_("来源网址"), max_length=500, blank=True)
    checked_on = models.DateField(_("核对日期"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    # A repealed standard's item that the new standard carries on (the 2017 工贸 items →
    # 应急管理部令第10号): old ledgers resolve through it, and a new hazard is offered it.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("被哪一条目替代"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("判定条目")
        verbose_name_plural = _("判定条目")
        ordering = ["standard__position", "standard__code", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "article", "item"],
                name="criterion_unique_item",
                violation_error_message=_("同一标准中已有相同条、项的条目。"),
            ),
            models.CheckConstraint(
                condition=~Q(item=""),
                name="criterion_item_not_blank",
                violation_error_message=_("项号不能为空。"),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="criterion_text_not_blank",
                violation_error_message=_("条文不能为空。"),
            ),
            models.CheckConstraint(
                condition=~Q(source=""),
                name="criterion_source_not_blank",
                violation_error_message=_("须写明核对来源。"),
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | ~Q(replaced_by=F("pk")),
                name="criterion_not_replaced_by_itself",
                violation_error_message=_("条目不能被自身替代。"),
            ),
        ]

    def __str__(self):
        return f"{self.standard.title} {self.reference}"

    @property
    def reference(self):
        """第三条第（一）项, or （一） where the standard has no articles."""
        return reference_of(self.article, self.item)

    @property
    def industry_labels(self):
        return industry_labels(self.industries or self.standard.industries)

    @property
    def short_reference(self):
        """标准简称 第N条第M项, as the ledger export and the printed forms show it."""
        return f"{self.standard.title} {self.reference}"

    def is_repealed(self, on=None):
        return self.standard.is_repealed(on)

    def current(self, on=None):
        """The in-force item this one resolves to: itself while its standard is in force,
        else the item that replaced it (followed as far as it goes), else None."""
        item, seen = self, set()
        while item is not None and item.is_repealed(on):
            if item.pk in seen:
                return None
            seen.add(item.pk)
            item = item.replaced_by
        return item

    def basis(self):
        """The 判定依据 pair a hazard form is filled with: (standard, clause)."""
        standard = str(self.standard)[:200]
        clause = f"{self.reference}：{self.text}"
        if len(clause) > 200:
            clause = clause[:199] + "…"
        return standard, clause
