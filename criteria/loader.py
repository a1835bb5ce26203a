"""Load 判定标准 and their items from a JSON file: validate every row, then write all or nothing.

The file is an object with two lists (see ``criteria/templates_files/criteria_template.json``)::

    {"standards": [{"code": "GM10", "title": "…", "document_number": "…", "issuer": "…",
                    "in_force_from": "2023-05-15", "repealed_on": null, "repealed_by": null,
                    "industries": ["工贸-冶金", …], "source": "…", "source_url": "…",
                    "checked_on": "2026-11-30", "items_note": ""}],
     "items": [{"standard": "GM10", "article": "第三条", "item": "（一）", "text": "…",
                "industries": [], "keywords": ["承包", …], "source": "…", "source_url": "…",
                "checked_on": "2026-11-30",
                "replaced_by": {"standard": "GM10", "article": "第三条", "item": "（一）"}}]}

``replaced_by`` (optional, on an item of a repealed standard) names the item of the new
standard that carries it on, so hazards judged by the old item resolve to the new one; a row
without the key leaves the link as it is, ``null`` removes it.

Standards are matched by ``code`` and items by (standard, article, item): loading the same file
twice changes nothing. Rows are never deleted. The shipped data migration loads the repository's
own file through :func:`load` with the historical models, so one set of rules checks both.
"""

import datetime
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Industry

from .models import INDUSTRY_SEPARATOR

MAX_BYTES = 5 * 1024 * 1024
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what Standard.code, a SlugField, accepts
# Phrases of criteria_template.json that must not reach the database.
TEMPLATE_MARKERS = ("此处逐字抄录", "（必填）")

