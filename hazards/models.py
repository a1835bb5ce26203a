import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import HazardLevel

Level = HazardLevel


class Status(models.TextChoices):
    FOUND = "found", _("已登记")
    DEADLINE = "deadline", _("限期整改")
    FIXED = "fixed", _("已整改待验收")
    CLOSED = "closed", _("已销号")
    VOID = "void", _("已作废")


OPEN_STATES = frozenset({Status.FOUND, Status.DEADLINE, Status.FIXED})
TERMINAL_STATES = frozenset({Status.CLOSED, Status.VOID})


class Category(models.TextChoices):
    UNSAFE_CONDITION = "condition", _("物的不安全状态")
    UNSAFE_BEHAVIOUR = "behaviour", _("人的不安全行为")
    MANAGEMENT = "management", _("管理缺陷")


class Subject(models.TextChoices):
    FIRE = "fire", _("消防")
    ELECTRICAL = "electrical", _("电气")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")
    HAZCHEM = "hazchem", _("危化品")
    CONFINED_SPACE = "confined_space", _("有限空间")
    DUST = "dust", _("粉尘")
    MACHINERY = "machinery", _("机械")
    WORK_AT_HEIGHT = "height", _("高处作业")
    GAS = "gas", _("燃气")
    BUILDING = "building", _("建筑结构")
    OCCUPATIONAL_HEALTH = "occupational_health", _("职业健康")
    MANAGEMENT = "management", _("安全管理")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    """Who found the hazard (issue 14): the reports can split by it."""

    SELF = "self", _("企业自查")
    TOWNSHIP = "township", _("乡镇检查")
    COUNTY = "county", _("县级检查")
    REPORT = "report", _("举报")
    IMPORT = "import", _("导入")


class ListingLevel(models.TextChoices):
    NONE = "", _("未挂牌")
    TOWNSHIP = "township", _("乡镇挂牌督办")
    COUNTY = "county", _("县级挂牌督办")


# --- The business terms of docs/domain.md#the-numbers, each defined once. ---------------
# A term is written once, as a Q object of the as-of date. The reports (grouped
# Count(filter=...)), the ledger's status filter and tabs, the exports and the badges all
# read it: the SQL side through ``term.q(as_of)``, the Python side through
# ``term.holds(hazard, as_of)``, which evaluates that same Q object against the hazard's
# fields. So a figure, the list behind it, its Excel file and the badge on a row cannot
# disagree. ``as_of`` is the date the status is read at (default: today in Asia/Shanghai);
# with today's date it matches the current status exactly. Reading a status "as of" a
# date goes through ``Term.q`` and nowhere else.


def _value(obj, name):
    value = obj
    for part in name.split("__"):
        value = getattr(value, part)
    return value


def _operand(obj, value):
    return _value(obj, value.name) if isinstance(value, models.F) else value


_LOOKUPS = ("exact", "in", "lt", "lte", "gt", "gte", "isnull")


def _compare(lookup, left, right):
    if lookup == "isnull":
        return (left is None) == bool(right)
    if left is None or right is None:
        return False  # SQL: a comparison with NULL is never true
    if lookup == "exact":
        return left == right
    if lookup == "in":
        return left in right
    if lookup == "lt":
        return left < right
    if lookup == "lte":
        return left <= right
    if lookup == "gt":
        return left > right
    if lookup == "gte":
        return left >= right
    raise ValueError(f"lookup {lookup!r} has no Python reading")


def matches(q, obj):
    """Whether ``obj`` satisfies ``q``, read in Python from its attributes.

    Supports what the terms use: AND/OR/NOT, exact, in, lt, lte, gt, gte, isnull, and F()
    on the right. Anything else raises ValueError rather than guess.
    """

    def child_holds(child):
        if isinstance(child, Q):
            return matches(child, obj)
        name, right = child
        field, _sep, lookup = name.rpartition("__")
        if lookup not in _LOOKUPS:
            if field and not hasattr(_value(obj, field), lookup):
                raise ValueError(f"lookup {lookup!r} has no Python reading")
            field, lookup = name, "exact"
        return _compare(lookup, _value(obj, field), _operand(obj, right))

    results = (child_holds(child) for child in q.children)  # short-circuits like SQL may
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


