"""Importing a year of paper inspections and enforcement actions from .xlsx (issue 12).

The same rules as the hazard-ledger import (``hazards.imports``): every row is read and
checked first, every problem is reported as (row, column, message) in Chinese, and nothing
is written unless every row is valid; then everything is written in one transaction.

Importing the same file twice changes nothing:

- an inspection is one enterprise inspected by a group (检查组, by its name, formed by the
  enterprise's county) on a date; the rows of one group on one date are one outing. A row
  whose group, date and enterprise are already recorded is unchanged (the database holds
  one inspection per outing and enterprise);
- an enforcement action with a 文书编号 is that number: the same number again is unchanged
  when its facts are the same and an error when they differ; rows without a number are
  counted by their content: a file with n identical rows makes n records, however often
  it is imported.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from core.spreadsheets import SpreadsheetError, as_text, open_table
from enterprises.validators import normalize_uscc
from grid import scoping
from hazards.imports import RowError, _CellError, _date
from inspections.models import (
    ChecklistTemplate,
    EnforcementAction,
    Inspection,
    InspectionGroup,
    Outing,
)
from inspections.services import OWN_GROUP_KINDS, split_names

PERMISSION = "hazard.import"  # the county's and the administrators' imports
EARLIEST_YEAR = 2000
CHUNK = 500
PROGRESS_EVERY = 500

DATE = "检查日期"
USCC = "统一社会信用代码"
NAME = "企业名称"
GROUP = "检查组"
PEOPLE = "检查人员"
KIND = "检查类型"
TEMPLATE = "检查表"
NOTES = "备注"
INSPECTION_REQUIRED = [DATE, USCC, NAME, GROUP, PEOPLE]
INSPECTION_OPTIONAL = [KIND, TEMPLATE, NOTES]

E_DATE = "日期"
E_KIND = "类型"
E_NUMBER = "文书编号"
E_FINE = "罚款金额（元）"
E_DOCUMENT_KIND = "文书种类"
ENFORCEMENT_REQUIRED = [E_DATE, USCC, NAME, E_KIND]
ENFORCEMENT_OPTIONAL = [E_NUMBER, E_FINE, NOTES, E_DOCUMENT_KIND]

ENFORCEMENT_LABEL = "执法检查"  # 检查类型 of an enforcement inspection: two people at least
INSPECTION_KINDS = {
    **{str(label): value for value, label in Inspection.Kind.choices},
    "日常": Inspection.Kind.ROUTINE,
    "专项": Inspection.Kind.SPECIAL,
    "复查": Inspection.Kind.RECHECK,
    ENFORCEMENT_LABEL: Inspection.Kind.ROUTINE,
}
ENFORCEMENT_KINDS = {str(label): value for value, label in EnforcementAction.Kind.choices}
DOCUMENT_KINDS = {str(label): value for value, label in EnforcementAction.DocumentKind.choices}
FINE_MAX = Decimal("9999999999.99")

# The explanation sheet of each template: (column, required, what to write).
INSPECTION_HELP = [
    (DATE, True, _l("检查日期，如 2020-03-05；不能晚于今天，不能早于 2000 年。")),
    (USCC, True, _l("企业的统一社会信用代码，企业须已在企业名录中。")),
    (NAME, True, _l("企业名称，须与企业名录一致。")),
    (
        GROUP,
        True,
        "检查组名称或编号，如纸质记录所写（第12检查组）；同一检查组同一天的各行为一次出动。",
    ),
    (
        PEOPLE,
        True,
        "检查人员姓名，用、或，或空格分隔；同一行重复的姓名只计一次；没有账号的人员（专家等）照写姓名。",
    ),
    (
        KIND,
        False,
        "日常检查、专项检查、督查、复查或执法检查（执法检查须两名及以上人员）；留空为日常检查。",
    ),
    (TEMPLATE, False, _l("所用检查表的名称；导入的检查记录没有逐项检查结果。")),
    (NOTES, False, _l("备注。")),
]
ENFORCEMENT_HELP = [
    (E_DATE, True, _l("日期，如 2020-03-05；不能晚于今天，不能早于 2000 年。")),
    (USCC, True, _l("企业的统一社会信用代码，企业须已在企业名录中。")),
    (NAME, True, _l("企业名称，须与企业名录一致。")),
    (E_KIND, True, _l("执法文书、约谈提醒、立案查处或责令停产停业。")),
    (E_NUMBER, False, _l("文书编号；同一编号在文件中只能出现一次。")),
    (E_FINE, False, _l("罚款金额，单位元，不能为负数；留空为 0。")),
    (NOTES, False, _l("内容或备注。")),
    (E_DOCUMENT_KIND, False, _l("执法文书的种类，如责令限期整改指令书；留空为其他文书。")),
]


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # RowErrors
    dry_run: bool = False
    outings: int = 0  # new outings (inspections only)

    @property
    def ok(self):
        return not self.errors

    @property
    def updated(self):
        """Always 0: an import never rewrites a record."""
        return 0


def template_bytes(kind):
    """The template of ``kind`` ("inspections" or "enforcement"): the header row and a sample
    row on the first sheet, and a second sheet that explains each column."""
    import io

    from openpyxl import Workbook

    if kind == "inspections":
        title, help_rows = _("检查记录"), INSPECTION_HELP
        sample = ["2020-03-05", "91371302MA3C8XXXXX", "某某机械有限公司", "第12检查组",
                  "张三、李四、王专家", "专项检查", "", ""]  # fmt: skip
    else:
        title, help_rows = _("执法记录"), ENFORCEMENT_HELP
        sample = ["2020-03-06", "91371302MA3C8XXXXX", "某某机械有限公司", "立案查处",
                  "（2020）第001号", "5000", "未按规定进行安全培训", ""]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([column for column, _required, _text in help_rows])
    ws.append(sample)
    notes = wb.create_sheet(_("填写说明"))
    notes.append([_("列"), _("是否必填"), _("填写说明")])
    for column, required, text in help_rows:
        notes.append([column, _("必填") if required else _("可选"), str(text)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------


class _Rows:
    """Shared checks of both imports: dates, enterprises, collecting every error."""

    def __init__(self, by):
        self.by = by
        self.today = timezone.localdate()
        self.errors = []

    def error(self, line, column, message):
        self.errors.append(RowError(line, column, str(message)))

    def required(self, line, values, column):
        text = as_text(values.get(column))
        if not text:
            self.error(line, column, _("必填。"))
        return text

    def date(self, line, values, column):
        try:
            on = _date(values.get(column))
        except _CellError as exc:
            self.error(line, column, exc.message)
            return None
        if on is None:
            self.error(line, column, _("必填。"))
        elif on > self.today:
            self.error(line, column, _("日期不能晚于今天。"))
        elif on.year < EARLIEST_YEAR:
            self.error(line, column, _("日期不能早于 %(y)d 年。") % {"y": EARLIEST_YEAR})
        return on

    def enterprises(self, rows):
        """Resolve each row's (line, uscc, name) to an enterprise in the importer's scope;
        {uscc: enterprise}. Unknown codes and names that differ are errors."""
        codes = {uscc for _line, uscc, _name in rows if uscc}
        base = scoping.enterprises_for(self.by).only(
            "id", "uscc", "name", "cell_id", "township_id", "cell__path"
        )
        found = {}
        codes = sorted(codes)
        for start in range(0, len(codes), CHUNK):
            for ent in base.filter(uscc__in=codes[start : start + CHUNK]).select_related("cell"):
                found[ent.uscc] = ent
        for line, uscc, name in rows:
            if not uscc:
                continue
            ent = found.get(uscc)
            if ent is None:
                self.error(
                    line,
                    USCC,
                    _("统一社会信用代码“%(v)s”不在企业名录中（或不在您的管辖范围内）。")
                    % {"v": uscc},
                )
            elif name and "".join(name.split()) != "".join(ent.name.split()):
                self.error(line, NAME, _("与企业名录中的名称“%(n)s”不一致。") % {"n": ent.name})
        return found


def _open(source, required, optional, result):
    try:
        return open_table(source, required, optional=optional)
    except SpreadsheetError as exc:
        result.errors.append(RowError(None, "", exc.message))
        return None


def _read(table, result, read, progress):
    done = 0
    try:
        for done, (line, values) in enumerate(table.rows(), start=1):  # noqa: B007
            read(line, values)
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, max(table.total, done))
    except SpreadsheetError as exc:
        result.errors.append(RowError(None, "", exc.message))
        return 0
    if progress:
        progress(done, done)
    return done


def _user_lookup():
    """{name: user id} of the active users by full name and username; a full name two
    users share names nobody (the person is then recorded by name only)."""
    counts, lookup = Counter(), {}
    for pk, username, first, last in (
        get_user_model()
        .objects.filter(is_active=True)
        .values_list("pk", "username", "first_name", "last_name")
    ):
        full = f"{last}{first}".strip() or first
        for key in {full, first, username} - {""}:
            counts[key] += 1
            lookup[key] = pk
    return {k: v for k, v in lookup.items() if counts[k] == 1}


# --- inspections ----------------------------------------------------------------------------


def import_inspections(source, *, by, dry_run=False, progress=None):
    """Import the inspection records of ``source`` on behalf of ``by``. Returns an
    ``ImportResult``; writes nothing when it has errors or when ``dry_run``."""
    result = ImportResult(dry_run=dry_run)
    if not scoping.allowed(by, PERMISSION):
        result.errors.append(RowError(None, "", _("您没有导入检查记录的权限。")))
        return result
    table = _open(source, INSPECTION_REQUIRED, INSPECTION_OPTIONAL, result)
    if table is None:
        return result
    rows = _Rows(by)
    templates = {t.name: t.pk for t in ChecklistTemplate.objects.only("id", "name")}
    parsed = []

    def read(line, values):
        count = len(rows.errors)
        on = rows.date(line, values, DATE)
        uscc = normalize_uscc(rows.required(line, values, USCC))
        name = rows.required(line, values, NAME)
        group = rows.required(line, values, GROUP)
        if len(group) > 60:
            rows.error(line, GROUP, _("不能超过 %(n)d 个字。") % {"n": 60})
        people = split_names(as_text(values.get(PEOPLE)))
        if not people:
            rows.error(line, PEOPLE, _("必填：请填写检查人员姓名。"))
        kind_text = "".join(as_text(values.get(KIND)).split())
        kind = INSPECTION_KINDS.get(kind_text or str(Inspection.Kind.ROUTINE.label))
        if kind is None:
            rows.error(
                line,
                KIND,
                _("应为%(c)s之一。") % {"c": "、".join(f"“{k}”" for k in _kind_labels())},
            )
        enforcement = kind_text == ENFORCEMENT_LABEL
        if enforcement and 0 < len(people) < 2:
            rows.error(line, PEOPLE, _("执法检查须有两名及以上执法人员。"))
        template_name = as_text(values.get(TEMPLATE))
        template_id = None
        if template_name:
            template_id = templates.get(template_name)
            if template_id is None:
                rows.error(
                    line, TEMPLATE, _("没有名为“%(v)s”的检查表。") % {"v": template_name[:40]}
                )
        notes = as_text(values.get(NOTES))
        if len(rows.errors) == count:
            parsed.append(
                (line, on, uscc, name, group, people, kind, enforcement, template_id, notes)
            )
        elif uscc:
            parsed.append((line, None, uscc, name, None, None, None, None, None, None))

    if not _read(table, result, read, progress) and not result.errors:
        result.errors.append(RowError(None, "", _("文件中没有检查记录（第 2 行起每行一次检查）。")))
    enterprises = rows.enterprises([(p[0], p[2], p[3]) for p in parsed])
    result.errors.extend(rows.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.row or 0)
        return result
    seen = {}
    for line, on, uscc, _name, group, *_rest in parsed:
        key = (enterprises[uscc].pk, group, on)
        if key in seen:
            result.errors.append(
                RowError(
                    line,
                    GROUP,
                    _("与第 %(r)d 行重复：同一检查组同一天检查同一企业只记一次。")
                    % {"r": seen[key]},
                )
            )
        seen[key] = line
    if result.errors:
        return result
    users = _user_lookup()
    with transaction.atomic():
        _write_inspections(parsed, enterprises, users, by, result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _kind_labels():
    return [str(label) for label in Inspection.Kind.labels] + [ENFORCEMENT_LABEL]


def _county_id(enterprise):
    return int(enterprise.cell.path.strip("/").split("/")[0])


def _write_inspections(parsed, enterprises, users, by, result):
    """Groups by (county, name), outings by (group, date), then the inspections not yet
    recorded; an outing's people are everyone named on its rows (and before)."""
    now = timezone.now()
    outings = {}  # (county, group name, date) → [rows]
    for row in parsed:
        ent = enterprises[row[2]]
        outings.setdefault((_county_id(ent), row[4], row[1]), []).append(row)
    groups = {
        (g.unit_id, g.name): g
        for g in InspectionGroup.objects.filter(
            unit_id__in={k[0] for k in outings}, name__in={k[1] for k in outings}
        )
    }
    for (unit_id, name, on), members in outings.items():
        group = groups.get((unit_id, name))
        if group is None:
            first = members[0]
            group = groups[(unit_id, name)] = InspectionGroup.objects.create(
                name=name,
                unit_id=unit_id,
                kind=InspectionGroup.Kind.ENFORCEMENT if first[7] else _group_kind(first[6]),
            )
        outing, created = Outing.objects.get_or_create(group=group, date=on)
        result.outings += created
        present = set() if created else set(outing.present.values_list("pk", flat=True))
        guests = [] if created else split_names(outing.guest_names)
        recorded = (
            set() if created else set(outing.inspections.values_list("enterprise_id", flat=True))
        )
        for _line, on, uscc, _n, _g, people, kind, enforcement, template_id, notes in members:
            ids = [users[p] for p in people if p in users]
            present.update(ids)
            guests.extend(p for p in people if p not in users and p not in guests)
            ent = enterprises[uscc]
            if ent.pk in recorded:
                result.unchanged += 1
                continue
            recorded.add(ent.pk)
            inspection = Inspection.objects.create(
                enterprise_id=ent.pk,
                cell_id=ent.cell_id,
                township_id=ent.township_id,
                date=on,
                kind=kind,
                is_enforcement=enforcement,
                template_id=template_id,
                outing=outing,
                inspector_count=len(people),
                representative=_("（纸质记录）"),
                notes=notes,
                is_imported=True,
                status=Inspection.Status.SUBMITTED,
                submitted_at=now,
                created_by=by,
            )
            if ids:
                inspection.inspectors.set(ids)
            result.created += 1
        outing.present.set(present)
        group.members.add(*present)
        outing.guest_names = "、".join(guests)
        outing.person_count = max(len(present) + len(guests), 1)
        outing.save(update_fields=["guest_names", "person_count"])