STANDARD_FIELDS = {
    "code": gettext_lazy("代号"),
    "title": gettext_lazy("名称"),
    "document_number": gettext_lazy("文号或标准号"),
    "issuer": gettext_lazy("发布机关"),
    "in_force_from": gettext_lazy("施行日期"),
    "repealed_on": gettext_lazy("废止日期"),
    "repealed_by": gettext_lazy("被哪项标准替代"),
    "industries": gettext_lazy("适用行业"),
    "source": gettext_lazy("核对来源"),
    "source_url": gettext_lazy("来源网址"),
    "checked_on": gettext_lazy("核对日期"),
    "items_note": gettext_lazy("条文说明"),
}
ITEM_FIELDS = {
    "standard": gettext_lazy("所属标准"),
    "article": gettext_lazy("条"),
    "item": gettext_lazy("项"),
    "text": gettext_lazy("条文"),
    "industries": gettext_lazy("适用行业"),
    "keywords": gettext_lazy("关键词"),
    "source": gettext_lazy("核对来源"),
    "source_url": gettext_lazy("来源网址"),
    "checked_on": gettext_lazy("核对日期"),
    "replaced_by": gettext_lazy("被哪一条目替代"),
}
LIMITS = {
    "code": 40,
    "title": 200,
    "document_number": 100,
    "issuer": 200,
    "article": 40,
    "item": 40,
    "source_url": 500,
    "industries": 300,
    "keywords": 300,
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # [(row, column, message)]
    dry_run: bool = False
    unchanged_pks: set = field(default_factory=set, repr=False)  # standards, for relinking

    @property
    def ok(self):
        return not self.errors


class LoadError(Exception):
    """The file could not be read at all (not JSON, too large, wrong shape)."""


def industry_lookup():
    """Industry value or Chinese label (工贸-机械, also 机械) → value."""
    lookup = {}
    for value, label in Industry.choices:
        label = str(label)
        lookup[value] = value
        lookup[label] = value
        if "-" in label:
            lookup.setdefault(label.split("-", 1)[1], value)
    return lookup


def read(upload):
    """The parsed JSON object of an uploaded or opened file; LoadError in Chinese otherwise."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise LoadError(_("文件超过 5 MB，请拆分后再导入。"))
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LoadError(_("文件不是 UTF-8 编码的文本，请按模板保存为 .json 文件。")) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LoadError(
            _("文件不是有效的 JSON（第 %(line)d 行第 %(col)d 列附近）：请对照模板检查引号和逗号。")
            % {"line": exc.lineno, "col": exc.colno}
        ) from None
    if not isinstance(data, dict) or not (
        isinstance(data.get("standards", []), list) and isinstance(data.get("items", []), list)
    ):
        raise LoadError(_("文件须包含 standards 和 items 两个列表，请对照模板。"))
    if not data.get("standards") and not data.get("items"):
        raise LoadError(_("文件中没有任何标准或条目。"))
    return data


class _Row:
    def __init__(self, errors, where, labels, raw):
        self.errors, self.where, self.labels = errors, where, labels
        self.raw = raw if isinstance(raw, dict) else {}
        if not isinstance(raw, dict):
            self.add(None, _("每一项须是一个对象（{…}）。"))
        unknown = sorted(set(self.raw) - set(labels))
        for name in unknown:
            self.add(name, _("未知字段，请对照模板。"))

    def add(self, name, message):
        column = str(self.labels.get(name, name)) if name else None
        self.errors.append((self.where, column, str(message)))

    def text(self, name, required=False):
        value = self.raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(name, _("须是文字。"))
            return ""
        value = value.strip()
        if required and not value:
            self.add(name, _("不能为空。"))
        limit = LIMITS.get(name)
        if limit and len(value) > limit:
            self.add(name, _("超过 %(n)d 个字。") % {"n": limit})
        return value

    def date(self, name, required=False):
        value = self.raw.get(name)
        if value in (None, ""):
            if required:
                self.add(name, _("不能为空。"))
            return None
        try:
            parsed = datetime.date.fromisoformat(str(value))
        except ValueError:
            self.add(name, _("日期格式应为 2023-05-15。"))
            return None
        return parsed

    def words(self, name):
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.split()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(name, _('须是文字列表，如 ["粉尘", "除尘"]。'))
            return []
        return [v.strip() for v in value if v.strip()]

    def industries(self, lookup):
        values = []
        for word in self.words("industries"):
            value = lookup.get(word)
            if value is None:
                self.add("industries", _("未知行业“%(w)s”。") % {"w": word})
            elif value not in values:
                values.append(value)
        return INDUSTRY_SEPARATOR.join(values)

    def item_key(self, name):
        """An item named as {"standard": code, "article": "第三条", "item": "（一）"}, or None."""
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) - {"standard", "article", "item"}:
            self.add(
                name, _('须写成 {"standard": "GM10", "article": "第三条", "item": "（一）"}。')
            )
            return None
        parts = [
            value.get(k) if value.get(k) is not None else ""
            for k in ("standard", "article", "item")
        ]
        if not all(isinstance(p, str) for p in parts) or not (
            parts[0].strip() and parts[2].strip()
        ):
            self.add(name, _("须写明所属标准的代号和项号。"))
            return None
        return tuple(p.strip() for p in parts)

    def url(self, name):
        value = self.text(name)
        if value:
            try:
                URLValidator()(value)
            except ValidationError:
                self.add(name, _("不是有效的网址。"))
        return value


def _checked_on(row):
    checked = row.date("checked_on", required=True)
    if checked and checked > timezone.localdate():
        row.add("checked_on", _("核对日期不能晚于今天。"))
    return checked


def validate(data, Standard):
    """Every row of ``data`` checked. Returns (standards, items, errors): dicts ready to write
    (items name their standard by code), and [(row, column, message)]."""
    errors, lookup = [], industry_lookup()
    standards, items = [], []
    codes_in_file = {}
    for n, raw in enumerate(data.get("standards", []), start=1):
        row = _Row(errors, _("标准第 %(n)d 项") % {"n": n}, STANDARD_FIELDS, raw)
        values = {
            "code": row.text("code", required=True),
            "title": row.text("title", required=True),
            "document_number": row.text("document_number", required=True),
            "issuer": row.text("issuer", required=True),
            "in_force_from": row.date("in_force_from"),
            "repealed_on": row.date("repealed_on"),
            "repealed_by": row.text("repealed_by"),
            "industries": row.industries(lookup),
            "source": row.text("source", required=True),
            "source_url": row.url("source_url"),
            "checked_on": _checked_on(row),
            "items_note": row.text("items_note"),
        }
        if any(marker in values["source"] for marker in TEMPLATE_MARKERS):
            row.add("source", _("仍是模板中的示例内容，请替换为核对过的原文和来源。"))
        code = values["code"]
        if code and not SLUG.fullmatch(code):
            row.add("code", _("代号只能由字母、数字、“-”和“_”组成，如 GM10。"))
        if code and code in codes_in_file:
            row.add("code", _("与标准第 %(n)d 项的代号重复。") % {"n": codes_in_file[code]})
        elif code:
            codes_in_file[code] = n
        if values["in_force_from"] and values["repealed_on"]:
            if values["repealed_on"] < values["in_force_from"]:
                row.add("repealed_on", _("废止日期不能早于施行日期。"))
        if values["repealed_by"] and not values["repealed_on"]:
            row.add("repealed_on", _("填写了替代标准时须填写废止日期。"))
        if values["repealed_by"] and values["repealed_by"] == code:
            row.add("repealed_by", _("标准不能被自身替代。"))
        values["position"] = n
        standards.append(values)
    known = set(codes_in_file) | set(Standard.objects.values_list("code", flat=True))
    for values, n in zip(standards, range(1, len(standards) + 1), strict=True):
        target = values["repealed_by"]
        if target and target != values["code"] and target not in known:
            errors.append(
                (
                    _("标准第 %(n)d 项") % {"n": n},
                    str(STANDARD_FIELDS["repealed_by"]),
                    _("没有代号为“%(c)s”的标准。") % {"c": target},
                )
            )
    seen = {}
    for n, raw in enumerate(data.get("items", []), start=1):
        row = _Row(errors, _("条目第 %(n)d 项") % {"n": n}, ITEM_FIELDS, raw)
        values = {
            "standard": row.text("standard", required=True),
            "article": row.text("article"),
            "item": row.text("item", required=True),
            "text": row.text("text", required=True),
            "industries": row.industries(lookup),
            "keywords": INDUSTRY_SEPARATOR.join(row.words("keywords")),
            "source": row.text("source", required=True),
            "source_url": row.url("source_url"),
            "checked_on": _checked_on(row),
        }
        for name in ("text", "source"):
            if any(marker in values[name] for marker in TEMPLATE_MARKERS):
                row.add(name, _("仍是模板中的示例内容，请替换为核对过的原文和来源。"))
        if len(values["keywords"]) > LIMITS["keywords"]:
            row.add("keywords", _("超过 %(n)d 个字。") % {"n": LIMITS["keywords"]})
        if values["standard"] and values["standard"] not in known:
            row.add("standard", _("没有代号为“%(c)s”的标准。") % {"c": values["standard"]})
        key = (values["standard"], values["article"], values["item"])
        if values["standard"] and values["item"]:
            if key in seen:
                row.add("item", _("与条目第 %(n)d 项的条、项重复。") % {"n": seen[key]})
            else:
                seen[key] = n
        if "replaced_by" in row.raw:
            values["replaced_by"] = row.item_key("replaced_by")
            if values["replaced_by"] == key:
                row.add("replaced_by", _("条目不能被自身替代。"))
        values["position"] = n
        items.append(values)
    existing = set()
    wanted = {v["replaced_by"] for v in items if v.get("replaced_by")}
    if wanted:
        from .models import Criterion

        existing = set(
            Criterion.objects.filter(standard__code__in={w[0] for w in wanted}).values_list(
                "standard__code", "article", "item"
            )
        )
    for n, values in enumerate(items, start=1):
        target = values.get("replaced_by")
        if target and target not in seen and target not in existing:
            errors.append(
                (
                    _("条目第 %(n)d 项") % {"n": n},
                    str(ITEM_FIELDS["replaced_by"]),
                    _("没有“%(s)s %(a)s%(i)s”这一条目。")
                    % {"s": target[0], "a": target[1], "i": target[2]},
                )
            )
    return standards, items, errors


def _upsert(Model, lookup, values, result):
    obj = Model.objects.filter(**lookup).first()
    if obj is None:
        obj = Model.objects.create(**lookup, **values)
        result.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        result.updated += 1
    else:
        result.unchanged += 1
        if "code" in lookup:
            result.unchanged_pks.add(obj.pk)
    return obj


def load(data, *, Standard=None, Criterion=None, dry_run=False):
    """Validate ``data`` and, when every row is valid and not ``dry_run``, write it in one
    transaction. The model arguments let a data migration pass its historical models."""
    if Standard is None or Criterion is None:
        from .models import Criterion, Standard
    standards, items, errors = validate(data, Standard)
    result = LoadResult(errors=errors, dry_run=dry_run)
    if errors:
        return result
    with transaction.atomic():
        _write(standards, items, Standard, Criterion, result)
        if dry_run:  # counted as if written, then rolled back
            transaction.set_rollback(True)
    return result


def _write(standards, items, Standard, Criterion, result):
    by_code = {}
    for values in standards:
        values = dict(values)
        code, target = values.pop("code"), values.pop("repealed_by")
        values["repealed_by"] = None
        obj = Standard.objects.filter(code=code).first()
        if obj is not None and values["repealed_on"] is not None:
            values["repealed_by"] = obj.repealed_by  # relinked below, once all exist
        by_code[code] = (_upsert(Standard, {"code": code}, values, result), target)
    for obj, target in by_code.values():
        wanted = Standard.objects.get(code=target) if target else None
        if obj.repealed_by_id != (wanted.pk if wanted else None):
            obj.repealed_by = wanted
            obj.save(update_fields=["repealed_by"])
            if obj.pk in result.unchanged_pks:
                result.unchanged, result.updated = result.unchanged - 1, result.updated + 1
    cache = {code: obj for code, (obj, _target) in by_code.items()}
    links = []
    for values in items:
        values = dict(values)
        code = values.pop("standard")
        if code not in cache:
            cache[code] = Standard.objects.get(code=code)
        lookup = {
            "standard": cache[code],
            "article": values.pop("article"),
            "item": values.pop("item"),
        }
        linked = "replaced_by" in values
        target = values.pop("replaced_by", None)
        unchanged = result.unchanged
        obj = _upsert(Criterion, lookup, values, result)
        if linked:
            links.append((obj, target, result.unchanged > unchanged))
    for obj, target, was_unchanged in links:  # once every item of the file exists
        wanted = None
        if target:
            wanted = Criterion.objects.get(
                standard__code=target[0], article=target[1], item=target[2]
            )
        if obj.replaced_by_id != (wanted.pk if wanted else None):
            obj.replaced_by = wanted
            obj.save(update_fields=["replaced_by"])
            if was_unchanged:
                result.unchanged, result.updated = result.unchanged - 1, result.updated + 1