class Term:
    """One business term: its Q object of the as-of date, and the Python reading of it."""

    def __init__(self, name, definition):
        self.name = name
        self._definition = definition
        self.__doc__ = definition.__doc__

    def q(self, as_of=None):
        return self._definition(as_of or timezone.localdate())

    def holds(self, hazard, as_of=None):
        """Whether ``hazard`` (a Hazard or any object with its fields) is in the term."""
        return matches(self.q(as_of), hazard)

    def __repr__(self):
        return f"<Term {self.name}>"


def _counted(as_of):
    """Counted in statistics: everything but VOID (a false report was never a hazard)."""
    return ~Q(status=Status.VOID)


def _open(as_of):
    """在办 (未销号): found, in DEADLINE or fixed awaiting close-out."""
    return Q(status__in=sorted(OPEN_STATES))


def _rectified(as_of):
    """已整改: general hazards FIXED or CLOSED; major hazards only CLOSED (已整改销号)."""
    general = Q(level=Level.GENERAL, status__in=[Status.FIXED, Status.CLOSED], fixed_on__lte=as_of)
    major = Q(level=Level.MAJOR, status=Status.CLOSED, closed_on__lte=as_of)
    return general | major


def _closed(as_of):
    """销号: CLOSED on or before the as-of date."""
    return Q(status=Status.CLOSED, closed_on__lte=as_of)


def _overdue(as_of):
    """逾期: in DEADLINE past the deadline on the as-of date (never stored)."""
    still_open = Q(status=Status.DEADLINE, deadline__lt=as_of)
    if as_of >= timezone.localdate():
        # Nothing is fixed in the future (the workflow and the import refuse it), so for
        # today or later the plain condition is exact — and it can use an index.
        return still_open
    fixed_later = Q(
        status__in=[Status.FIXED, Status.CLOSED], deadline__lt=as_of, fixed_on__gt=as_of
    )
    return still_open | fixed_later


def _on_time(as_of):
    """按期整改: rectified, and fixed by the original deadline (no deadline: on the spot)."""
    return _rectified(as_of) & (
        Q(original_deadline__isnull=True) | Q(fixed_on__lte=models.F("original_deadline"))
    )


COUNTED = Term("counted", _counted)
OPEN = Term("open", _open)
RECTIFIED = Term("rectified", _rectified)
CLOSED = Term("closed", _closed)
OVERDUE = Term("overdue", _overdue)
ON_TIME = Term("on_time", _on_time)


def overdue_days(hazard, as_of=None):
    """Days past the deadline on ``as_of`` when the hazard is 逾期 then, else None."""
    as_of = as_of or timezone.localdate()
    if not OVERDUE.holds(hazard, as_of):
        return None
    return (as_of - hazard.deadline).days


class HazardQuerySet(models.QuerySet):
    def counted(self):
        """Hazards that count in statistics (VOID is kept but never counted)."""
        return self.filter(COUNTED.q())

    def open(self, as_of=None):
        return self.filter(OPEN.q(as_of))

    def overdue(self, as_of=None):
        """逾期 on ``as_of`` (default: today in Asia/Shanghai)."""
        return self.filter(OVERDUE.q(as_of))


