"""Filters of the inspection and enforcement lists, on the shared list filter base.

Both derive from ``hazards.filters.RecordFilter``: township, a grid cell and everything
beneath it, industry and inspector mean what they mean on the hazard list and in the
reports, and the period is the record's date.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.ids import parse_id
from hazards.filters import RecordFilter, period_filters
from inspections.models import COUNTED, EnforcementAction, Inspection


class _DatedRecordFilter(RecordFilter):
    industry_path = "enterprise__industry"
    period = ("date_from", "date_to")

    date_from, date_to = period_filters("date", _("开始日期"), _("结束日期"))
    enterprise = django_filters.CharFilter(
        method="filter_enterprise",
        label=_("企业"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("企业名称或信用代码")}),
    )

    def filter_enterprise(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        enterprise_id = parse_id(value)
        if enterprise_id is not None:
            return queryset.filter(Q(enterprise_id=enterprise_id) | Q(enterprise__uscc=value))
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc=value.upper())
        )


class InspectionFilter(_DatedRecordFilter):
    inspector_path = "inspectors"
    field_order = [
        "kind",
        "status",
        "counted",
        "township",
        "cell",
        "industry",
        "inspector",
        "date_from",
    ]

    kind = django_filters.ChoiceFilter(
        choices=Inspection.Kind.choices, label=_("检查类型"), empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(
        choices=Inspection.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )
    # The inspections the report figures count (inspections.models.COUNTED): the links of
    # 检查组数, 出动检查人次 and 检查企业数 carry it, so 企业自查 never shows behind them.
    counted = django_filters.ChoiceFilter(
        choices=[("1", _("计入检查统计（不含企业自查）"))],
        label=_("统计口径"),
        empty_label=_("全部检查"),
        method="filter_counted",
    )

    def filter_counted(self, queryset, name, value):
        return queryset.filter(COUNTED) if value else queryset

    class Meta(RecordFilter.Meta):
        model = Inspection


class EnforcementFilter(_DatedRecordFilter):
    inspector_path = "created_by_id"
    field_order = ["kind", "township", "cell", "industry", "inspector", "date_from"]

    kind = django_filters.ChoiceFilter(
        choices=EnforcementAction.Kind.choices, label=_("执法类别"), empty_label=_("全部类别")
    )

    class Meta(RecordFilter.Meta):
        model = EnforcementAction
