"""Import of an existing hazard ledger (旧隐患台账) from an .xlsx workbook.

Every row is read and checked first; every problem is reported as (row, column,
message) in Chinese, and nothing is written if there is any. Otherwise all rows are
written in one transaction by ``hazards.workflow.import_records`` (the only writer of a
hazard's status), each with one ``import`` event.

Idempotent by hazard number: a row whose 隐患编号 already exists is skipped as unchanged
when it is identical to what was imported (or recorded) before, and is an error when it
differs — history is never rewritten silently. Rows without a number get the next
YH number of their found year.

Idempotent without numbers too: each imported file's SHA-256 is recorded (``ImportBatch``),
and the same file is refused with the date it was imported; each row without a number
is recorded by the SHA-256 of its content (``ImportedRow``; the second identical row of a
file counts as a different row), and a row imported before is skipped and reported by row.
So re-sending a file after a request died, or the same sheet with rows added, never
doubles the ledger.

Memory stays flat for 50,000 rows: openpyxl streams the sheet (read-only mode), each row
is kept as one compact tuple, and enterprises and existing numbers are looked up in
chunks, never one query per row.
"""

import datetime
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetError, as_text, file_sha256, open_table, workbook_bytes
from enterprises.validators import normalize_uscc
from grid import scoping
from hazards import workflow
from hazards.models import Category, Hazard, HazardEvent, ImportBatch, ImportedRow, Level

NUMBER = "隐患编号"
USCC = "统一社会信用代码"
NAME = "企业名称"
DESCRIPTION = "隐患描述"
LOCATION = "部位"
LEVEL = "隐患等级"
CATEGORY = "隐患类别"
FOUND_ON = "发现日期"
FINDERS = "检查人员"
MEASURES = "整改措施"
RESPONSIBLE = "整改责任人"
FUNDS = "整改资金"
DEADLINE = "整改期限"
FIXED_ON = "整改完成日期"
CLOSED_ON = "销号日期"

# The template's column order. The first six must be in the header row; the others may
# be left out of a file that has nothing to say about them.
COLUMNS = [
    NUMBER,
    USCC,
    NAME,
    DESCRIPTION,
    LOCATION,
    LEVEL,
    CATEGORY,
    FOUND_ON,
    FINDERS,
    MEASURES,
    RESPONSIBLE,
    FUNDS,
    DEADLINE,
    FIXED_ON,
    CLOSED_ON,
]
REQUIRED_COLUMNS = [USCC, NAME, DESCRIPTION, LEVEL, CATEGORY, FOUND_ON]
OPTIONAL_COLUMNS = [c for c in COLUMNS if c not in REQUIRED_COLUMNS]

NUMBER_RE = re.compile(r"^YH\d{4}-\d{6}$")
LOOKUP_CHUNK = 500
FINGERPRINT_CHUNK = 2000  # 64-character keys: one query per 2,000 rows without a number
PROGRESS_EVERY = 500
MAX_LENGTH = {LOCATION: 200, FINDERS: 200, RESPONSIBLE: 50}
FUNDS_MAX = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

LEVELS = {
    "一般": Level.GENERAL,
    "一般隐患": Level.GENERAL,
    "一般事故隐患": Level.GENERAL,
    "重大": Level.MAJOR,
    "重大隐患": Level.MAJOR,
    "重大事故隐患": Level.MAJOR,
}
CATEGORIES = {str(label): value for value, label in Category.choices}