def _group_kind(kind):
    return OWN_GROUP_KINDS.get(kind, InspectionGroup.Kind.ROUTINE)


# --- enforcement ----------------------------------------------------------------------------


def _fine(value):
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise _CellError(_("罚款金额须为数字（元）。"))
    text = as_text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
    if not text:
        return Decimal(0)
    try:
        fine = Decimal(text)
    except InvalidOperation:
        raise _CellError(_("“%(v)s”不是数字，请填写金额（元）。") % {"v": text[:30]}) from None
    if not fine.is_finite() or fine < 0:
        raise _CellError(_("罚款金额不能为负数。"))
    if fine > FINE_MAX:
        raise _CellError(_("罚款金额过大，请以元为单位填写。"))
    return fine.quantize(Decimal("0.01"))


def import_enforcement(source, *, by, dry_run=False, progress=None):
    """Import the enforcement actions of ``source`` on behalf of ``by``."""
    result = ImportResult(dry_run=dry_run)
    if not scoping.allowed(by, PERMISSION):
        result.errors.append(RowError(None, "", _("您没有导入执法记录的权限。")))
        return result
    table = _open(source, ENFORCEMENT_REQUIRED, ENFORCEMENT_OPTIONAL, result)
    if table is None:
        return result
    rows = _Rows(by)
    parsed = []
    numbers = {}

    def read(line, values):
        count = len(rows.errors)
        on = rows.date(line, values, E_DATE)
        uscc = normalize_uscc(rows.required(line, values, USCC))
        name = rows.required(line, values, NAME)
        kind_text = "".join(as_text(values.get(E_KIND)).split())
        kind = ENFORCEMENT_KINDS.get(kind_text)
        if kind is None:
            rows.error(
                line,
                E_KIND,
                _("应为%(c)s之一。") % {"c": "、".join(f"“{k}”" for k in ENFORCEMENT_KINDS)},
            )
        number = as_text(values.get(E_NUMBER))
        if len(number) > 60:
            rows.error(line, E_NUMBER, _("不能超过 %(n)d 个字。") % {"n": 60})
        elif number in numbers:
            rows.error(line, E_NUMBER, _("与第 %(r)d 行的文书编号重复。") % {"r": numbers[number]})
        elif number:
            numbers[number] = line
        try:
            fine = _fine(values.get(E_FINE))
        except _CellError as exc:
            rows.error(line, E_FINE, exc.message)
            fine = None
        document_text = "".join(as_text(values.get(E_DOCUMENT_KIND)).split())
        document_kind = ""
        if kind == EnforcementAction.Kind.DOCUMENT:
            document_kind = DOCUMENT_KINDS.get(
                document_text or str(EnforcementAction.DocumentKind.OTHER.label)
            )
            if document_kind is None:
                rows.error(
                    line, E_DOCUMENT_KIND, _("应为%(c)s之一。") % {"c": "、".join(DOCUMENT_KINDS)}
                )
        notes = as_text(values.get(NOTES))
        if len(rows.errors) == count:
            parsed.append((line, on, uscc, name, kind, number, fine, document_kind, notes))
        elif uscc:
            parsed.append((line, None, uscc, name, None, None, None, None, None))

    if not _read(table, result, read, progress) and not result.errors:
        result.errors.append(RowError(None, "", _("文件中没有执法记录（第 2 行起每行一条）。")))
    enterprises = rows.enterprises([(p[0], p[2], p[3]) for p in parsed])
    result.errors.extend(rows.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.row or 0)
        return result
    records = []
    for line, on, uscc, _name, kind, number, fine, document_kind, notes in parsed:
        ent = enterprises[uscc]
        facts = (ent.pk, on, kind, number, fine, document_kind, notes)
        records.append((line, facts))
    stored = _stored_enforcement(numbers)
    for line, facts in records:
        number = facts[3]
        if number and number in stored and stored[number] != facts:
            result.errors.append(
                RowError(line, E_NUMBER, _("文书编号已有记录，且内容与本行不同：不改写已有记录。"))
            )
    if result.errors:
        return result
    creates = _new_enforcement(records, stored, result)
    by_id = {e.pk: e for e in enterprises.values()}
    if not dry_run:
        with transaction.atomic():
            for start in range(0, len(creates), CHUNK):
                EnforcementAction.objects.bulk_create(
                    [_action(facts, by_id, by) for facts in creates[start : start + CHUNK]]
                )
    result.created = len(creates)
    return result


