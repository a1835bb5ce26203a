"""Excel exports as small classes (pretix's exporters): columns, rows, count, write.

``build_exporter(identifier, user, params)`` returns an exporter for the registry key
(``EXPORTERS``), with ``params`` the GET parameters of the page it is started from. An
exporter knows how many rows it will write before writing (``count()``), so a page can
decide to hand a large one to the background worker (jobs), and ``write(out,
progress=None)`` streams the workbook to a path or a binary file object, calling
``progress(done, total)`` every ``settings.JOB_PROGRESS_EVERY`` rows. It returns the
number of data rows written. Bad parameters raise ``ExportError`` with a Chinese
message; a user whose role may not export raises ``PermissionDenied``.

The rows come from the same functions as the pages: the county summary from
``reports.queries.county_summary``, the ledger and the overdue list from
``hazards.selectors.hazard_list`` — so a file has exactly the rows its page shows.
"""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import xlsx
from core.xlsx import Column
from criteria.models import reference_of
from enterprises.models import Industry
from grid import scoping
from grid.models import GridCell
from hazards import states
from hazards.models import (
    Category,
    HazardEvent,
    Level,
    Source,
    Status,
    Subject,
    SupervisionOrder,
    overdue_days,
)
from reports import queries
from reports.forms import ReportForm

CHUNK = 2000


