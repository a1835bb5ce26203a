"""The enterprise list's filters, shared by the page and anything that links to it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import CompactForm
from enterprises.models import EnterpriseStatus, Industry, RiskColour, Scale
from grid import scoping
from grid.forms import CellChoiceField
from grid.models import GridCell, q_beneath


class CellFilter(django_filters.ModelChoiceFilter):
    field_class = CellChoiceField


class EnterpriseFilter(django_filters.FilterSet):
    class Meta:
        form = CompactForm  # small controls in the filter card

    q = django_filters.CharFilter(
        method="filter_q", label=_("搜索"), widget=forms.TextInput(attrs={"type": "search"})
    )
    industry = django_filters.ChoiceFilter(
        choices=Industry.choices, label=_("行业"), empty_label=_("全部行业")
    )
    township = django_filters.ModelChoiceFilter(
        queryset=GridCell.objects.none(), label=_("乡镇"), empty_label=_("全部乡镇")
    )
    cell = CellFilter(
        queryset=GridCell.objects.none(),
        method="filter_cell",
        label=_("网格"),
        empty_label=_("全部网格"),
    )
    risk = django_filters.ChoiceFilter(
        choices=RiskColour.choices, label=_("风险等级"), empty_label=_("全部风险等级")
    )
    scale = django_filters.ChoiceFilter(
        choices=Scale.choices, label=_("规模"), empty_label=_("全部规模")
    )
    status = django_filters.ChoiceFilter(
        choices=EnterpriseStatus.choices, label=_("状态"), empty_label=_("全部状态")
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = request.user
        self.filters["township"].queryset = scoping.townships_for(user).order_by("path")
        # Townships, work areas and villages in tree order; choosing one covers every
        # cell beneath it.
        self.filters["cell"].queryset = (
            scoping.cells_for(user)
            .filter(level__gte=GridCell.Level.TOWNSHIP)
            .only("id", "name", "level", "path")
            .order_by("path")
        )
        self._user = user

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def filter_cell(self, queryset, name, cell):
        if cell is None:
            return queryset
        return queryset.filter(q_beneath(cell))
