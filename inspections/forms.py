"""Forms of the inspection pages: they parse input; the services decide the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CompactForm, one_time_key
from core.ids import parse_id
from grid import scoping
from grid.forms import CellChoiceField
from hazards import dates
from hazards.models import Category, Level, Subject
from inspections import groups as group_rules
from inspections.models import (
    ChecklistTemplate,
    EnforcementAction,
    Inspection,
    InspectionGroup,
    InspectionItem,
)
from inspections.services import candidate_inspectors, groups_for, last_outing

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class StartForm(forms.Form):
    client_key = one_time_key()
    # 企业自查 is the enterprise's own, started on its own page (inspections.views_self).
    kind = forms.ChoiceField(
        label=_("检查类型"),
        choices=[c for c in Inspection.Kind.choices if c[0] != Inspection.Kind.SELF],
    )
    is_enforcement = forms.BooleanField(
        label=_("执法检查"), required=False, help_text=_("执法检查须两名及以上执法人员。")
    )
    template = forms.ModelChoiceField(
        label=_("检查表"), queryset=ChecklistTemplate.objects.none(), empty_label=None
    )
    inspectors = InspectorChoiceField(
        label=_("检查人员（检查组）"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择检查人员。")},
    )
    date = forms.DateField(label=_("检查日期"), widget=_DATE)
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprise, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["inspectors"].queryset = candidate_inspectors(enterprise)
        general = self.fields["template"].queryset.filter(industry="").first()
        self.initial.setdefault("template", general.pk if general else None)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("inspectors", [user.pk])
        # The phone's date picker offers only plausible dates (hazards/dates.py).
        today = timezone.localdate()
        self.fields["date"].widget = forms.DateInput(
            attrs={
                "type": "date",
                "min": f"{dates.earliest(today):%Y-%m-%d}",
                "max": f"{today:%Y-%m-%d}",
            },
            format="%Y-%m-%d",
        )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if error := dates.happened_on_error(value, timezone.localdate(), _("检查日期")):
            raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        if data.get("is_enforcement") and len(data.get("inspectors") or []) < 2:
            self.add_error(
                "inspectors", _("执法检查须有两名及以上执法人员，请再选择一名检查人员。")
            )
        return data


class OutingForm(forms.Form):
    """今日出动: the group and the people out today, entered once on the phone; each
    enterprise inspected afterwards belongs to this outing. Defaults: the group the user
    was last out with and the people they were with."""

    group = forms.ModelChoiceField(
        label=_("检查组"), queryset=None, error_messages={"required": _("请选择检查组。")}
    )
    present = InspectorChoiceField(
        label=_("出动人员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    guest_names = forms.CharField(
        label=_("其他出动人员"),
        required=False,
        max_length=500,
        help_text=_("没有账号的人员（专家、其他部门人员），姓名用、分隔"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups = groups_for(user)
        self.fields["group"].queryset = groups
        people = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(inspection_groups__in=groups) | Q(pk=user.pk))
        )
        self.fields["present"].queryset = people.distinct().order_by("first_name", "username")
        last = last_outing(user)
        if last is not None:
            self.initial.setdefault("group", last.group_id)
            self.initial.setdefault("present", [u.pk for u in last.present.all()])
            self.initial.setdefault("guest_names", last.guest_names)
        else:
            self.initial.setdefault("present", [user.pk])


class ItemResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("检查结果"),
        choices=[c for c in InspectionItem.Result.choices if c[0] != "pending"],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择检查结果：合格、不合格或不适用。")},
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
    photo = forms.FileField(label=_("现场照片"), required=False)
    remove_photo = forms.BooleanField(label=_("删除照片"), required=False)


class SubmitForm(forms.Form):
    representative = forms.CharField(label=_("企业陪同签字人员"), required=False, max_length=50)
    refused = forms.BooleanField(label=_("企业拒绝签字"), required=False)
    refusal_note = forms.CharField(label=_("拒签说明"), required=False, max_length=255)
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HazardFromItemForm(forms.Form):
    level = forms.ChoiceField(label=_("隐患等级"), choices=Level.choices)
    category = forms.ChoiceField(label=_("隐患类别"), choices=Category.choices)
    subject = forms.ChoiceField(label=_("专业类别"), choices=Subject.choices)
    description = forms.CharField(
        label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    location = forms.CharField(label=_("部位"), required=False, max_length=200)
    basis_standard = forms.CharField(label=_("判定依据（标准）"), required=False, max_length=200)
    basis_clause = forms.CharField(label=_("判定依据（条款）"), required=False, max_length=200)
    # The 五定, optional: given here, the hazard goes straight on to 限期整改.
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=_DATE)
    measures = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_person = forms.CharField(label=_("整改责任人"), required=False, max_length=50)
    funds_yuan = forms.DecimalField(
        label=_("整改资金（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    contingency_plan = forms.CharField(
        label=_("应急预案"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    FIVE_FIXES = ("deadline", "measures", "responsible_person", "funds_yuan", "contingency_plan")

    def __init__(self, *args, industry="", **kwargs):
        # hazards.forms imports this module (one_time_key): imported here, not at the top.
        from hazards.forms import CriteriaField

        super().__init__(*args, **kwargs)
        # 判定依据条款, preselected with the item's library item on a 重大事故隐患专项检查表
        # (ChecklistItem.criterion); placed after the two 判定依据 text fields.
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("basis_clause") + 1
        criteria = CriteriaField()
        criteria.offer(industry)
        self.fields = dict(fields[:at] + [("criteria", criteria)] + fields[at:])
        today = timezone.localdate()
        self.fields["deadline"].widget = forms.DateInput(
            attrs={
                "type": "date",
                "min": f"{today:%Y-%m-%d}",
                "max": f"{dates.latest_deadline(today):%Y-%m-%d}",
            },
            format="%Y-%m-%d",
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("level") == Level.MAJOR
            and not data.get("criteria")
            and not (
                (data.get("basis_standard") or "").strip()
                and (data.get("basis_clause") or "").strip()
            )
        ):
            raise forms.ValidationError(_("重大隐患须填写判定依据（标准及条款）。"))
        given = [f for f in self.FIVE_FIXES if data.get(f) not in (None, "")]
        if given and not data.get("deadline"):
            self.add_error("deadline", _("填写五定时请填写整改期限；不下达限期整改的，五定留空。"))
        return data

    def hazard_data(self):
        """The arguments of services.create_hazard, the 五定 as ``five_fixes``."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.FIVE_FIXES}
        if self.cleaned_data.get("deadline"):
            data["five_fixes"] = {f: self.cleaned_data.get(f) for f in self.FIVE_FIXES}
            data["five_fixes"]["contingency_plan"] = data["five_fixes"]["contingency_plan"] or ""
        return data


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LinkedChoiceField(forms.ModelChoiceField):
    """Validated against everything in scope; the page lists only the chosen enterprise's."""