class ExportError(Exception):
    """Parameters an export cannot run with; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def system_user():
    """The county scope for management commands: an unsaved superuser that sees all."""
    return get_user_model()(username="system", is_superuser=True, is_active=True)


def county_name():
    county = GridCell.objects.filter(level=GridCell.Level.COUNTY).order_by("path").first()
    return county.name if county else settings.HAZARDTRACK_COUNTY_NAME


def _labels(choices):
    return {value: str(label) for value, label in choices}


def _person(first, last, username):
    return f"{first or ''} {last or ''}".strip() or username or ""


class Exporter:
    identifier = ""
    verbose_name = ""
    file_stem = ""
    permission = "view"
    columns = []

    def __init__(self, user, params=None):
        if not scoping.allowed(user, self.permission):
            raise PermissionDenied
        self.user = user
        self.params = params if params is not None else {}
        self.today = timezone.localdate()

    @property
    def file_name(self):
        return f"{self.file_stem}_{self.today:%Y%m%d}.xlsx"

    def count(self):
        raise NotImplementedError

    def rows(self):
        raise NotImplementedError

    def heading(self):
        return str(self.verbose_name)

    def _progress(self, progress, total):
        every = max(1, settings.JOB_PROGRESS_EVERY)

        def tick(done, force=False):
            if progress is not None and (force or done % every == 0):
                progress(done, total)

        return tick

    def write(self, out, *, progress=None):
        total = self.count()
        tick = self._progress(progress, total)
        done = 0
        with xlsx.XlsxWriter(out) as book:
            sheet = book.sheet(self.sheet_title, self.columns, heading=self.heading())
            for values in self.rows():
                sheet.append(values)
                done += 1
                tick(done)
            self.write_more(book)
        tick(done, force=True)
        return done

    def write_more(self, book):
        """Further sheets after the first (the ledger's history)."""

    @property
    def sheet_title(self):
        return str(self.verbose_name)


# --- county summary -------------------------------------------------------------------------


# Fines in 万元, exact: as many places as the yuan amount needs (21.221, 20.0, 0.000001).
WAN_FORMAT = "0.0#####"


class SummaryExporter(Exporter):
    """汇总表: seed 004's table, one row per township in the grid's order and 合计.

    Counts are integers and rates numbers formatted as percentages; a rate with nothing
    to divide is "—". 检查组数, 出动检查人次 and 检查企业数（家） in 合计 are counted once
    over the whole table; when an
    enterprise was inspected in more than one township a line under the table names it.
    """

    identifier = "summary"
    verbose_name = gettext_lazy("汇总")
    file_stem = gettext_lazy("隐患排查治理汇总表")
    permission = "report.view"
    columns = [
        Column(gettext_lazy("乡镇"), 16),
        Column(gettext_lazy("检查组数"), 10, xlsx.INT),
        Column(gettext_lazy("出动检查人次"), 12, xlsx.INT),
        Column(gettext_lazy("检查企业数（家次）"), 13, xlsx.INT),
        Column(gettext_lazy("检查企业数（家）"), 12, xlsx.INT),
        Column(gettext_lazy("一般隐患排查数"), 13, xlsx.INT),
        Column(gettext_lazy("一般隐患已整改数"), 14, xlsx.INT),
        Column(gettext_lazy("一般隐患整改率"), 13, xlsx.RATE),
        Column(gettext_lazy("重大隐患排查数"), 13, xlsx.INT),
        Column(gettext_lazy("重大隐患已整改数"), 14, xlsx.INT),
        Column(gettext_lazy("重大隐患整改率"), 13, xlsx.RATE),
        Column(gettext_lazy("整改率"), 10, xlsx.RATE),
        Column(gettext_lazy("销号数"), 9, xlsx.INT),
        Column(gettext_lazy("销号率"), 10, xlsx.RATE),
        Column(gettext_lazy("逾期未整改数"), 12, xlsx.INT),
        Column(gettext_lazy("按期整改率"), 11, xlsx.RATE),
        Column(gettext_lazy("督办单数"), 9, xlsx.INT),
        Column(gettext_lazy("执法文书"), 10, xlsx.INT),
        Column(gettext_lazy("约谈提醒"), 10, xlsx.INT),
        Column(gettext_lazy("立案查处"), 10, xlsx.INT),
        Column(gettext_lazy("罚款(万元)"), 12, xlsx.DECIMAL, WAN_FORMAT),
    ]

    def __init__(self, user, params=None):
        super().__init__(user, params)
        form = ReportForm(self.params, user=user)
        if not form.is_valid():
            raise ExportError(form.error_message())
        self.criteria = form.criteria()
        self._table = None

    @property
    def table(self):
        if self._table is None:
            self._table = queries.county_summary(self.user, **self.criteria)
        return self._table

    def count(self):
        return len(self.table.rows) + 1

    def heading(self):
        return _("%(county)s隐患排查治理情况汇总表（%(basis)s）") % {
            "county": county_name(),
            "basis": self.table.basis,
        }

    @staticmethod
    def values(row):
        def fraction(percent):
            return queries.DASH if percent is None else percent / 100

        return [
            row.label,
            row.groups,
            row.person_times,
            row.visits,
            row.enterprises,
            row.found_general,
            row.rectified_general,
            fraction(row.rate_general),
            row.found_major,
            row.rectified_major,
            fraction(row.rate_major),
            fraction(row.rate),
            row.closed,
            fraction(row.closed_rate),
            row.overdue,
            fraction(row.on_time_rate),
            row.orders,
            row.enforcement_documents,
            row.talks,
            row.cases,
            row.fines_wan,
        ]

    def rows(self):
        for row in self.table.rows:
            yield self.values(row)

    def write(self, out, *, progress=None):
        total = self.count()
        with xlsx.XlsxWriter(out) as book:
            sheet = book.sheet(self.sheet_title, self.columns, heading=self.heading())
            for values in self.rows():
                sheet.append(values)
            sheet.append_total(self.values(self.table.total))
            if self.table.split_enterprises:
                sheet.append([split_note(self.table.split_enterprises)])
        if progress is not None:
            progress(total, total)
        return total


def split_note(names):
    """The line under a table whose 合计 counts some enterprises once that its rows count
    in two townships (or cells)."""
    return _(
        "合计中的检查企业数按企业去重：%(names)s 在多个乡镇（网格）接受过检查，"
        "各行分别计数，合计只计一次。"
    ) % {"names": "、".join(names)}


# --- hazard ledger --------------------------------------------------------------------------

LEVELS = _labels(Level.choices)
STATUSES = _labels(Status.choices)
CATEGORIES = _labels(Category.choices)
SUBJECTS = _labels(Subject.choices)
SOURCES = _labels(Source.choices)
INDUSTRIES = _labels(Industry.choices)

LEDGER_FIELDS = (
    "id",
    "number",
    "enterprise__name",
    "enterprise__uscc",
    "township__name",
    "cell__name",
    "industry",
    "level",
    "category",
    "subject",
    "description",
    "location",
    "found_on",
    "finder_names",
    "source",
    "measures",
    "responsible_person",
    "funds_yuan",
    "deadline",
    "original_deadline",
    "status",
    "fixed_on",
    "closed_on",
)


def _overdue_days(status, deadline, fixed_on, as_of):
    """Days past the deadline on ``as_of`` by the one OVERDUE term, else None."""
    return overdue_days(SimpleNamespace(status=status, deadline=deadline, fixed_on=fixed_on), as_of)


class LedgerExporter(Exporter):
    """隐患台账: the list page's current filter, every column, and the history sheet."""

    identifier = "ledger"
    verbose_name = gettext_lazy("隐患台账")
    file_stem = gettext_lazy("隐患台账")
    permission = "view"
    columns = [
        Column(gettext_lazy("隐患编号"), 16),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("统一社会信用代码"), 21),
        Column(gettext_lazy("乡镇"), 10),
        Column(gettext_lazy("网格"), 10),
        Column(gettext_lazy("行业"), 12),
        Column(gettext_lazy("隐患等级"), 9),
        Column(gettext_lazy("隐患类别"), 13),
        Column(gettext_lazy("专业类别"), 10),
        Column(gettext_lazy("隐患描述"), 40),
        Column(gettext_lazy("部位"), 14),
        Column(gettext_lazy("发现日期"), 11, xlsx.DATE),
        Column(gettext_lazy("检查人员"), 14),
        Column(gettext_lazy("隐患来源"), 10),
        Column(gettext_lazy("整改措施"), 30),
        Column(gettext_lazy("整改责任人"), 10),
        Column(gettext_lazy("整改资金(元)"), 12, xlsx.DECIMAL, "#,##0.00"),
        Column(gettext_lazy("整改期限"), 11, xlsx.DATE),
        Column(gettext_lazy("原定期限"), 11, xlsx.DATE),
        Column(gettext_lazy("状态"), 12),
        Column(gettext_lazy("逾期天数"), 9, xlsx.INT),
        Column(gettext_lazy("整改完成日期"), 12, xlsx.DATE),
        Column(gettext_lazy("销号日期"), 11, xlsx.DATE),
        Column(gettext_lazy("判定依据条款"), 36),
    ]
    history_columns = [
        Column(gettext_lazy("隐患编号"), 16),
        Column(gettext_lazy("时间"), 17, xlsx.DATETIME),
        Column(gettext_lazy("操作"), 14),
        Column(gettext_lazy("操作人"), 12),
        Column(gettext_lazy("原状态"), 12),
        Column(gettext_lazy("新状态"), 12),
        Column(gettext_lazy("说明"), 50),
    ]

    def __init__(self, user, params=None):
        super().__init__(user, params)
        from hazards.selectors import hazard_list

        self.filterset = hazard_list(user, self.params)
        if not self.filterset.form.is_valid():
            raise ExportError(self._form_message(self.filterset.form))
        self.queryset = self.filterset.qs
        self.as_of = self.filterset.as_of_date

    @staticmethod
    def _form_message(form):
        parts = []
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            parts.extend(f"{label}：{e}" if label else str(e) for e in errors)
        return "；".join(parts) or _("筛选条件无效。")

    def count(self):
        if not hasattr(self, "_count"):
            self._count = self.queryset.count()
        return self._count

    def heading(self):
        return _("%(title)s（导出时间 %(now)s，状态截至 %(as_of)s）") % {
            "title": self.verbose_name,
            "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "as_of": self.as_of.isoformat(),
        }

    def _finders(self, ids):
        """{hazard_id: "name、name"} for one chunk: one query, no N+1."""
        through = self.queryset.model.finders.through
        names = {}
        pairs = (
            through.objects.filter(hazard_id__in=ids)
            .order_by("hazard_id", "id")
            .values_list("hazard_id", "user__first_name", "user__last_name", "user__username")
        )
        for hazard_id, first, last, username in pairs:
            names.setdefault(hazard_id, []).append(_person(first, last, username))
        return {k: "、".join(v) for k, v in names.items()}

    def _criteria(self, ids):
        """{hazard_id: "标准简称 第N条第M项；…"} for one chunk: one query, no N+1."""
        through = self.queryset.model.criteria.through
        refs = {}
        rows = (
            through.objects.filter(hazard_id__in=ids)
            .order_by("hazard_id", "criterion__standard__position", "criterion__position", "id")
            .values_list(
                "hazard_id", "criterion__standard__title", "criterion__article", "criterion__item"
            )
        )
        for hazard_id, title, article, item in rows:
            refs.setdefault(hazard_id, []).append(f"{title} {reference_of(article, item)}")
        return {k: "；".join(v) for k, v in refs.items()}

    def _chunks(self):
        chunk = []
        for record in self.queryset.values_list(*LEDGER_FIELDS).iterator(chunk_size=CHUNK):
            chunk.append(record)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def rows(self):
        as_of = self.as_of
        past = states.reads_history(as_of)
        for chunk in self._chunks():
            finders = self._finders([r[0] for r in chunk])
            criteria = self._criteria([r[0] for r in chunk])
            # A past 状态截至: status, deadlines and fix as they stood then (one query).
            then = states.values_as_of([r[0] for r in chunk], as_of) if past else {}
            for r in chunk:
                (
                    pk,
                    number,
                    enterprise,
                    uscc,
                    township,
                    cell,
                    industry,
                    level,
                    category,
                    subject,
                    description,
                    location,
                    found_on,
                    finder_names,
                    source,
                    measures,
                    responsible,
                    funds,
                    deadline,
                    original_deadline,
                    status,
                    fixed_on,
                    closed_on,
                ) = r
                if pk in then:
                    state = then[pk]
                    status, deadline, fixed_on = (
                        state["status"],
                        state["deadline"],
                        state["fixed_on"],
                    )
                    original_deadline, closed_on = state["original_deadline"], state["closed_on"]
                yield [
                    number,
                    enterprise,
                    uscc,
                    township,
                    cell,
                    INDUSTRIES.get(industry, industry),
                    LEVELS.get(level, level),
                    CATEGORIES.get(category, category),
                    SUBJECTS.get(subject, subject),
                    description,
                    location,
                    found_on,
                    finders.get(pk) or finder_names,
                    SOURCES.get(source, source),
                    measures,
                    responsible,
                    funds,
                    deadline,
                    original_deadline,
                    STATUSES.get(status, status),
                    _overdue_days(status, deadline, fixed_on, as_of),
                    fixed_on,
                    closed_on,
                    criteria.get(pk, ""),
                ]

    def history(self):
        from hazards.workflow import label

        ids = self.queryset.order_by().values("id")
        events = (
            HazardEvent.objects.filter(hazard_id__in=ids)
            .order_by("hazard__number", "at", "id")
            .values_list(
                "hazard__number",
                "at",
                "action",
                "actor__first_name",
                "actor__last_name",
                "actor__username",
                "from_status",
                "to_status",
                "note",
            )
        )
        labels = {}  # an action's label translated once per export, not once per event
        for number, at, action, first, last, username, old, new, note in events.iterator(
            chunk_size=CHUNK
        ):
            if action not in labels:
                labels[action] = str(label(action))
            yield [
                number,
                at,
                labels[action],
                _person(first, last, username),
                STATUSES.get(old, old),
                STATUSES.get(new, new),
                note,
            ]

    def write_more(self, book):
        sheet = book.sheet(_("处理记录"), self.history_columns)
        for values in self.history():
            sheet.append(values)