class Hazard(models.Model):
    """隐患: one hidden hazard and its rectification. Only hazards.workflow changes status."""

    number = models.CharField(_("隐患编号"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="hazards",
        verbose_name=_("企业"),
    )
    # Copied from the enterprise at registration, like a checklist snapshot: scoping and
    # reports filter on these columns and never join to resolve them.
    cell = models.ForeignKey(
        "grid.GridCell", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格")
    )
    township = models.ForeignKey(
        "grid.GridCell", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    industry = models.CharField(_("行业"), max_length=32)
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("来源检查"),
    )
    inspection_item = models.ForeignKey(
        "inspections.InspectionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("来源检查项"),
    )
    checklist_item = models.ForeignKey(
        "inspections.ChecklistItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("检查表条目"),
    )
    level = models.CharField(_("隐患等级"), max_length=8, choices=Level.choices)
    category = models.CharField(_("隐患类别"), max_length=12, choices=Category.choices)
    subject = models.CharField(
        _("专业类别"), max_length=24, choices=Subject.choices, default=Subject.OTHER
    )
    description = models.TextField(_("隐患描述"))
    location = models.CharField(_("部位"), max_length=200, blank=True)
    found_on = models.DateField(_("发现日期"))
    finders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="hazards_found", verbose_name=_("检查人员")
    )
    finder_names = models.CharField(
        _("检查人员（导入）"),
        max_length=200,
        blank=True,
        help_text=_("从旧台账导入时的检查人员姓名"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    # Set at registration from the registering role (workflow.register), 导入 by imports.
    source = models.CharField(
        _("隐患来源"), max_length=10, choices=Source.choices, default=Source.TOWNSHIP
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.FOUND, editable=False
    )
    # 五定: measures, responsibility, funds, deadline, contingency plan.
    measures = models.TextField(_("整改措施"), blank=True)
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    funds_yuan = models.DecimalField(
        _("整改资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True, editable=False)
    original_deadline = models.DateField(_("原定整改期限"), null=True, blank=True, editable=False)
    contingency_plan = models.TextField(_("应急预案"), blank=True)
    extension_requested_until = models.DateField(
        _("申请延期至"), null=True, blank=True, editable=False
    )
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True, editable=False)
    # Major hazards.
    basis_standard = models.CharField(_("判定依据（标准）"), max_length=200, blank=True)
    basis_clause = models.CharField(_("判定依据（条款）"), max_length=200, blank=True)
    # The library items (criteria.Criterion) the hazard is judged major by. The two text
    # fields above stay for legacy and imported rows.
    criteria = models.ManyToManyField(
        "criteria.Criterion",
        blank=True,
        related_name="hazards",
        verbose_name=_("判定依据条款"),
    )
    stop_scope = models.CharField(_("停产停业范围"), max_length=200, blank=True)
    listing_level = models.CharField(
        _("挂牌督办"), max_length=10, choices=ListingLevel.choices, blank=True, default=""
    )
    referred_at = models.DateTimeField(_("移送县级时间"), null=True, blank=True, editable=False)
    # Rectification and close-out.
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True, editable=False)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("整改上报人"),
    )
    fix_note = models.TextField(_("整改情况"), blank=True, editable=False)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("销号人"),
    )
    acceptance_note = models.TextField(_("验收/评估意见"), blank=True, editable=False)
    void_reason = models.CharField(_("作废理由"), max_length=500, blank=True, editable=False)
    is_recurrence = models.BooleanField(_("反复出现"), default=False, editable=False)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="hazard_status_valid"
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="hazard_level_valid"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="hazard_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="hazard_source_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DEADLINE) | Q(deadline__isnull=False),
                name="hazard_deadline_state_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(original_deadline__isnull=False),
                name="hazard_deadline_keeps_original",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.FIXED, Status.CLOSED]) | Q(fixed_on__isnull=False),
                name="hazard_fixed_has_fixed_on",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_on__isnull=False),
                name="hazard_closed_has_closed_on",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED) | Q(closed_on__isnull=True),
                name="hazard_closed_on_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.VOID) | ~Q(void_reason=""),
                name="hazard_void_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(fixed_on__isnull=True) | Q(fixed_on__gte=models.F("found_on")),
                name="hazard_fixed_not_before_found",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("fixed_on")),
                name="hazard_closed_not_before_fixed",
            ),
            models.CheckConstraint(
                condition=Q(funds_yuan__isnull=True) | Q(funds_yuan__gte=0),
                name="hazard_funds_not_negative",
            ),
        ]
        indexes = [
            # Reports: everything a county summary reads. Township first: every scoped query
            # filters township_id IN (...), and SQLite (no statistics) otherwise picks the
            # plain township index and reads the table (8.0 s → 0.8 s at 1M hazards).
            models.Index(
                fields=[
                    "township",
                    "found_on",
                    "level",
                    "status",
                    "deadline",
                    "original_deadline",
                    "fixed_on",
                    "closed_on",
                    "cell",
                ],
                name="hazard_report_cover",
            ),
            # The ledger's state tabs and the overdue figures of a township.
            models.Index(fields=["township", "status", "deadline", "fixed_on"], name="hazard_tabs"),
            # The ledger: a township's hazards in a state, newest first.
            models.Index(
                fields=["township", "status", "-found_on", "-id"], name="hazard_list_township"
            ),
            models.Index(fields=["-found_on", "-id"], name="hazard_list_all"),
            models.Index(fields=["cell", "status"], name="hazard_by_cell_status"),
            models.Index(fields=["enterprise", "status"], name="hazard_by_enterprise"),
            # Overdue board and "my work": open hazards by deadline.
            models.Index(
                fields=["deadline"],
                name="hazard_open_by_deadline",
                condition=Q(status="deadline"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.description[:30]}"

    @property
    def is_open(self):
        return OPEN.holds(self)

    def is_overdue(self, as_of=None):
        """逾期 on ``as_of`` (default today): the OVERDUE term read in Python."""
        return OVERDUE.holds(self, as_of)

    def overdue_days(self, as_of=None):
        """Days overdue on ``as_of``; 0 when not overdue."""
        return overdue_days(self, as_of) or 0


class StateCount(models.Model):
    """How many hazards there are of one (township, cell, status): the ledger's state tabs
    read these few hundred rows instead of counting a county's hazards (issue 17).

    Kept by the database, not by Python: triggers on the hazards table (migrations
    ``0009_state_counts``, row triggers, and on PostgreSQL ``0010``, statement triggers)
    move a hazard's count on every INSERT, DELETE and UPDATE of its status, township or
    cell, whatever wrote it (the workflow, imports, ``bulk_create``, ``queryset.update``,
    the admin, raw SQL). A row whose count falls to 0 stays.
    ``hazards.counts.rebuild_state_counts`` (``manage.py rebuild_state_counts``) recounts
    from the hazards and says what differed. The fields are named like the hazard's, so
    ``grid.scoping.limit`` scopes these rows as it scopes hazards.
    """

    township = models.ForeignKey(
        "grid.GridCell", on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇")
    )
    cell = models.ForeignKey(
        "grid.GridCell", on_delete=models.CASCADE, related_name="+", verbose_name=_("网格")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    n = models.BigIntegerField(_("隐患数"), default=0)

    class Meta:
        verbose_name = _("隐患状态计数")
        verbose_name_plural = _("隐患状态计数")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "cell", "status"], name="statecount_one_per_place_status"
            ),
            models.CheckConstraint(condition=Q(n__gte=0), name="statecount_n_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="statecount_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.township_id}/{self.cell_id} {self.status}: {self.n}"


class HazardEvent(models.Model):
    """One append-only line of a hazard's history. Never updated, never deleted."""

    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="events", verbose_name=_("隐患")
    )
    action = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["hazard", "at"], name="hazardevent_by_hazard")]

    def __str__(self):
        return f"{self.hazard_id} {self.action} {self.from_status}→{self.to_status}"