_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class RowError(NamedTuple):
    """One problem: (row as Excel numbers it, column header, message). Row None: the file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        where = _("第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += _("“%(col)s”列") % {"col": self.column}
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    rows: int = 0
    dry_run: bool = False
    skipped: list = field(default_factory=list)  # RowErrors: rows imported before

    @property
    def ok(self):
        return not self.errors

    @property
    def updated(self):
        """Always 0: an existing hazard is never rewritten by an import."""
        return 0


def template_bytes():
    """An empty workbook with the header row and one example row, for download."""
    example = [
        "",
        "91371302MA3C8XXXXX",
        "某某机械有限公司",
        "配电箱未接地",
        "一号车间",
        "一般",
        "物的不安全状态",
        "2025-03-01",
        "张三、李四",
        "加装接地线",
        "王五",
        "500",
        "2025-03-15",
        "2025-03-10",
        "2025-03-12",
    ]
    return workbook_bytes(COLUMNS, [example], title="隐患台账")


# --- cell parsing ----------------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _text(value, column):
    text = as_text(value)
    limit = MAX_LENGTH.get(column)
    if limit and len(text) > limit:
        raise _CellError(_("不能超过 %(n)d 个字。") % {"n": limit})
    return text


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = as_text(value)
    if not text:
        return None
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise _CellError(_("“%(v)s”不是有效的日期，请填写如 2025-03-01 的日期。") % {"v": text[:30]})


def _funds(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _CellError(_("整改资金须为数字（元）。"))
    text = as_text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        funds = Decimal(text)
    except InvalidOperation:
        raise _CellError(_("“%(v)s”不是数字，请填写金额（元）。") % {"v": text[:30]}) from None
    if not funds.is_finite() or funds < 0:
        raise _CellError(_("整改资金不能为负数。"))
    if funds > FUNDS_MAX:
        raise _CellError(_("整改资金过大，请以元为单位填写。"))
    return funds.quantize(Decimal("0.01"))


# --- the import ------------------------------------------------------------------------------


class _Reader:
    """Reads and checks rows into compact records, collecting every error."""

    def __init__(self, today):
        self.today = today
        self.errors = []
        self.parsed = []  # (ImportRecord without its enterprise yet, name in the file)
        self.numbers = {}  # number → first line

    def error(self, line, column, message):
        self.errors.append(RowError(line, column, str(message)))

    def read(self, line, values):
        count = len(self.errors)

        def cell(column, parse):
            try:
                return parse(values.get(column))
            except _CellError as exc:
                self.error(line, column, exc.message)
                return None

        def required(column):
            text = as_text(values.get(column))
            if not text:
                self.error(line, column, _("必填。"))
            return text

        number = as_text(values.get(NUMBER)).upper()
        if number:
            if not NUMBER_RE.match(number):
                self.error(
                    line, NUMBER, _("“%(v)s”格式不对，应为 YH2025-000123。") % {"v": number[:30]}
                )
            elif number in self.numbers:
                self.error(
                    line,
                    NUMBER,
                    _("与第 %(other)d 行的隐患编号重复。") % {"other": self.numbers[number]},
                )
            else:
                self.numbers[number] = line
        uscc = normalize_uscc(required(USCC))
        name = required(NAME)
        description = required(DESCRIPTION)
        location = cell(LOCATION, lambda v: _text(v, LOCATION))
        level = LEVELS.get("".join(as_text(values.get(LEVEL)).split()))
        if level is None:
            self.error(line, LEVEL, _("应为“一般”或“重大”。"))
        category = CATEGORIES.get("".join(as_text(values.get(CATEGORY)).split()))
        if category is None:
            choices = "、".join(f"“{c}”" for c in CATEGORIES)
            self.error(line, CATEGORY, _("应为%(choices)s之一。") % {"choices": choices})
        try:
            found_on = _date(values.get(FOUND_ON))
            if found_on is None:
                raise _CellError(_("必填。"))
        except _CellError as exc:
            self.error(line, FOUND_ON, exc.message)
            found_on = None
        finders = cell(FINDERS, lambda v: _text(v, FINDERS))
        measures = as_text(values.get(MEASURES))
        responsible = cell(RESPONSIBLE, lambda v: _text(v, RESPONSIBLE))
        funds = cell(FUNDS, _funds)
        deadline = cell(DEADLINE, _date)
        fixed_on = cell(FIXED_ON, _date)
        closed_on = cell(CLOSED_ON, _date)
        if found_on:
            if found_on > self.today:
                self.error(line, FOUND_ON, _("发现日期不能晚于今天。"))
            if deadline and deadline < found_on:
                self.error(line, DEADLINE, _("整改期限不能早于发现日期。"))
            if fixed_on and fixed_on < found_on:
                self.error(line, FIXED_ON, _("整改完成日期不能早于发现日期。"))
        if fixed_on and fixed_on > self.today:
            self.error(line, FIXED_ON, _("整改完成日期不能晚于今天。"))
        if closed_on:
            if closed_on > self.today:
                self.error(line, CLOSED_ON, _("销号日期不能晚于今天。"))
            if not fixed_on:
                self.error(line, FIXED_ON, _("已填写销号日期，须同时填写整改完成日期。"))
            elif closed_on < fixed_on:
                self.error(line, CLOSED_ON, _("销号日期不能早于整改完成日期。"))
        if len(self.errors) > count:
            return
        record = workflow.ImportRecord(
            line=line,
            number=number,
            uscc=uscc,
            enterprise_id=None,
            cell_id=None,
            township_id=None,
            industry="",
            description=description,
            location=location or "",
            level=level,
            category=category,
            found_on=found_on,
            finder_names=finders or "",
            measures=measures,
            responsible_person=responsible or "",
            funds_yuan=funds,
            deadline=deadline,
            fixed_on=fixed_on,
            closed_on=closed_on,
        )
        self.parsed.append((record, name))


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _enterprises(codes, by):
    """{uscc: (id, name, cell_id, township_id, industry)} for the codes the user may see."""
    from enterprises.models import Enterprise

    base = scoping.enterprises_for(by) if by is not None else Enterprise.objects.all()
    found = {}
    for chunk in _chunks(sorted(codes)):
        for row in base.filter(uscc__in=chunk).values_list(
            "uscc", "id", "name", "cell_id", "township_id", "industry"
        ):
            found[row[0]] = row[1:]
    return found


def _recorded(numbers, by):
    """{number: the row as recorded} for hazard numbers that already exist, and the set
    of those numbers whose hazard lies outside ``by``'s scope.

    An imported hazard is compared with the row it was imported from (its import event),
    so a re-import of the same file is "unchanged" even after the hazard moved on here.
    A hazard registered in this system is compared with its current facts. Numbers are
    unique across the database, so a number taken outside the user's scope is refused
    too, but never compared: the refusal tells them nothing but "this number is taken".
    """
    recorded, outside = {}, set()
    for chunk in _chunks(sorted(numbers)):
        existing = dict(Hazard.objects.filter(number__in=chunk).values_list("id", "number"))
        if not existing:
            continue
        if by is not None:
            visible = set(
                scoping.hazards_for(by).filter(pk__in=list(existing)).values_list("pk", flat=True)
            )
            outside.update(n for pk, n in existing.items() if pk not in visible)
            existing = {pk: n for pk, n in existing.items() if pk in visible}
            if not existing:
                continue
        for hazard_id, data in HazardEvent.objects.filter(
            hazard_id__in=list(existing), action="import"
        ).values_list("hazard_id", "data"):
            row = (data or {}).get("row")
            if row:
                recorded[existing[hazard_id]] = row
        missing = [n for n in existing.values() if n not in recorded]
        if not missing:
            continue
        for v in Hazard.objects.filter(number__in=missing).values(
            "number",
            "enterprise__uscc",
            "description",
            "location",
            "level",
            "category",
            "found_on",
            "finder_names",
            "measures",
            "responsible_person",
            "funds_yuan",
            "original_deadline",
            "fixed_on",
            "closed_on",
        ):
            funds = v["funds_yuan"]
            recorded[v["number"]] = workflow.ImportRecord(
                line=0,
                number=v["number"],
                uscc=v["enterprise__uscc"],
                enterprise_id=None,
                cell_id=None,
                township_id=None,
                industry="",
                description=v["description"],
                location=v["location"],
                level=v["level"],
                category=v["category"],
                found_on=v["found_on"],
                finder_names=v["finder_names"],
                measures=v["measures"],
                responsible_person=v["responsible_person"],
                funds_yuan=None if funds is None else funds.quantize(Decimal("0.01")),
                deadline=v["original_deadline"],
                fixed_on=v["fixed_on"],
                closed_on=v["closed_on"],
            ).row_data()
    return recorded, outside


def _fingerprint(record, occurrence):
    """SHA-256 of a row's content (its number aside) and of how many identical rows came
    before it in the file, so two identical rows are two recorded rows."""
    data = {**record.row_data(), "number": ""}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False) + f"\n{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()


def _imported_rows(fingerprints):
    """{row fingerprint: (imported at, hazard number)} of the rows imported before."""
    found = {}
    for chunk in _chunks(sorted(fingerprints), FINGERPRINT_CHUNK):
        for sha, at, number in ImportedRow.objects.filter(row_sha256__in=chunk).values_list(
            "row_sha256", "batch__imported_at", "hazard__number"
        ):
            found[sha] = (at, number)
    return found


def _file_seen(digest):
    batch = ImportBatch.objects.filter(file_sha256=digest).only("imported_at").first()
    if batch is None:
        return None
    when = timezone.localtime(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    return RowError(None, "", _("该文件已于 %(when)s 导入过，不再重复导入。") % {"when": when})


def _file_name(source):
    name = getattr(source, "name", None) or (
        str(source) if isinstance(source, str | os.PathLike) else ""
    )
    return os.path.basename(str(name))[:255]


_FIELD_COLUMNS = {
    "uscc": USCC,
    "description": DESCRIPTION,
    "location": LOCATION,
    "level": LEVEL,
    "category": CATEGORY,
    "found_on": FOUND_ON,
    "finder_names": FINDERS,
    "measures": MEASURES,
    "responsible_person": RESPONSIBLE,
    "funds_yuan": FUNDS,
    "deadline": DEADLINE,
    "fixed_on": FIXED_ON,
    "closed_on": CLOSED_ON,
}


def import_hazards(path_or_file, *, by, dry_run=False, progress=None):
    """Read, check and (unless ``dry_run`` or any error) write an old hazard ledger.

    ``by`` is the importing user (admin or county: ``hazard.import``); the enterprises
    must lie in their scope. ``by=None`` is for trusted callers (a command run without
    ``--user``): every enterprise, no actor on the events. ``progress(done, total)`` is
    called every 500 rows read (``total``: the rows the sheet declares, None when it
    does not say) and with ``done == total`` once everything is written. Returns an ``ImportResult``.
    """
    if by is not None and not scoping.allowed(by, "hazard.import"):
        raise PermissionDenied
    result = ImportResult(dry_run=dry_run)
    today = timezone.localdate()
    reader = _Reader(today)
    try:
        digest = file_sha256(path_or_file)
    except OSError:
        digest = None  # open_table says why the file cannot be read
    seen = _file_seen(digest) if digest else None
    if seen is not None:
        result.errors = [seen]
        return result
    try:
        table = open_table(path_or_file, REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
        total = table.total
        for count, (line, values) in enumerate(table.rows(), start=1):
            reader.read(line, values)
            if progress is not None and count % PROGRESS_EVERY == 0:
                # "done" only once everything is written (a command's bar ends then); a
                # sheet that does not declare its size (or declares too few) gives None.
                progress(count, total if total > count else None)
    except SpreadsheetError as exc:
        result.errors = [RowError(None, "", exc.message)]
        return result
    result.rows = len(reader.parsed) + len({e.row for e in reader.errors})
    if not result.rows:
        result.errors = [RowError(None, "", _("文件中没有数据行（第 1 行为表头）。"))]
        return result

    parsed, reader.parsed = reader.parsed, None
    enterprises = _enterprises({record.uscc for record, _name in parsed}, by)
    recorded, taken = _recorded((record.number for record, _name in parsed if record.number), by)
    occurrences, fingerprints = {}, {}  # line → fingerprint, rows without a number
    for record, _name in parsed:
        if not record.number:
            content = _fingerprint(record, 0)
            occurrences[content] = occurrences.get(content, 0) + 1
            fingerprints[record.line] = _fingerprint(record, occurrences[content])
    del occurrences
    imported_before = _imported_rows(fingerprints.values())
    records = []
    for i, (record, name) in enumerate(parsed):
        parsed[i] = None  # keep one copy of each row in memory, not two
        line, uscc = record.line, record.uscc
        enterprise = enterprises.get(uscc)
        if enterprise is None:
            reader.error(
                line,
                USCC,
                _("没有统一社会信用代码为 %(c)s 的企业，或该企业不在您的管辖范围内。")
                % {"c": uscc},
            )
            continue
        enterprise_id, enterprise_name, cell_id, township_id, industry = enterprise
        if "".join(name.split()) != "".join(enterprise_name.split()):
            reader.error(
                line,
                NAME,
                _("“%(file)s”与统一社会信用代码 %(c)s 登记的企业“%(db)s”不一致。")
                % {"file": name, "c": uscc, "db": enterprise_name},
            )
            continue
        if record.number in taken:
            reader.error(
                line,
                NUMBER,
                _("隐患编号 %(n)s 已被使用，请清空编号由系统重新编号，或联系县级管理员。")
                % {"n": record.number},
            )
            continue
        if record.number and record.number in recorded:
            before, row = recorded[record.number], record.row_data()
            changed = [
                col for key, col in _FIELD_COLUMNS.items() if before.get(key, "") != row[key]
            ]
            if changed:
                reader.error(
                    line,
                    NUMBER,
                    _(
                        "隐患编号 %(n)s 已存在，且与已登记的内容不同（%(cols)s）。"
                        "已有记录不会被改写；如确是另一条隐患，请清空编号由系统重新编号。"
                    )
                    % {"n": record.number, "cols": "、".join(changed)},
                )
            else:
                result.unchanged += 1
            continue
        before = imported_before.get(fingerprints.get(line))
        if before is not None:
            at, number = before
            result.unchanged += 1
            result.skipped.append(
                RowError(
                    line,
                    "",
                    _("此行已于 %(date)s 导入（隐患编号 %(number)s），本次跳过。")
                    % {"date": timezone.localtime(at).strftime("%Y-%m-%d"), "number": number},
                )
            )
            continue
        records.append(
            record._replace(
                enterprise_id=enterprise_id,
                cell_id=cell_id,
                township_id=township_id,
                industry=industry,
            )
        )
    del parsed
    if reader.errors:
        order = {c: i for i, c in enumerate(COLUMNS)}
        result.errors = sorted(reader.errors, key=lambda e: (e.row or 0, order.get(e.column, -1)))
        result.unchanged = 0
        result.skipped = []
        return result
    if dry_run:
        result.created = len(records)
        if progress is not None:
            progress(result.rows, result.rows)
        return result
    try:
        result.created = _write(records, fingerprints, digest, _file_name(path_or_file), by)
    except IntegrityError:
        # The same file, or one of its rows, was written by another import meanwhile.
        result.created, result.unchanged, result.skipped = 0, 0, []
        result.errors = [
            _file_seen(digest)
            or RowError(None, "", _("其中的行刚刚已由另一次导入写入，本次未导入任何数据。"))
        ]
        return result
    if progress is not None:
        progress(result.rows, result.rows)
    return result


def _write(records, fingerprints, digest, file_name, by):
    """The hazards, their events, the batch and the fingerprints, in one transaction.
    The batch goes first: a second upload of the same file waits for it, then fails."""
    at = timezone.now()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_sha256=digest,
            file_name=file_name,
            imported_at=at,
            imported_by=by,
            rows=len(records),
            created=len(records),
        )
        created = workflow.import_records(records, by=by, at=at)
        wanted = {r.line for r in records if not r.number}
        if wanted:
            hazard_of = {
                line: hazard_id
                for hazard_id, line in HazardEvent.objects.filter(
                    action="import", at=at, actor=by
                ).values_list("hazard_id", "data__line")
                if line in wanted
            }
            ImportedRow.objects.bulk_create(
                (
                    ImportedRow(
                        batch=batch,
                        line=line,
                        row_sha256=fingerprints[line],
                        hazard_id=hazard_of[line],
                    )
                    for line in sorted(wanted)
                ),
                batch_size=FINGERPRINT_CHUNK,
            )
    return created
