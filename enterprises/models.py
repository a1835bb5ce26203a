from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
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