# --- overdue list ---------------------------------------------------------------------------


class OverdueExporter(LedgerExporter):
    """逾期清单: hazards overdue as of today in scope, with days overdue and orders issued."""

    identifier = "overdue"
    verbose_name = gettext_lazy("逾期清单")
    file_stem = gettext_lazy("逾期隐患清单")
    permission = "overdue.board"
    columns = [
        Column(gettext_lazy("隐患编号"), 16),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("乡镇"), 10),
        Column(gettext_lazy("网格"), 10),
        Column(gettext_lazy("行业"), 12),
        Column(gettext_lazy("隐患等级"), 9),
        Column(gettext_lazy("隐患描述"), 40),
        Column(gettext_lazy("发现日期"), 11, xlsx.DATE),
        Column(gettext_lazy("整改期限"), 11, xlsx.DATE),
        Column(gettext_lazy("逾期天数"), 9, xlsx.INT),
        Column(gettext_lazy("整改责任人"), 10),
        Column(gettext_lazy("督办单数"), 9, xlsx.INT),
    ]

    def __init__(self, user, params=None):
        params = params if params is not None else {}
        keep = {}
        for key in ("township", "cell", "industry", "level"):
            value = params.get(key)
            if value:
                keep[key] = value
        today = timezone.localdate()
        keep.update({"status": "overdue", "as_of": today.isoformat(), "sort": "deadline"})
        super().__init__(user, keep)

    def heading(self):
        return _("逾期隐患清单（截至 %(as_of)s）") % {"as_of": self.as_of.isoformat()}

    def rows(self):
        orders = (
            SupervisionOrder.objects.filter(hazard_id=OuterRef("pk"))
            .order_by()
            .values("hazard_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        records = self.queryset.annotate(
            orders_count=Coalesce(Subquery(orders, output_field=IntegerField()), 0)
        ).values_list(
            "number",
            "enterprise__name",
            "township__name",
            "cell__name",
            "industry",
            "level",
            "description",
            "found_on",
            "deadline",
            "responsible_person",
            "orders_count",
            "status",
            "fixed_on",
        )
        for r in records.iterator(chunk_size=CHUNK):
            (number, enterprise, township, cell, industry, level, description) = r[:7]
            found_on, deadline, responsible, orders_count, status, fixed_on = r[7:]
            yield [
                number,
                enterprise,
                township,
                cell,
                INDUSTRIES.get(industry, industry),
                LEVELS.get(level, level),
                description,
                found_on,
                deadline,
                _overdue_days(status, deadline, fixed_on, self.as_of),
                responsible,
                orders_count,
            ]

    def write_more(self, book):
        """The overdue list is one sheet."""


# --- daily report ---------------------------------------------------------------------------


class DailyExporter(Exporter):
    """每日隐患登记汇报: one township's inspections and hazards of one date, from
    ``inspections.selectors.daily_report`` (what the daily page shows)."""

    identifier = "daily"
    verbose_name = gettext_lazy("检查情况")
    file_stem = gettext_lazy("隐患排查治理日报")
    permission = "report.view"
    columns = [
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("检查类型"), 10),
        Column(gettext_lazy("执法检查"), 9),
        Column(gettext_lazy("检查人员"), 20),
        Column(gettext_lazy("检查人数"), 9, xlsx.INT),
        Column(gettext_lazy("发现隐患数"), 10, xlsx.INT),
    ]
    hazard_columns = [
        Column(gettext_lazy("隐患编号"), 16),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("隐患描述"), 40),
        Column(gettext_lazy("部位"), 14),
        Column(gettext_lazy("隐患等级"), 9),
        Column(gettext_lazy("状态"), 12),
        Column(gettext_lazy("整改期限"), 11, xlsx.DATE),
        Column(gettext_lazy("整改责任人"), 10),
        Column(gettext_lazy("检查人员"), 20),
    ]
    inspector_columns = [
        Column(gettext_lazy("检查人员"), 14),
        Column(gettext_lazy("发现隐患数"), 10, xlsx.INT),
        Column(gettext_lazy("其中重大隐患"), 12, xlsx.INT),
    ]

    def __init__(self, user, params=None):
        super().__init__(user, params)
        from inspections.forms import DailyForm
        from inspections.selectors import daily_report

        form = DailyForm(self.params or None, user=user)
        on, township = self.today, None
        if form.is_bound:
            if not form.is_valid():
                raise ExportError(ReportForm.error_message(form))
            on = form.cleaned_data.get("date") or on
            township = form.cleaned_data.get("township")
        if township is None:
            township = form.fields["township"].queryset.first()
        if township is None:
            raise ExportError(_("您的网格内没有乡镇，无法导出日报。"))
        self.on = on
        self.report = daily_report(user, on, township)

    @property
    def file_name(self):
        return f"{self.file_stem}_{self.report['township']}_{self.on:%Y%m%d}.xlsx"

    def count(self):
        return len(self.report["inspections"]) + len(self.report["hazards"])

    def heading(self):
        r = self.report
        return _(
            "%(township)s %(date)s 隐患排查日报：检查组 %(groups)d 个，出动检查人员 %(people)d "
            "人次，检查企业 %(enterprises)d 家，发现隐患 %(hazards)d 处（其中重大隐患 %(major)d 处）"
        ) % {
            "township": r["township"],
            "date": self.on.isoformat(),
            "groups": r["inspection_groups"],
            "people": r["person_times"],
            "enterprises": r["enterprises"],
            "hazards": r["hazard_count"],
            "major": r["major_count"],
        }

    def rows(self):
        for i in self.report["inspections"]:
            yield [
                i["enterprise"],
                i["kind"],
                _("是") if i["is_enforcement"] else _("否"),
                i["inspectors"],
                i["inspector_count"],
                i["hazards"],
            ]

    def write_more(self, book):
        sheet = book.sheet(_("隐患明细"), self.hazard_columns)
        for h in self.report["hazards"]:
            sheet.append(
                [
                    h["number"],
                    h["enterprise"],
                    h["description"],
                    h["location"],
                    h["level"],
                    h["status"],
                    h["deadline"],
                    h["responsible_person"],
                    h["finders"],
                ]
            )
        sheet = book.sheet(_("按检查人员"), self.inspector_columns)
        for p in self.report["per_inspector"]:
            sheet.append([p["name"], p["hazards"], p["major"]])


