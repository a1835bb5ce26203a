"""The form an enterprise account starts its own self-inspection (企业自查) with."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards import dates
from inspections.forms import one_time_key
from inspections.models import ChecklistTemplate


class SelfStartForm(forms.Form):
    client_key = one_time_key()
    template = forms.ModelChoiceField(
        label=_("检查表"),
        queryset=ChecklistTemplate.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("请选择检查表。"),
            "invalid_choice": _("请选择启用中的检查表。"),
        },
    )
    date = forms.DateField(
        label=_("自查日期"), error_messages={"invalid": _("请填写有效的自查日期。")}
    )
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        templates = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["template"].queryset = templates
        # The checklist of the enterprise's industry first, else the general one.
        own = templates.filter(industry=enterprise.industry).first()
        general = templates.filter(industry="").first()
        chosen = own or general
        self.initial.setdefault("template", chosen.pk if chosen else None)
        today = timezone.localdate()
        self.initial.setdefault("date", today)
        self.fields["date"].widget = forms.DateInput(
            attrs={
                "type": "date",
                "min": f"{dates.earliest(today):%Y-%m-%d}",
                "max": f"{today:%Y-%m-%d}",
            },
            format="%Y-%m-%d",
        )
