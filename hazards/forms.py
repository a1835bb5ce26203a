"""Input of the hazard pages: parsing and validation only; the workflow does the rest.

Photo fields run every upload through ``hazards.photos.process_many`` in ``clean``, so
a form that is valid holds processed photos (oriented, EXIF stripped, JPEG) and a bad
file is a Chinese error on its field before anything is written.
"""

from collections.abc import Mapping
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria.models import Criterion, industry_list
from grid import roles
from hazards import photos, workflow
from hazards.models import Category, Level, Source, Subject, SupervisionOrder
from inspections.forms import one_time_key
from inspections.models import ClientKey

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        base = {"accept": "image/*", "capture": "environment", "multiple": True}
        super().__init__({**base, **(attrs or {})})


class PhotoField(forms.FileField):
    """Several camera photos; ``cleaned_data`` holds ``ProcessedPhoto`` objects."""

    widget = MultiplePhotoInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        for f in files:
            super().clean(f, initial)
        return photos.process_many(files)


class CriteriaField(forms.ModelMultipleChoiceField):
    """判定依据条款: items of the criteria library (criteria.Criterion), linked to the hazard.

    Any item validates here (a repealed one is refused by the workflow, which names the item
    that replaced it). The select is the no-script fallback of the picker
    (static/js/criteria.js): grouped with the enterprise's industry first, then the other
    in-force items, then the repealed ones."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("判定依据条款（判定标准库）"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("从判定标准库选择，可多选；重大隐患由县级销号时必须有至少一条。"),
        )
        super().__init__(
            queryset=Criterion.objects.select_related("standard"),
            widget=forms.SelectMultiple(attrs={"size": 6, "class": "criteria-select"}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        text = obj.text if len(obj.text) <= 40 else obj.text[:39] + "…"
        return f"{obj.short_reference}：{text}"

    def offer(self, industry):
        """Group the select's options (one query): this industry's in-force items first."""
        items = list(self.queryset)
        groups = {"mine": [], "other": [], "repealed": []}
        for item in items:
            applies = industry_list(item.industries or item.standard.industries)
            if item.is_repealed():
                groups["repealed"].append(item)
            elif industry and (not applies or industry in applies):
                groups["mine"].append(item)
            else:
                groups["other"].append(item)
        labels = {
            "mine": _("本行业适用"),
            "other": _("其他行业") if industry else _("现行"),
            "repealed": _("已废止（不能新选）"),
        }
        self.widget.choices = [
            (str(labels[key]), [(i.pk, self.label_from_instance(i)) for i in group])
            for key, group in groups.items()
            if group
        ]


class ExpectedStateForm(forms.Form):
    """Every action form carries the version of the hazard the user was looking at.

    An action form is named in its action's declaration (``hazards.workflow``); its other
    fields are named after the workflow verb's keyword arguments.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)


