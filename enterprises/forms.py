"""Parsing and validating enterprise input; saving is enterprises.services' job."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises import services
from enterprises.models import Enterprise
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
