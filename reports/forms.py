"""The report's choices: period, as-of date, scope and grouping.

The same form reads the report page's GET parameters and an export's parameters, so a
page and its Excel file are always computed from the same criteria. Parameter names are
the hazard list's (found_from, found_to, as_of, township, cell, industry, inspector), and
``source`` (隐患来源), which narrows the hazard figures only. The selects are drawn by
``hazards.widgets.PlainSelect`` (a county user's cells and inspectors: hundreds of options,
about half the page's time once its table comes from the cache).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry
from grid import scoping
from grid.forms import CellChoiceField
from grid.models import TOWNSHIP_ORDER, GridCell
from hazards.filters import UserChoiceField
from hazards.models import Source
from hazards.widgets import PlainSelect
from reports.queries import GROUP_CELL, GROUP_INDUSTRY, GROUP_MONTH, GROUP_TOWNSHIP

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

GROUP_CHOICES = [
    (GROUP_TOWNSHIP, _("按乡镇")),
    (GROUP_CELL, _("按网格（村/社区）")),
    (GROUP_INDUSTRY, _("按行业")),
    (GROUP_MONTH, _("按月份")),
]


class ReportForm(forms.Form):
    found_from = forms.DateField(label=_("发现日期从"), required=False, widget=_DATE)
    found_to = forms.DateField(label=_("发现日期至"), required=False, widget=_DATE)
    as_of = forms.DateField(label=_("状态截至"), required=False, widget=_DATE)
    township = forms.ModelChoiceField(
        label=_("乡镇"),
        queryset=GridCell.objects.none(),
        required=False,
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    cell = CellChoiceField(
        label=_("网格"),
        queryset=GridCell.objects.none(),
        required=False,
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    industry = forms.ChoiceField(
        label=_("行业"),
        choices=[("", _("全部")), *Industry.choices],
        required=False,
        widget=PlainSelect,
    )
    inspector = UserChoiceField(
        label=_("检查人员"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("全部"),
        widget=PlainSelect,
    )
    # 隐患来源: the hazard figures count only hazards of that source; the inspection and
    # enforcement figures are not hazards and stay as they are.
    source = forms.ChoiceField(
        label=_("隐患来源"),
        choices=[("", _("全部")), *Source.choices],
        required=False,
        widget=PlainSelect,
    )
    group = forms.ChoiceField(
        label=_("分组"), choices=GROUP_CHOICES, required=False, widget=PlainSelect
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.fields["township"].queryset = scoping.townships_for(user).order_by(*TOWNSHIP_ORDER)
        self.fields["cell"].queryset = (
            scoping.cells_for(user).filter(level__gte=GridCell.Level.TOWNSHIP).order_by("path")
        )
        self.fields["inspector"].queryset = (
            get_user_model()
            .objects.filter(grid_assignments__cell__in=scoping.cells_for(user).values("pk"))
            .distinct()
            .order_by("username")
        )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["found_from"] = data.get("found_from") or today.replace(month=1, day=1)
        data["found_to"] = data.get("found_to") or today
        data["as_of"] = data.get("as_of") or today
        data["group"] = data.get("group") or GROUP_TOWNSHIP
        if data["found_from"] > data["found_to"]:
            self.add_error("found_to", _("发现日期的结束日不能早于开始日。"))
        if data["as_of"] < data["found_from"]:
            self.add_error("as_of", _("状态截至日不能早于统计期开始日。"))
        township, cell = data.get("township"), data.get("cell")
        if township is not None and cell is not None and cell.township_id != township.pk:
            self.add_error("cell", _("所选网格不在所选乡镇内。"))
        return data

    def criteria(self):
        """Keyword arguments for the query functions (call after is_valid())."""
        d = self.cleaned_data
        return {
            "period_from": d["found_from"],
            "period_to": d["found_to"],
            "as_of": d["as_of"],
            "township": d.get("township"),
            "cell": d.get("cell"),
            "industry": d.get("industry") or "",
            "inspector": d.get("inspector"),
            "source": d.get("source") or "",
        }

    def error_message(self):
        """All errors as one Chinese sentence, for exports and commands (any form)."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                parts.append(f"{label}：{error}" if label else str(error))
        return "；".join(parts)
