"""Filters of the inspection and enforcement lists (django-filter), scoped per user."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.ids import parse_id
from grid import scoping
from grid.models import GridCell
from inspections.forms import style
from inspections.models import EnforcementAction, Inspection

_DATE = forms.DateInput(attrs={"type": "date"})


class _ScopedFilterSet(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        queryset=GridCell.objects.none(), label=_("乡镇"), empty_label=_("全部乡镇")
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("开始日期"), widget=_DATE
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("结束日期"), widget=_DATE
    )
    enterprise = django_filters.CharFilter(
        method="filter_enterprise",
        label=_("企业"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("企业名称或信用代码")}),
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["township"].queryset = scoping.townships_for(request.user).order_by("path")
        style(self.form.fields)

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


class InspectionFilter(_ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Inspection.Kind.choices, label=_("检查类型"), empty_label=_("全部类型")
    )
    status = django_filters.ChoiceFilter(
        choices=Inspection.Status.choices, label=_("状态"), empty_label=_("全部状态")
    )

    class Meta:
        model = Inspection
        fields = ["kind", "status", "township", "date_from", "date_to", "enterprise"]


class EnforcementFilter(_ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=EnforcementAction.Kind.choices, label=_("执法类别"), empty_label=_("全部类别")
    )

    class Meta:
        model = EnforcementAction
        fields = ["kind", "township", "date_from", "date_to", "enterprise"]