class SetDeadlineForm(ExpectedStateForm):
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    measures = forms.CharField(label=_("整改措施"), widget=_textarea())
    responsible_person = forms.CharField(label=_("整改责任人"), max_length=50)
    funds_yuan = forms.DecimalField(
        label=_("整改资金（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    contingency_plan = forms.CharField(label=_("应急预案"), required=False, widget=_textarea(2))
    note = forms.CharField(label=_("备注"), required=False, widget=_textarea(2))


class RequestExtensionForm(ExpectedStateForm):
    until = forms.DateField(label=_("申请延期至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), max_length=500, widget=_textarea(2))


class ApproveExtensionForm(ExpectedStateForm):
    note = forms.CharField(label=_("审批意见"), required=False, widget=_textarea(2))


class DeclineExtensionForm(ExpectedStateForm):
    note = forms.CharField(label=_("不予延期的理由"), widget=_textarea(2))


class ExtendDeadlineForm(ExpectedStateForm):
    until = forms.DateField(label=_("延期至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), max_length=500, widget=_textarea(2))


class AcknowledgeForm(ExpectedStateForm):
    """签收整改通知 (an enterprise account)."""

    note = forms.CharField(label=_("签收意见"), required=False, widget=_textarea(2))


class ReportFixedForm(ExpectedStateForm):
    fixed_on = forms.DateField(label=_("整改完成日期"), widget=DATE)
    note = forms.CharField(label=_("整改情况说明"), widget=_textarea())
    after_photos = PhotoField(label=_("整改后照片"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fixed_on"].initial = timezone.localdate()


class RejectFixForm(ExpectedStateForm):
    new_deadline = forms.DateField(label=_("新的整改期限"), widget=DATE)
    note = forms.CharField(label=_("验收不通过的原因"), widget=_textarea())


class CloseOutForm(ExpectedStateForm):
    acceptance_note = forms.CharField(label=_("复查验收/评估意见"), widget=_textarea())
    evidence_photos = PhotoField(label=_("验收材料照片"))


class ReferForm(ExpectedStateForm):
    note = forms.CharField(label=_("移送说明"), widget=_textarea(2))


class VoidForm(ExpectedStateForm):
    reason = forms.CharField(label=_("作废理由"), max_length=500, widget=_textarea(2))


class AmendForm(ExpectedStateForm):
    """更正隐患信息: the facts as they are now, to be corrected with a reason."""

    description = forms.CharField(label=_("隐患描述"), widget=_textarea())
    location = forms.CharField(label=_("部位"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("隐患类别"), choices=Category.choices)
    subject = forms.ChoiceField(label=_("专业类别"), choices=Subject.choices)
    basis_standard = forms.CharField(label=_("判定依据（标准）"), max_length=200, required=False)
    basis_clause = forms.CharField(label=_("判定依据（条款）"), max_length=200, required=False)
    criteria = CriteriaField()
    stop_scope = forms.CharField(label=_("停产停业范围"), max_length=200, required=False)
    measures = forms.CharField(label=_("整改措施"), required=False, widget=_textarea())
    responsible_person = forms.CharField(label=_("整改责任人"), max_length=50, required=False)
    funds_yuan = forms.DecimalField(
        label=_("整改资金（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    contingency_plan = forms.CharField(label=_("应急预案"), required=False, widget=_textarea(2))
    note = forms.CharField(label=_("更正理由"), widget=_textarea(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].offer(self.initial.get("industry", ""))

    @classmethod
    def initial_for(cls, hazard):
        """Prefilled with the hazard's current facts and 判定依据条款; ``industry`` orders
        the items offered."""
        initial = {name: getattr(hazard, name) for name in workflow.AMENDABLE}
        initial["criteria"] = [c.pk for c in hazard.criteria.all()]
        initial["industry"] = hazard.industry
        return initial


class MajorHintForm(ExpectedStateForm):
    """核对重大隐患提示: confirm or dismiss one of the hazard's hints (workflow.major_hints)."""

    criterion = forms.ModelChoiceField(
        label=_("提示的判定条款"),
        queryset=Criterion.objects.select_related("standard"),
        widget=forms.RadioSelect,
    )
    decision = forms.ChoiceField(
        label=_("核对结果"), choices=list(workflow.HINT_DECISIONS.items()), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=_textarea(2),
        help_text=_("忽略提示时须写明理由。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["criterion"]
        hints = self.initial.get("hints")
        if hints is None and self.is_bound:
            raw = str(self.data.get(self.add_prefix("criterion")) or "")
            hints = list(field.queryset.filter(pk=int(raw))) if raw.isdigit() else []
        field.widget.choices = [(c.pk, c.short_reference) for c in hints or ()]

    @classmethod
    def initial_for(cls, hazard):
        hints = workflow.major_hints(hazard)
        return {"hints": hints, "criterion": hints[0].pk if len(hints) == 1 else None}


class _ActionForms(Mapping):
    """Action name → its page form class, read from the workflow's declarations."""

    def __getitem__(self, action):
        declared = workflow.ACTIONS[action]
        if declared.form is None:
            raise KeyError(action)
        return declared.form_class

    def __iter__(self):
        return (a.name for a in workflow.page_forms())

    def __len__(self):
        return len(workflow.page_forms())


ACTION_FORMS = _ActionForms()


class RegisterForm(forms.Form):
    """登记隐患 from an enterprise page: short, one column, camera first."""

    client_key = one_time_key()  # Back + submit gets the hazard already registered

    level = forms.ChoiceField(
        label=_("隐患等级"),
        choices=Level.choices,
        initial=Level.GENERAL,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(label=_("隐患类别"), choices=Category.choices)
    subject = forms.ChoiceField(label=_("专业类别"), choices=Subject.choices, initial="other")
    description = forms.CharField(label=_("隐患描述"), widget=_textarea())
    location = forms.CharField(label=_("部位"), max_length=200, required=False)
    found_on = forms.DateField(label=_("发现日期"), widget=DATE)
    photos = PhotoField(label=_("现场照片（整改前）"))
    basis_standard = forms.CharField(label=_("判定依据（标准）"), max_length=200, required=False)
    basis_clause = forms.CharField(label=_("判定依据（条款）"), max_length=200, required=False)
    criteria = CriteriaField()
    stop_scope = forms.CharField(label=_("停产停业范围"), max_length=200, required=False)
    fixed_on_spot = forms.BooleanField(label=_("立查立改（现场已整改）"), required=False)
    fix_note = forms.CharField(label=_("现场整改情况"), required=False, widget=_textarea(2))
    after_photos = PhotoField(label=_("整改后照片"))
    # 隐患来源: who registers decides it (乡镇检查, 县级检查; an enterprise account 企业自查,
    # with no choice); staff may record a tip-off instead (举报). See ``offer_sources``.
    source = forms.ChoiceField(label=_("隐患来源"), required=False)

    def offer_sources(self, user):
        """The sources ``user`` may choose: their own (the default) or 举报."""
        role = roles.role_of(user)
        if role == roles.ENTERPRISE:
            del self.fields["source"]
            return
        default = Source(workflow.actions.SOURCE_BY_ROLE.get(role, Source.TOWNSHIP))
        field = self.fields["source"]
        field.choices = [(default.value, default.label), (Source.REPORT.value, Source.REPORT.label)]
        field.initial = default.value
        field.error_messages["invalid_choice"] = _("请选择隐患来源。")

    def __init__(self, *args, industry="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_on"].initial = timezone.localdate()
        self.fields["criteria"].offer(industry)

    def clean_found_on(self):
        found_on = self.cleaned_data["found_on"]
        if found_on > timezone.localdate():
            raise ValidationError(_("发现日期不能晚于今天。"))
        return found_on

    def clean(self):
        data = super().clean()
        if data.get("level") == Level.MAJOR:
            # Library items alone will do: the workflow writes their text as the 判定依据.
            for name in ("basis_standard", "basis_clause"):
                if not data.get("criteria") and not (data.get(name) or "").strip():
                    self.add_error(name, _("重大隐患须填写判定依据（标准及条款）。"))
            if data.get("fixed_on_spot"):
                self.add_error(
                    "fixed_on_spot", _("重大隐患不能立查立改，请下达限期整改并制定治理方案。")
                )
        if data.get("fixed_on_spot") and not data.get("after_photos"):
            if "after_photos" not in self.errors:
                self.add_error("after_photos", _("立查立改须上传至少一张整改后照片。"))
        return data


ORDER_TEMPLATE = _(
    "该隐患已超过整改期限仍未整改完毕。请企业立即落实整改措施、责任、资金、时限和预案，"
    "于督办期限前完成整改并书面报告整改情况；整改期间须采取有效防范措施，确保安全。"
)
LISTING_TEMPLATE = _(
    "该重大事故隐患列入挂牌督办。请企业主要负责人组织制定并落实治理方案，"
    "治理期间采取停产停业或局部停产等防范措施，治理完成后申请验收销号。"
)


class IssueOrderForm(forms.Form):
    client_key = one_time_key()  # Back + submit gets the order already issued
    kind = forms.ChoiceField(
        label=_("督办类型"),
        choices=SupervisionOrder.Kind.choices,
        initial=SupervisionOrder.Kind.ORDER,
    )
    deadline = forms.DateField(label=_("督办期限"), widget=DATE)
    requirements = forms.CharField(label=_("督办要求"), widget=_textarea(5))
    authority = forms.CharField(
        label=_("督办单位"),
        max_length=100,
        required=False,
        help_text=_("留空时按级别填写“乡镇安监站”或“县应急管理局”"),
    )
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)

    def __init__(self, *args, hazard=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + timedelta(days=7)
        self.fields["requirements"].initial = ORDER_TEMPLATE
        if hazard is not None and hazard.level != Level.MAJOR:
            self.fields["kind"].choices = [
                (SupervisionOrder.Kind.ORDER, SupervisionOrder.Kind.ORDER.label)
            ]
        elif hazard is not None and not hazard.is_overdue():
            self.fields["kind"].initial = SupervisionOrder.Kind.LISTING
            self.fields["requirements"].initial = LISTING_TEMPLATE
        # A second order for the same hazard is issued only on purpose.
        self.existing_orders = list(hazard.orders.order_by("issued_on", "id")) if hazard else []
        if self.existing_orders:
            numbers = "、".join(o.number for o in self.existing_orders)
            self.fields["confirm_another"] = forms.BooleanField(
                label=_("该隐患已有督办单 %(numbers)s，确认再次下达") % {"numbers": numbers},
                required=False,
            )

    def clean(self):
        data = super().clean()
        # A repeat of an order already issued (same one-time key) is no second order.
        repeat = ClientKey.objects.filter(key=data.get("client_key")).exists()
        if self.existing_orders and not data.get("confirm_another") and not repeat:
            self.add_error("confirm_another", _("该隐患已有督办单，如需再次督办请勾选确认。"))
        return data

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("督办期限不能早于今天。"))
        return deadline