class EnforcementForm(forms.Form):
    client_key = one_time_key()
    kind = forms.ChoiceField(label=_("执法类别"), choices=EnforcementAction.Kind.choices)
    document_kind = forms.ChoiceField(
        label=_("文书种类"),
        required=False,
        choices=[("", _("（非执法文书可不选）"))] + list(EnforcementAction.DocumentKind.choices),
    )
    document_number = forms.CharField(label=_("文书编号"), required=False, max_length=60)
    enterprise = EnterpriseChoiceField(label=_("企业"), queryset=None, empty_label=_("请选择企业"))
    inspection = LinkedChoiceField(
        label=_("关联检查"), queryset=None, required=False, empty_label=_("不关联")
    )
    hazard = LinkedChoiceField(
        label=_("关联隐患"), queryset=None, required=False, empty_label=_("不关联")
    )
    date = forms.DateField(label=_("日期"), widget=_DATE)
    fine_yuan = forms.DecimalField(
        label=_("罚款（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        error_messages={"min_value": _("罚款金额不能为负数。")},
    )
    description = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = scoping.enterprises_for(user).only(
            "id", "name", "township_id", "cell_id"
        )
        self.fields["inspection"].queryset = scoping.inspections_for(user)
        self.fields["hazard"].queryset = scoping.hazards_for(user)
        self.initial.setdefault("date", timezone.localdate())
        enterprise_id = self.data.get("enterprise") or self.initial.get("enterprise")
        enterprise_id = parse_id(getattr(enterprise_id, "pk", enterprise_id))
        inspections, hazards = [], []
        if enterprise_id is not None:
            inspections = [
                (i.pk, f"{i.date:%Y-%m-%d} {i.get_kind_display()}")
                for i in scoping.inspections_for(user).filter(enterprise_id=enterprise_id)[:100]
            ]
            hazards = [
                (h.pk, f"{h.number} {h.description[:30]}")
                for h in scoping.hazards_for(user)
                .filter(enterprise_id=enterprise_id)
                .only("id", "number", "description")[:200]
            ]
        self.fields["inspection"].widget.choices = [("", _("不关联"))] + inspections
        self.fields["hazard"].widget.choices = [("", _("不关联"))] + hazards

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise")
        if data.get("kind") == EnforcementAction.Kind.DOCUMENT and not data.get("document_kind"):
            self.add_error("document_kind", _("执法文书须选择文书种类。"))
        if enterprise:
            if data.get("inspection") and data["inspection"].enterprise_id != enterprise.pk:
                self.add_error("inspection", _("关联的检查记录不属于该企业。"))
            if data.get("hazard") and data["hazard"].enterprise_id != enterprise.pk:
                self.add_error("hazard", _("关联的隐患不属于该企业。"))
        return data


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=_DATE)
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=_DATE)
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=None, required=False, empty_label=_("全部乡镇")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = scoping.townships_for(user).order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data


