from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry


class CriteriaFilterForm(forms.Form):
    industry = forms.ChoiceField(
        label=_("行业"),
        choices=[("", _("全部"))] + list(Industry.choices),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "type": "search",
                "placeholder": _("如 粉尘、受限空间、承包"),
            }
        ),
    )
    repealed = forms.BooleanField(
        label=_("含已废止标准"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class LoadForm(forms.Form):
    file = forms.FileField(
        label=_("判定标准文件（.json）"),
        help_text=_("按模板填写的 JSON 文件，UTF-8 编码。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json", "class": "form-control"}
        ),
    )
    dry_run = forms.BooleanField(
        label=_("仅检查，不写入（试导入）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
