from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.validators import validate_uscc

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$",
    _("请输入有效的电话号码：11位手机号，或区号-座机号（如 0539-4123456）。"),
)


class Industry(models.TextChoices):
    NON_COAL_MINE = "non_coal_mine", _("非煤矿山")
    HAZARDOUS_CHEMICALS = "hazchem", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    METALLURGY = "metallurgy", _("工贸-冶金")
    NONFERROUS = "nonferrous", _("工贸-有色")
    BUILDING_MATERIALS = "building_materials", _("工贸-建材")
    MACHINERY = "machinery", _("工贸-机械")
    LIGHT_INDUSTRY = "light", _("工贸-轻工")
    TEXTILE = "textile", _("工贸-纺织")
    TOBACCO = "tobacco", _("工贸-烟草")
    COMMERCE = "commerce", _("工贸-商贸")
    CONSTRUCTION = "construction", _("建筑施工")
    FIRE_KEY_UNIT = "fire_key_unit", _("消防重点单位")
    ROAD_TRANSPORT = "road_transport", _("道路交通/运输")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    FOOD_SAFETY = "food_safety", _("食品安全")
    CULTURE_EDUCATION = "culture_education", _("文化教育")
    TOURISM = "tourism", _("旅游")
    GAS = "gas", _("燃气")
    OTHER = "other", _("其他")


class Scale(models.TextChoices):
    ABOVE = "above", _("规模以上")
    BELOW = "below", _("规模以下")


class RiskColour(models.TextChoices):
    RED = "red", _("红（重大风险）")
    ORANGE = "orange", _("橙（较大风险）")
    YELLOW = "yellow", _("黄（一般风险）")
    BLUE = "blue", _("蓝（低风险）")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("正常生产")
    SUSPENDED = "suspended", _("停产整顿")
    SEASONAL = "seasonal", _("季节性停产")
    CLOSED = "closed", _("关闭注销")


class Enterprise(models.Model):
    """A 生产经营单位 in one village-level grid cell."""

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices, default=Scale.BELOW)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    safety_officer = models.CharField(_("安全负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=24, blank=True, validators=[phone_validator])
    cell = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所属网格"),
    )
    township = models.ForeignKey(
        "grid.GridCell",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("乡镇"),
    )
    risk = models.CharField(
        _("风险等级"), max_length=8, choices=RiskColour.choices, default=RiskColour.BLUE
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="enterprises_in_charge",
        verbose_name=_("包保责任人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["township_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"),
                name="enterprise_uscc_shape",
            ),
            models.CheckConstraint(
                condition=models.Q(industry__in=Industry.values), name="enterprise_industry_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(risk__in=RiskColour.values), name="enterprise_risk_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(scale__in=Scale.values), name="enterprise_scale_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EnterpriseStatus.values),
                name="enterprise_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "name", "id"], name="enterprise_by_township"),
            models.Index(fields=["cell", "risk"], name="enterprise_by_cell_risk"),
        ]

    def __str__(self):
        return self.name


class EnterpriseAccount(models.Model):
    """The login of one enterprise (role 企业, grid.roles.ENTERPRISE): its user sees that
    enterprise alone (grid.scoping). Deactivated with the user, never deleted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enterprise_account",
        verbose_name=_("用户"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("企业")
    )
    phone = models.CharField(_("手机号"), max_length=24, blank=True, validators=[phone_validator])
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")
        ordering = ["enterprise_id", "id"]

    def __str__(self):
        return f"{self.enterprise} {self.user.username}"


# --- 自查自报: the enterprise's monthly and quarterly self-reports (enterprises/selfreports.py,
# docs/domain.md#self-reports). A period is reported once; a correction keeps what it replaced.


class SelfReport(models.Model):
    """What a monthly and a quarterly self-report both hold: who filed it, when, and which
    version it is (each correction adds one)."""

    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填报人"),
    )
    submitted_at = models.DateTimeField(_("填报时间"), default=timezone.now, editable=False)
    version = models.PositiveSmallIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class MonthlySelfReport(SelfReport):
    """月度自查自报: the enterprise confirms what it found and fixed in one month, read from
    its hazard records when it submits ("本月未发现隐患" when it found none)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    no_hazards = models.BooleanField(_("本月未发现隐患"), default=False)
    found = models.PositiveIntegerField(_("本月排查隐患数"), default=0)
    fixed = models.PositiveIntegerField(_("本月整改隐患数"), default=0)

    class Meta:
        verbose_name = _("月度自查自报")
        verbose_name_plural = _("月度自查自报")
        ordering = ["enterprise_id", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"],
                name="monthlyselfreport_once_per_month",
                violation_error_message=_("该月已填报。"),
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12),
                name="monthlyselfreport_month_1_12",
                violation_error_message=_("月份应为 1 至 12。"),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000), name="monthlyselfreport_year_plausible"
            ),
            # "本月未发现隐患" exactly when the records of the month hold no hazard.
            models.CheckConstraint(
                condition=models.Q(no_hazards=True, found=0)
                | models.Q(no_hazards=False, found__gt=0),
                name="monthlyselfreport_none_means_zero",
                violation_error_message=_("本月未发现隐患与本月排查隐患数不一致。"),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}-{self.month:02d}"


class QuarterlySelfReport(SelfReport):
    """季度隐患排查治理情况统计表 (16号令): the figures of the quarter computed from the
    enterprise's hazard records when it submits, frozen, signed by its 主要负责人."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
        verbose_name=_("企业"),
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    figures = models.JSONField(_("统计数据"), default=dict, editable=False)
    as_of = models.DateField(_("状态截至"), editable=False)
    principal = models.CharField(_("主要负责人"), max_length=50)
    signed_on = models.DateField(_("签字日期"))

    class Meta:
        verbose_name = _("季度自查统计表")
        verbose_name_plural = _("季度自查统计表")
        ordering = ["enterprise_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"],
                name="quarterlyselfreport_once_per_quarter",
                violation_error_message=_("该季度已填报。"),
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="quarterlyselfreport_quarter_1_4",
                violation_error_message=_("季度应为 1 至 4。"),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000), name="quarterlyselfreport_year_plausible"
            ),
            models.CheckConstraint(
                condition=~models.Q(principal=""), name="quarterlyselfreport_principal_named"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}-Q{self.quarter}"


class SelfReportCorrection(models.Model):
    """One correction of a monthly or quarterly self-report: the reason and the values it
    replaced (``before``) and wrote (``after``). Append-only: a report is never overwritten
    without one."""

    monthly = models.ForeignKey(
        MonthlySelfReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("月度自查自报"),
    )
    quarterly = models.ForeignKey(
        QuarterlySelfReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("季度自查统计表"),
    )
    version = models.PositiveSmallIntegerField(_("更正前版本"))
    before = models.JSONField(_("更正前"), default=dict)
    after = models.JSONField(_("更正后"), default=dict)
    reason = models.TextField(_("更正原因"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("更正人"),
    )
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("自查自报更正记录")
        verbose_name_plural = _("自查自报更正记录")
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly__isnull=False, quarterly__isnull=True)
                | models.Q(monthly__isnull=True, quarterly__isnull=False),
                name="selfreportcorrection_one_report",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="selfreportcorrection_reason_given"
            ),
        ]

    def __str__(self):
        return f"{self.monthly_id or self.quarterly_id} v{self.version}"
