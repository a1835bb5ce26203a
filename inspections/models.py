from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import HazardLevel
from core.models import ClientKey  # noqa: F401 — moved to core (one-time keys, core.keys)


class ChecklistTemplate(models.Model):
    """检查表: categories of numbered items. Edited by administrators in the admin."""

    name = models.CharField(_("检查表名称"), max_length=120, unique=True)
    industry = models.CharField(
        _("适用行业"), max_length=32, blank=True, help_text=_("留空表示通用")
    )
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChecklistCategory(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("检查表"),
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("类别名称"), max_length=100)

    class Meta:
        verbose_name = _("检查类别")
        verbose_name_plural = _("检查类别")
        ordering = ["template_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="checklistcategory_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ChecklistItem(models.Model):
    category = models.ForeignKey(
        ChecklistCategory,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("类别"),
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("检查内容"))
    basis = models.CharField(_("依据"), max_length=255, blank=True)
    default_level = models.CharField(
        _("默认隐患等级"),
        max_length=8,
        choices=HazardLevel.choices,
        default=HazardLevel.GENERAL,
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # The 判定标准库 item this check is (a 重大事故隐患专项检查表 generated from the library,
    # inspections.criteria_checklists): a hazard registered from a failed item is offered it.
    criterion = models.ForeignKey(
        "criteria.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklist_items",
        verbose_name=_("判定标准条目"),
    )

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["category__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "number"], name="checklistitem_unique_number"
            )
        ]

    def __str__(self):
        return self.text[:40]


class InspectionGroup(models.Model):
    """检查组: a team an office forms (a leader and members, for a day or a campaign) that
    goes out and inspects enterprise after enterprise. ``unit`` is the grid cell of the
    office that formed it (the county or a township); a county's group inspects anywhere."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常")
        SPECIAL = "special", _("专项")
        SUPERVISION = "supervision", _("督查")
        ENFORCEMENT = "enforcement", _("执法")
        JOINT = "joint", _("联合")

    name = models.CharField(
        _("检查组"), max_length=60, help_text=_("如纸质记录所写，例如第12检查组")
    )
    unit = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("组织单位"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组长"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="inspection_groups",
        verbose_name=_("组员"),
    )
    guest_names = models.TextField(
        _("其他组员"), blank=True, help_text=_("没有账号的人员（专家、其他部门人员），以、分隔")
    )
    kind = models.CharField(
        _("检查组类型"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE
    )
    campaign = models.CharField(_("专项行动"), max_length=120, blank=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查组")
        verbose_name_plural = _("检查组")
        ordering = ["unit_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="inspectiongroup_unique_name"),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["routine", "special", "supervision", "enforcement", "joint"]
                ),
                name="inspectiongroup_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="inspectiongroup_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name


class Outing(models.Model):
    """出动: one inspection group on one date, with the members who were there. Each
    enterprise inspection of that day belongs to it; 出动检查人次 sums ``person_count``."""

    group = models.ForeignKey(
        InspectionGroup, on_delete=models.PROTECT, related_name="outings", verbose_name=_("检查组")
    )
    date = models.DateField(_("出动日期"))
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="outings", verbose_name=_("出动人员")
    )
    guest_names = models.TextField(_("其他出动人员"), blank=True)
    # The distinct members present (users and guest names), kept with the record so
    # 出动检查人次 is a plain SUM; written only by inspections.services and the imports.
    person_count = models.PositiveSmallIntegerField(_("出动人数"), default=1)

    class Meta:
        verbose_name = _("出动")
        verbose_name_plural = _("出动")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "date"], name="outing_unique_group_date"),
            models.CheckConstraint(
                condition=models.Q(person_count__gte=1), name="outing_has_people"
            ),
        ]

    def __str__(self):
        return f"{self.group} {self.date:%Y-%m-%d}"


class InspectionQuerySet(models.QuerySet):
    def counted(self):
        """The inspections the government figures count (``COUNTED``)."""
        return self.filter(COUNTED)


class Inspection(models.Model):
    """One enterprise inspected by an inspection group on one of its outings (检查), or by
    the enterprise itself (企业自查, kind ``self``: no group, no outing)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常检查")
        SPECIAL = "special", _("专项检查")
        SUPERVISION = "supervision", _("督查")
        RECHECK = "recheck", _("复查")
        SELF = "self", _("企业自查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        SUBMITTED = "submitted", _("已提交")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("企业"),
    )
    cell = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("网格"),
    )
    township = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("乡镇"),
    )
    date = models.DateField(_("检查日期"))
    kind = models.CharField(
        _("检查类型"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE
    )
    is_enforcement = models.BooleanField(
        _("执法检查"), default=False, help_text=_("执法检查须两名及以上执法人员")
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("检查表"),
    )
    outing = models.ForeignKey(
        Outing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("出动"),
    )
    # The members of the outing present at this enterprise (检查人员).
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections", verbose_name=_("检查人员")
    )
    # The size of the group, kept with the record so 出动检查人次 is a plain SUM.
    inspector_count = models.PositiveSmallIntegerField(_("检查人数"), default=1)
    representative = models.CharField(_("企业陪同人员（签字）"), max_length=50, blank=True)
    representative_refused = models.BooleanField(_("企业拒绝签字"), default=False)
    refusal_note = models.CharField(_("拒签说明"), max_length=255, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # Loaded from a spreadsheet of paper records (import_inspections): no checklist answers.
    is_imported = models.BooleanField(_("由表格导入"), default=False, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(inspector_count__gte=1), name="inspection_has_inspectors"
            ),
            # An outing inspects an enterprise once.
            models.UniqueConstraint(
                fields=["outing", "enterprise"], name="inspection_once_per_outing"
            ),
            models.CheckConstraint(
                condition=models.Q(is_enforcement=False) | models.Q(inspector_count__gte=2),
                name="inspection_enforcement_needs_two",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="inspection_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted"]),
                name="inspection_status_valid",
            ),
            # A submitted form carries the representative's signature or the refusal note.
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | ~models.Q(representative="")
                | (models.Q(representative_refused=True) & ~models.Q(refusal_note="")),
                name="inspection_submitted_is_signed",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["routine", "special", "supervision", "recheck", "self"]
                ),
                name="inspection_kind_valid",
            ),
            # 企业自查 has no inspection group: never an outing. (Not the converse: rows
            # written in bulk, e.g. by bench/generate.py, are government inspections
            # without an outing.)
            models.CheckConstraint(
                condition=~models.Q(kind="self") | models.Q(outing__isnull=True),
                name="inspection_self_has_no_outing",
            ),
        ]
        indexes = [
            # Reports: inspections in a period, per township. Township first, as every scoped
            # query filters on it; status because reports count submitted inspections only;
            # kind (the COUNTED term leaves 企业自查 out) and outing so that the summary's
            # 检查组数 / 出动检查人次 read the index alone (issue 17: 4× the SQL without).
            models.Index(
                fields=[
                    "township",
                    "date",
                    "status",
                    "kind",
                    "enterprise",
                    "inspector_count",
                    "outing",
                ],
                name="inspection_report_cover2",
            ),
            models.Index(fields=["enterprise", "-date"], name="inspection_by_enterprise"),
            # The list's order (newest first) for a scope of whole townships: the county's
            # first page walks it and stops after a page instead of sorting every inspection
            # (issue 17), as hazard_list_all does for the ledger.
            models.Index(fields=["-date", "-id"], name="inspection_list_all"),
            # The report pages' data stamp (reports.queries._data_stamp): the latest
            # submission is one index lookup, so a submitted inspection counts at once.
            models.Index(fields=["submitted_at"], name="inspection_submitted"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.date:%Y-%m-%d}"

    @property
    def is_locked(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_self(self):
        return self.kind == self.Kind.SELF


# 计入统计的检查 (docs/domain.md#the-numbers): submitted inspections of the government side.
# An enterprise's own 企业自查 never counts in 检查组数, 出动检查人次, 检查企业数, the coverage
# or the daily report. Every figure over inspections starts from this one term.
COUNTED = models.Q(status=Inspection.Status.SUBMITTED) & ~models.Q(kind=Inspection.Kind.SELF)


class InspectionItem(models.Model):
    """A snapshot of one checklist item as the inspection used it, with its result."""

    class Result(models.TextChoices):
        PENDING = "pending", _("未检查")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")
        NA = "na", _("不适用")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="items", verbose_name=_("检查记录")
    )
    source_item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来源检查项"),
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    category_number = models.PositiveSmallIntegerField(_("类别序号"))
    category_name = models.CharField(_("类别"), max_length=100)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("检查内容"))
    basis = models.CharField(_("依据"), max_length=255, blank=True)
    default_level = models.CharField(
        _("默认隐患等级"), max_length=8, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    result = models.CharField(
        _("检查结果"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.ImageField(_("现场照片"), upload_to="inspections/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("检查项结果")
        verbose_name_plural = _("检查项结果")
        ordering = ["inspection_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "position"], name="inspectionitem_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(result__in=["pending", "pass", "fail", "na"]),
                name="inspectionitem_result_valid",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "result"], name="inspectionitem_by_result")]

    def __str__(self):
        return f"{self.category_number}.{self.number} {self.text[:30]}"

    @property
    def code(self):
        return f"{self.category_number}.{self.number}"


class EnforcementAction(models.Model):
    """执法: documents, warning talks, cases filed, stop orders, with fines in yuan."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("执法文书")
        TALK = "talk", _("约谈提醒")
        CASE = "case", _("立案查处")
        SUSPENSION = "suspension", _("责令停产停业")

    class DocumentKind(models.TextChoices):
        RECTIFY_ORDER = "rectify_order", _("责令限期整改指令书")
        ONSITE_DECISION = "onsite_decision", _("现场处理措施决定书")
        RECHECK_OPINION = "recheck_opinion", _("整改复查意见书")
        PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
        INQUIRY_RECORD = "inquiry_record", _("询问笔录")
        OTHER = "other", _("其他文书")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    document_kind = models.CharField(
        _("文书种类"), max_length=24, choices=DocumentKind.choices, blank=True
    )
    document_number = models.CharField(_("文书编号"), max_length=60, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="enforcement_actions",
        verbose_name=_("企业"),
    )
    cell = models.ForeignKey(
        "grid.GridCell", on_delete=models.PROTECT, related_name="+", editable=False
    )
    township = models.ForeignKey(
        "grid.GridCell", on_delete=models.PROTECT, related_name="+", editable=False
    )
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_actions",
        verbose_name=_("关联检查"),
    )
    hazard = models.ForeignKey(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enforcement_actions",
        verbose_name=_("关联隐患"),
    )
    date = models.DateField(_("日期"))
    fine_yuan = models.DecimalField(_("罚款（元）"), max_digits=12, decimal_places=2, default=0)
    description = models.TextField(_("内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法记录")
        verbose_name_plural = _("执法记录")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fine_yuan__gte=0), name="enforcement_fine_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["document", "talk", "case", "suspension"]),
                name="enforcement_kind_valid",
            ),
            # An enforcement document names its kind.
            models.CheckConstraint(
                condition=~models.Q(kind="document") | ~models.Q(document_kind=""),
                name="enforcement_document_has_kind",
            ),
        ]
        indexes = [
            models.Index(
                fields=["township", "date", "kind", "fine_yuan"], name="enforcement_report_cover"
            ),
            # The list's order for a scope of whole townships (the county's first page walks
            # it instead of sorting every action: 1.2 s at 1,000,000 hazards, issue 17).
            models.Index(fields=["-date", "-id"], name="enforcement_list_all"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.enterprise}"
