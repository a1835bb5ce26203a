from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Cause


class PreferenceForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("不再提醒我"),
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只影响您自己：上级和其他人照常收到提醒。"),
    )


class WebhookForm(forms.Form):
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=None, empty_label=None)
    url = forms.URLField(
        label=_("群机器人地址"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("企业微信或钉钉群机器人的 Webhook 地址；留空则不推送。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if url and not url.startswith(("http://", "https://")):
            raise forms.ValidationError(_("群机器人地址须以 http:// 或 https:// 开头。"))
        return url
