"""Importing an enterprise register (.xlsx), in two phases.

1. Every row is parsed and validated into an unsaved Enterprise; every problem is
   collected as (row, column, message). Nothing is written.
2. Only when there is no problem at all, every new and changed row is written in one
   ``transaction.atomic()``.

Rows are matched by 统一社会信用代码: a row whose values equal the stored ones is
"unchanged", so importing the same file twice changes nothing.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetError, as_text, open_table
from enterprises.forms import USCC_TAKEN
from enterprises.models import Enterprise, Industry, RiskColour, Scale
from enterprises.validators import normalize_uscc, validate_uscc
from grid import scoping
from grid.models import GridCell
from grid.services import find_by_names

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "行业",
    "规模",
    "地址",
    "法定代表人",
    "安全负责人",
    "联系电话",
    "所属网格",
    "风险等级",
]
# Column → model field, for field validation messages.
FIELDS = {
    "企业名称": "name",
    "统一社会信用代码": "uscc",
    "行业": "industry",
    "规模": "scale",
    "地址": "address",
    "法定代表人": "legal_representative",
    "安全负责人": "safety_officer",
    "联系电话": "phone",
    "所属网格": "cell",
    "风险等级": "risk",
}
COLUMN_OF = {v: k for k, v in FIELDS.items()}
# What an import may change on an existing enterprise (status and 包保 are kept).
COMPARED = [
    "name",
    "industry",
    "scale",
    "address",
    "legal_representative",
    "safety_officer",
    "phone",
    "cell_id",
    "risk",
]
UPDATED_FIELDS = [f.removesuffix("_id") for f in COMPARED] + ["township", "updated_at"]
PROGRESS_EVERY = 500
BATCH = 500


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # [(row or None, column, message)]
    dry_run: bool = False

    @property
    def ok(self):
        return not self.errors

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


def _key(text):
    return re.sub(r"[\s　]", "", text).replace("－", "-").replace("—", "-").replace("_", "-")


def _industry_lookup():
    lookup = {}
    for value, label in Industry.choices:
        label = str(label)
        lookup[_key(label)] = value
        lookup[value] = value
        if "-" in label:  # 工贸-机械 → also 机械
            lookup.setdefault(_key(label.split("-", 1)[1]), value)
        if "/" in label:  # 道路交通/运输 → also 道路交通, 道路运输
            first, second = label.split("/", 1)
            lookup.setdefault(_key(first), value)
            lookup.setdefault(_key(first[:2] + second), value)
    return lookup


SCALES = {
    "规模以上": Scale.ABOVE,
    "规上": Scale.ABOVE,
    "规模以下": Scale.BELOW,
    "规下": Scale.BELOW,
}
RISKS = {}
for _value, _words in {
    RiskColour.RED: ["红", "红色", "重大", "重大风险", "红（重大风险）", "红色（重大风险）"],
    RiskColour.ORANGE: ["橙", "橙色", "较大", "较大风险", "橙（较大风险）", "橙色（较大风险）"],
    RiskColour.YELLOW: ["黄", "黄色", "一般", "一般风险", "黄（一般风险）", "黄色（一般风险）"],
    RiskColour.BLUE: ["蓝", "蓝色", "低", "低风险", "较低风险", "蓝（低风险）", "蓝色（低风险）"],
}.items():
    for _word in _words:
        RISKS[_key(_word)] = _value
        RISKS[_key(_word).replace("（", "(").replace("）", ")")] = _value


class _RowErrors:
    def __init__(self, errors, row):
        self.errors, self.row = errors, row
        self.count = 0

    def add(self, column, message):
        self.errors.append((self.row, column, str(message)))
        self.count += 1


class _CellResolver:
    """Resolve "镇/工作区/村" paths once each, within the importer's scope."""

    def __init__(self, by):
        self.visible = set(scoping.cells_for(by).values_list("id", flat=True))
        self.cache = {}

    def resolve(self, text):
        key = _key(text).replace("／", "/").replace("\\", "/").strip("/")
        if key not in self.cache:
            self.cache[key] = self._resolve(key)
        return self.cache[key]

    def _resolve(self, key):
        names = [n for n in key.split("/") if n]
        if not names:
            return None, _("请填写所属网格，如“地方镇/第一工作区/东村”。")
        cell = find_by_names(names)
        if cell is None or cell.pk not in self.visible:
            return None, _("找不到网格“%(path)s”（应从乡镇写到村，用“/”分隔）。") % {
                "path": "/".join(names)
            }
        if cell.level != GridCell.Level.VILLAGE:
            return None, _("“%(path)s”不是村/社区/园区一级的网格，企业须落到村一级。") % {
                "path": "/".join(names)
            }
        if not cell.is_active:
            return None, _("网格“%(path)s”已停用。") % {"path": "/".join(names)}
        return cell, None