# --- the other lists a report links to -----------------------------------------------------


class ListExporter(Exporter):
    """A list page's rows as Excel: the same selector and filter set as the page (the list
    filter base), so the file has exactly the rows the page lists, in its order."""

    permission = "view"
    order_by = ()

    def __init__(self, user, params=None):
        super().__init__(user, params)
        self.filterset = self.filter_set(user, self.params)
        if not self.filterset.form.is_valid():
            raise ExportError(LedgerExporter._form_message(self.filterset.form))
        self.queryset = self.filterset.qs.order_by(*self.order_by)

    def filter_set(self, user, params):
        raise NotImplementedError

    def count(self):
        if not hasattr(self, "_count"):
            self._count = self.queryset.count()
        return self._count

    def heading(self):
        return _("%(title)s（导出时间 %(now)s）") % {
            "title": self.verbose_name,
            "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        }

    def rows(self):
        for record in self.queryset.iterator(chunk_size=CHUNK):
            yield self.values(record)


class InspectionListExporter(ListExporter):
    """检查记录: the inspection list as filtered on screen."""

    identifier = "inspections"
    verbose_name = gettext_lazy("检查记录")
    file_stem = gettext_lazy("检查记录")
    order_by = ("-date", "-id")
    columns = [
        Column(gettext_lazy("检查日期"), 11, xlsx.DATE),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("统一社会信用代码"), 21),
        Column(gettext_lazy("乡镇"), 10),
        Column(gettext_lazy("网格"), 10),
        Column(gettext_lazy("行业"), 12),
        Column(gettext_lazy("检查类型"), 10),
        Column(gettext_lazy("执法检查"), 9),
        Column(gettext_lazy("检查人员"), 20),
        Column(gettext_lazy("检查人数"), 9, xlsx.INT),
        Column(gettext_lazy("检查项"), 8, xlsx.INT),
        Column(gettext_lazy("不合格项"), 9, xlsx.INT),
        Column(gettext_lazy("状态"), 9),
    ]

    def filter_set(self, user, params):
        from inspections.filters import InspectionFilter
        from inspections.selectors import inspection_list

        return InspectionFilter(params, inspection_list(user), user=user)

    def values(self, i):
        people = "、".join(
            _person(u.first_name, u.last_name, u.username) for u in i.inspectors.all()
        )
        return [
            i.date,
            i.enterprise.name,
            i.enterprise.uscc,
            i.township.name,
            i.cell.name,
            INDUSTRIES.get(i.enterprise.industry, i.enterprise.industry),
            i.get_kind_display(),
            _("是") if i.is_enforcement else _("否"),
            people,
            i.inspector_count,
            i.item_total,
            i.item_failed,
            i.get_status_display(),
        ]


