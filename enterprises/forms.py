"""Parsing and validating enterprise input; saving is enterprises.services' job."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises import services
from enterprises.models import Enterprise, phone_validator
from enterprises.validators import normalize_uscc

# A credit code is unique county-wide, so a code already taken is refused whoever holds
# it; the refusal says nothing about that enterprise (it may lie outside the user's cells).
USCC_TAKEN = _("该统一社会信用代码已登记，请联系县级管理员。")


def cell_label(cell):
    """A village as "乡镇 · 工作区 · 村" (township and parent come select_related)."""
    parts = []
    if cell.township_id and cell.township_id != cell.pk and cell.township:
        parts.append(cell.township.name)
    if cell.parent_id and cell.parent_id != cell.township_id and cell.parent:
        parts.append(cell.parent.name)
    parts.append(cell.name)
    return " · ".join(parts)


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return cell_label(obj)


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full}（{obj.username}）" if full else obj.username


class EnterpriseForm(forms.ModelForm):
    """Create/edit an enterprise. ``user`` bounds the cells and the 包保 choices."""

    cell = VillageChoiceField(queryset=None, label=_("所属网格"))
    inspectors = InspectorChoiceField(
        queryset=None,
        required=False,
        label=_("包保责任人"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("实名包保：可选您负责网格内的工作人员，可多选。"),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "industry",
            "scale",
            "cell",
            "address",
            "legal_representative",
            "safety_officer",
            "phone",
            "risk",
            "status",
            "inspectors",
        ]
        error_messages = {
            "uscc": {"unique": USCC_TAKEN},
            "name": {"required": _("请填写企业名称。")},
        }
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["cell"].queryset = services.village_choices(user)
        self.fields["inspectors"].queryset = services.inspector_choices(user)
        self.fields["uscc"].widget.attrs.update(
            {"autocapitalize": "characters", "maxlength": "18", "spellcheck": "false"}
        )

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data.get("uscc"))


class AccountForm(forms.Form):
    """A new enterprise account (enterprises.accounts.create_account)."""

    username = forms.RegexField(
        label=_("登录名"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]{3,150}$",
        error_messages={"invalid": _("登录名只能用字母、数字和 _ . -，至少3位。")},
    )
    name = forms.CharField(label=_("姓名"), max_length=150)
    phone = forms.CharField(
        label=_("手机号"), max_length=24, required=False, validators=[phone_validator]
    )


class BulkAccountsForm(forms.Form):
    """The enterprises ticked on the enterprise list (``ids``), one account each."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=_("企业"))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises
        self.fields["ids"].choices = [(e.pk, e.name) for e in enterprises]
        self.fields["ids"].error_messages["invalid_choice"] = _("所选企业不存在或不在您的辖区。")
        self.fields["ids"].error_messages["required"] = _("请至少选择一家企业。")


class DisclosurePeriodForm(forms.Form):
    """The period of a 公示 (enterprises.views_disclosure): found dates from … to …."""

    start = forms.DateField(
        label=_("自"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("结束日期不能早于开始日期。"))
        return data