def _parse_row(values, *, errors, industries, cells):
    """One row → an unsaved Enterprise (or None when the row has errors)."""
    text = {h: as_text(values.get(h)) for h in HEADERS}
    ent = Enterprise(
        name=text["企业名称"],
        uscc=normalize_uscc(text["统一社会信用代码"]),
        address=text["地址"],
        legal_representative=text["法定代表人"],
        safety_officer=text["安全负责人"],
        phone=re.sub(r"[\s　]", "", text["联系电话"]),
    )
    if not ent.name:
        errors.add("企业名称", _("请填写企业名称。"))
    if not ent.uscc:
        errors.add("统一社会信用代码", _("请填写统一社会信用代码。"))
    else:
        try:
            validate_uscc(ent.uscc)
        except ValidationError as exc:
            errors.add("统一社会信用代码", exc.messages[0])
    industry = text["行业"]
    if not industry:
        errors.add("行业", _("请填写行业，如“工贸-机械”或“危险化学品”。"))
    elif _key(industry) not in industries:
        errors.add("行业", _("行业“%(v)s”不在行业分类中。") % {"v": industry})
    else:
        ent.industry = industries[_key(industry)]
    scale = text["规模"]
    if _key(scale) in SCALES:
        ent.scale = SCALES[_key(scale)]
    else:
        errors.add(
            "规模",
            _("规模应填“规模以上”或“规模以下”。")
            if not scale
            else _("规模“%(v)s”无法识别，应填“规模以上”或“规模以下”。") % {"v": scale},
        )
    risk = text["风险等级"]
    risk_key = _key(risk)
    if risk_key in RISKS:
        ent.risk = RISKS[risk_key]
    else:
        errors.add(
            "风险等级",
            _("请填写风险等级：红、橙、黄或蓝。")
            if not risk
            else _("风险等级“%(v)s”无法识别，应填红、橙、黄或蓝。") % {"v": risk},
        )
    cell, message = cells.resolve(text["所属网格"])
    if message:
        errors.add("所属网格", message)
    else:
        ent.cell = cell
        ent.township_id = cell.township_id
    # Lengths, phone and choices by the model's own field validators.
    skip = ["cell", "township", "uscc", "industry", "risk", "scale"]
    try:
        ent.clean_fields(exclude=skip)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = COLUMN_OF.get(name, name)
            if column == "企业名称" and not ent.name:
                continue  # already reported
            for message in messages:
                errors.add(column, message)
    return ent


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def import_enterprises(source, *, by, dry_run=False, progress=None):
    """Import the enterprises of ``source`` (a path, an UploadedFile or a binary file) on
    behalf of ``by``. Returns an ``ImportResult``; writes nothing when it has errors or
    when ``dry_run``. ``progress(done, total)`` is called every 500 rows."""
    result = ImportResult(dry_run=dry_run)
    if not scoping.allowed(by, "enterprise.import"):
        result.errors.append((None, "", _("您没有导入企业名录的权限。")))
        return result
    try:
        table = open_table(source, HEADERS)
    except SpreadsheetError as exc:
        result.errors.append((None, "", exc.message))
        return result

    industries = _industry_lookup()
    cells = _CellResolver(by)
    parsed = []  # (row, enterprise)
    seen = {}  # uscc → first row
    total = table.total
    done = 0
    try:
        for done, (row, values) in enumerate(table.rows(), start=1):  # noqa: B007
            errors = _RowErrors(result.errors, row)
            ent = _parse_row(values, errors=errors, industries=industries, cells=cells)
            if ent.uscc and ent.uscc in seen:
                errors.add(
                    "统一社会信用代码",
                    _("与第 %(row)d 行的统一社会信用代码重复。") % {"row": seen[ent.uscc]},
                )
            elif ent.uscc:
                seen[ent.uscc] = row
            if not errors.count:
                parsed.append((row, ent))
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, max(total, done))
    except SpreadsheetError as exc:
        result.errors.append((None, "", exc.message))
        return result
    if not seen and not result.errors:
        result.errors.append((None, "", _("文件中没有企业数据（第 2 行起每行一家企业）。")))
        return result

    creates, updates = _match(parsed, by, result)
    if progress:
        progress(done, done)
    if result.errors:
        result.created = result.updated = result.unchanged = 0
        return result
    result.created = len(creates)
    result.updated = len(updates)
    if not dry_run:
        _write(creates, updates)
    return result


def _match(parsed, by, result):
    """Split parsed rows into new and changed enterprises; count the unchanged."""
    visible = scoping.enterprises_for(by)
    existing = {}
    codes = [ent.uscc for _row, ent in parsed]
    for chunk in _chunks(codes, BATCH):
        for ent in visible.filter(uscc__in=chunk):
            existing[ent.uscc] = ent
    # A code registered to an enterprise the importer cannot see is a conflict, never an
    # update: uniqueness is county-wide.
    taken = set()
    for chunk in _chunks([c for c in codes if c not in existing], BATCH):
        taken.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    creates, updates = [], []
    for row, ent in parsed:
        if ent.uscc in taken:
            result.errors.append((row, "统一社会信用代码", str(USCC_TAKEN)))
            continue
        stored = existing.get(ent.uscc)
        if stored is None:
            creates.append(ent)
            continue
        changed = [f for f in COMPARED if getattr(stored, f) != getattr(ent, f)]
        if not changed:
            result.unchanged += 1
            continue
        for f in COMPARED:
            setattr(stored, f, getattr(ent, f))
        stored.township_id = ent.township_id
        updates.append(stored)
    return creates, updates


def _write(creates, updates):
    now = timezone.now()
    with transaction.atomic():
        for chunk in _chunks(creates, BATCH):
            Enterprise.objects.bulk_create(chunk)
        for ent in updates:
            ent.updated_at = now
        for chunk in _chunks(updates, BATCH):
            Enterprise.objects.bulk_update(chunk, UPDATED_FIELDS)