class EnforcementListExporter(ListExporter):
    """执法记录: the enforcement list as filtered on screen."""

    identifier = "enforcement"
    verbose_name = gettext_lazy("执法记录")
    file_stem = gettext_lazy("执法记录")
    order_by = ("-date", "-id")
    columns = [
        Column(gettext_lazy("日期"), 11, xlsx.DATE),
        Column(gettext_lazy("类别"), 10),
        Column(gettext_lazy("文书种类"), 14),
        Column(gettext_lazy("文书编号"), 16),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("统一社会信用代码"), 21),
        Column(gettext_lazy("乡镇"), 10),
        Column(gettext_lazy("行业"), 12),
        Column(gettext_lazy("罚款(元)"), 12, xlsx.DECIMAL, "#,##0.00"),
        Column(gettext_lazy("内容"), 40),
        Column(gettext_lazy("记录人"), 10),
    ]

    def filter_set(self, user, params):
        from inspections.filters import EnforcementFilter
        from inspections.selectors import enforcement_list

        return EnforcementFilter(params, enforcement_list(user), user=user)

    def values(self, a):
        by = a.created_by
        return [
            a.date,
            a.get_kind_display(),
            a.get_document_kind_display() if a.document_kind else "",
            a.document_number,
            a.enterprise.name,
            a.enterprise.uscc,
            a.township.name,
            INDUSTRIES.get(a.enterprise.industry, a.enterprise.industry),
            a.fine_yuan,
            a.description,
            _person(by.first_name, by.last_name, by.username) if by else "",
        ]