def _facts_of(action):
    return (
        action.enterprise_id,
        action.date,
        action.kind,
        action.document_number,
        action.fine_yuan,
        action.document_kind,
        action.description,
    )


def _stored_enforcement(numbers):
    """{文书编号: facts} of the stored actions with the file's numbers."""
    stored, codes = {}, sorted(numbers)
    for start in range(0, len(codes), CHUNK):
        for action in EnforcementAction.objects.filter(
            document_number__in=codes[start : start + CHUNK]
        ):
            stored[action.document_number] = _facts_of(action)
    return stored


def _new_enforcement(records, stored, result):
    """The facts to create: a numbered row not yet stored; of rows without a number, as
    many as the file has beyond the identical ones already stored."""
    creates, unnumbered = [], Counter()
    for _line, facts in records:
        if facts[3]:
            if facts[3] in stored:
                result.unchanged += 1
            else:
                creates.append(facts)
        else:
            unnumbered[facts] += 1
    if unnumbered:
        enterprise_ids = {facts[0] for facts in unnumbered}
        have = Counter(
            _facts_of(a)
            for a in EnforcementAction.objects.filter(
                enterprise_id__in=enterprise_ids, document_number=""
            )
        )
        for facts, wanted in unnumbered.items():
            existing = min(have[facts], wanted)
            result.unchanged += existing
            creates.extend([facts] * (wanted - existing))
    return creates


def _action(facts, by_id, by):
    enterprise_id, on, kind, number, fine, document_kind, notes = facts
    cell = by_id[enterprise_id]
    return EnforcementAction(
        enterprise_id=enterprise_id,
        cell_id=cell.cell_id,
        township_id=cell.township_id,
        date=on,
        kind=kind,
        document_number=number,
        fine_yuan=fine,
        document_kind=document_kind,
        description=notes,
        created_by=by,
    )