class DailyForm(forms.Form):
    date = forms.DateField(label=_("日期"), required=False, widget=_DATE)
    township = forms.ModelChoiceField(
        label=_("乡镇"), queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = scoping.townships_for(user).order_by("path")


# --- 检查组 on the PC (inspections.groups) -----------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class GroupForm(forms.Form):
    """检查组: formed by a county or township office. The choices are what the user may
    pick (``inspections.groups``); inspections.groups.save_group checks the rules again."""

    name = forms.CharField(
        label=_("检查组名称"),
        max_length=60,
        help_text=_("如纸质记录所写，例如第12检查组"),
        error_messages={"required": _("请填写检查组名称。")},
    )
    unit = CellChoiceField(
        label=_("组织单位"),
        queryset=None,
        empty_label=_("请选择县或乡镇"),
        error_messages={
            "required": _("请选择组织单位。"),
            "invalid_choice": _("请选择您所辖的县或乡镇作为组织单位。"),
        },
    )
    kind = forms.ChoiceField(label=_("检查组类型"), choices=InspectionGroup.Kind.choices)
    members = InspectorChoiceField(
        label=_("组员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选组员不在您的管辖范围内。")},
    )
    leader = PersonChoiceField(
        label=_("组长"),
        queryset=None,
        required=False,
        empty_label=_("（不指定）"),
        error_messages={"invalid_choice": _("所选组长不在您的管辖范围内。")},
    )
    guest_names = forms.CharField(
        label=_("其他组员"),
        required=False,
        max_length=500,
        help_text=_("没有账号的人员（专家、其他部门人员），姓名用、分隔"),
    )
    campaign = forms.CharField(
        label=_("专项行动"), required=False, max_length=120, help_text=_("日常检查可不填")
    )
    starts_on = forms.DateField(label=_("开始日期"), required=False, widget=_DATE)
    ends_on = forms.DateField(label=_("结束日期"), required=False, widget=_DATE)

    def __init__(self, *args, user, group=None, **kwargs):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "unit": group.unit_id,
                    "kind": group.kind,
                    "members": [u.pk for u in group.members.all()],
                    "leader": group.leader_id,
                    "guest_names": group.guest_names,
                    "campaign": group.campaign,
                    "starts_on": group.starts_on,
                    "ends_on": group.ends_on,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = group_rules.units_for(user)
        people = group_rules.people_for(user, keep=group.members.all() if group else ())
        self.fields["members"].queryset = people
        self.fields["leader"].queryset = people
        units = list(self.fields["unit"].queryset[:2])
        if group is None and len(units) == 1:
            self.initial.setdefault("unit", units[0].pk)

    def clean(self):
        data = super().clean()
        if not data.get("members") and not (data.get("guest_names") or "").strip():
            self.add_error("members", _("请至少选择一名组员或填写其他组员。"))
        if data.get("leader") and data.get("members") is not None:
            if data["leader"] not in data["members"]:
                self.add_error("leader", _("组长须是本组组员，请同时勾选组长。"))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class GroupFilterForm(CompactForm):
    ACTIVE = [("", _("全部")), ("yes", _("进行中")), ("no", _("已结束"))]

    kind = forms.ChoiceField(
        label=_("检查组类型"),
        required=False,
        choices=[("", _("全部类型")), *InspectionGroup.Kind.choices],
    )
    campaign = forms.ChoiceField(label=_("专项行动"), required=False, choices=())
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE)

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", _("全部专项行动"))] + [(c, c) for c in campaigns]