class OrderListExporter(ListExporter):
    """督办单: the supervision-order list as filtered on screen."""

    identifier = "orders"
    verbose_name = gettext_lazy("督办单")
    file_stem = gettext_lazy("督办单")
    order_by = ("-issued_on", "-id")
    columns = [
        Column(gettext_lazy("督办编号"), 16),
        Column(gettext_lazy("类型"), 10),
        Column(gettext_lazy("督办级别"), 9),
        Column(gettext_lazy("隐患编号"), 16),
        Column(gettext_lazy("企业名称"), 28),
        Column(gettext_lazy("乡镇"), 10),
        Column(gettext_lazy("隐患等级"), 9),
        Column(gettext_lazy("督办单位"), 16),
        Column(gettext_lazy("文号"), 16),
        Column(gettext_lazy("下达日期"), 11, xlsx.DATE),
        Column(gettext_lazy("督办期限"), 11, xlsx.DATE),
        Column(gettext_lazy("签发人"), 10),
        Column(gettext_lazy("隐患状态"), 12),
    ]

    def filter_set(self, user, params):
        from hazards.selectors import order_list

        return order_list(user, params)

    def values(self, o):
        by = o.issued_by
        return [
            o.number,
            o.get_kind_display(),
            o.get_level_display(),
            o.hazard.number,
            o.hazard.enterprise.name,
            o.township.name,
            LEVELS.get(o.hazard.level, o.hazard.level),
            o.authority,
            o.document_number,
            o.issued_on,
            o.deadline,
            _person(by.first_name, by.last_name, by.username),
            STATUSES.get(o.hazard.status, o.hazard.status),
        ]


EXPORTERS = {
    SummaryExporter.identifier: SummaryExporter,
    LedgerExporter.identifier: LedgerExporter,
    OverdueExporter.identifier: OverdueExporter,
    DailyExporter.identifier: DailyExporter,
}
# The list exports are written at once, not (yet) as background jobs: jobs keeps the kinds
# stored jobs carry (tests/jobs/test_registry.py), and these are not among them.
LIST_EXPORTERS = {
    InspectionListExporter.identifier: InspectionListExporter,
    EnforcementListExporter.identifier: EnforcementListExporter,
    OrderListExporter.identifier: OrderListExporter,
}


def build_exporter(identifier, user, params=None):
    """The exporter ``identifier`` for ``user`` with the page's GET ``params``."""
    try:
        cls = EXPORTERS.get(identifier) or LIST_EXPORTERS[identifier]
    except KeyError:
        raise ExportError(_("未知的导出类型。")) from None
    return cls(user, params)
