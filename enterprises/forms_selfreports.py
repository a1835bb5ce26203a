"""Input of the self-report pages (enterprises.views_selfreports); enterprises.selfreports
checks the rules and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CompactForm


class MonthlyForm(forms.Form):
    no_hazards = forms.BooleanField(label=_("本月未发现隐患"), required=False)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("更正原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("更正已填报的月报时必填。"),
    )


class QuarterlyForm(forms.Form):
    principal = forms.CharField(label=_("主要负责人"), max_length=50)
    signed_on = forms.DateField(
        label=_("签字日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("更正原因"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("更正已填报的季报时必填。"),
    )


class RatesForm(CompactForm):
    """The month (and so its quarter), the grouping and, for the county, a township."""

    month = forms.RegexField(
        label=_("月份"),
        regex=r"^\d{4}-\d{2}$",
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("月份格式应为 2026-10。")},
    )
    group = forms.ChoiceField(
        label=_("分组"),
        choices=[("cell", _("按村（网格）")), ("industry", _("按行业"))],
        initial="cell",
        required=False,
    )
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=None, required=False)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["township"].empty_label = _("全部乡镇")