class HazardPhoto(models.Model):
    """A processed photo (oriented, EXIF stripped, ≤1920 px JPEG) and its thumbnail."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")
        EVIDENCE = "evidence", _("验收材料")

    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="photos", verbose_name=_("隐患")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("照片"), upload_to="hazards/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="hazards/%Y/%m/thumbs/")
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, editable=False)
    event = models.ForeignKey(
        HazardEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("所属处理记录"),
    )

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["before", "after", "evidence"]), name="hazardphoto_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.hazard_id} {self.get_kind_display()}"


class SupervisionOrder(models.Model):
    """督办单 for an overdue or major hazard, or a 挂牌督办 listing of a major hazard."""

    class Kind(models.TextChoices):
        ORDER = "order", _("督办单")
        LISTING = "listing", _("挂牌督办")

    class IssuingLevel(models.TextChoices):
        TOWNSHIP = "township", _("乡镇")
        COUNTY = "county", _("县级")

    number = models.CharField(_("督办编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.ORDER)
    level = models.CharField(_("督办级别"), max_length=10, choices=IssuingLevel.choices)
    hazard = models.ForeignKey(
        Hazard, on_delete=models.PROTECT, related_name="orders", verbose_name=_("隐患")
    )
    cell = models.ForeignKey("grid.GridCell", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("grid.GridCell", on_delete=models.PROTECT, related_name="+")
    authority = models.CharField(_("督办单位"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("督办期限"))
    requirements = models.TextField(_("督办要求"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("issued_on")),
                name="order_deadline_not_before_issue",
            ),
        ]
        indexes = [models.Index(fields=["issued_on", "township"], name="order_report_cover")]

    def __str__(self):
        return self.number


# --- Status as of a date ------------------------------------------------------------------

# The end of an interval that has not ended: a date, so that "valid at C" is two range
# conditions an index can read, with no NULL to OR in.
OPEN_END = datetime.date(9999, 12, 31)

# The columns a state interval copies from the hazard: what "status as of C" needs.
STATE_FIELDS = ("status", "deadline", "original_deadline", "fixed_on", "closed_on")
# The facts that never change after registration, copied so a report reads one table.
FIXED_FACTS = ("enterprise_id", "township_id", "cell_id", "industry", "level", "found_on")


class HazardStateQuerySet(models.QuerySet):
    def as_of(self, day):
        """The one interval of each hazard that holds at the end of ``day``."""
        return self.filter(valid_from__lte=day, valid_until__gt=day)


class HazardState(models.Model):
    """One interval of a hazard's reportable state (docs/domain.md, "Status as of a date").

    The row holds at the end of every day from ``valid_from`` up to, not including,
    ``valid_until``; the current row ends at ``OPEN_END``. Written by ``hazards.states``
    in the same transaction as the event that changed the state, rebuilt from the events by
    ``manage.py rebuild_hazard_states``. The field names equal the hazard's, so the report
    definitions (``q_rectified``, ``q_overdue`` …) read a state row exactly as a hazard.
    """

    hazard = models.ForeignKey(
        Hazard, on_delete=models.CASCADE, related_name="states", verbose_name=_("隐患")
    )
    valid_from = models.DateField(_("起始日"))
    valid_until = models.DateField(_("截止日（不含）"), default=OPEN_END)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    original_deadline = models.DateField(_("原定整改期限"), null=True, blank=True)
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey("grid.GridCell", on_delete=models.PROTECT, related_name="+")
    cell = models.ForeignKey("grid.GridCell", on_delete=models.PROTECT, related_name="+")
    industry = models.CharField(_("行业"), max_length=32)
    level = models.CharField(_("隐患等级"), max_length=8, choices=Level.choices)
    found_on = models.DateField(_("发现日期"))

    objects = HazardStateQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患状态区间")
        verbose_name_plural = _("隐患状态区间")
        ordering = ["hazard_id", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "valid_from"], name="hazardstate_one_start"),
            models.UniqueConstraint(
                fields=["hazard"],
                condition=Q(valid_until=OPEN_END),
                name="hazardstate_one_current",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")),
                name="hazardstate_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="hazardstate_status_valid"
            ),
        ]
        indexes = [
            # The county summary as of a past date: every figure from this index alone.
            models.Index(
                fields=[
                    "township",
                    "found_on",
                    "valid_from",
                    "valid_until",
                    "level",
                    "status",
                    "deadline",
                    "original_deadline",
                    "fixed_on",
                    "closed_on",
                    "cell",
                ],
                name="hazardstate_report_cover",
            ),
        ]

    def __str__(self):
        return f"{self.hazard_id} {self.status} {self.valid_from}–{self.valid_until}"


class ImportBatch(models.Model):
    """One ledger file imported (hazards.imports): its SHA-256, so the same file is never
    imported twice, even when its rows carry no 隐患编号 to recognise them by."""

    file_sha256 = models.CharField(_("文件指纹（SHA-256）"), max_length=64)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("数据行数"))
    created = models.PositiveIntegerField(_("新增隐患数"))

    class Meta:
        verbose_name = _("隐患台账导入批次")
        verbose_name_plural = _("隐患台账导入批次")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["file_sha256"], name="importbatch_file_once"),
            models.CheckConstraint(
                condition=models.lookups.Exact(models.functions.Length("file_sha256"), 64),
                name="importbatch_sha256_length",
            ),
        ]

    def __str__(self):
        return f"{self.file_name or self.file_sha256[:12]} {self.imported_at:%Y-%m-%d %H:%M}"


class ImportedRow(models.Model):
    """A row without a 隐患编号 that an import turned into a hazard, by the SHA-256 of its
    content: the same row in a later file is recognised and not imported again."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="rows_seen"
    )
    line = models.PositiveIntegerField(_("文件中的行号"))
    row_sha256 = models.CharField(_("行指纹（SHA-256）"), max_length=64)
    hazard = models.OneToOneField(
        Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("已导入的无编号行")
        verbose_name_plural = _("已导入的无编号行")
        constraints = [
            models.UniqueConstraint(fields=["row_sha256"], name="importedrow_once"),
            models.CheckConstraint(
                condition=models.lookups.Exact(models.functions.Length("row_sha256"), 64),
                name="importedrow_sha256_length",
            ),
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.line}"
