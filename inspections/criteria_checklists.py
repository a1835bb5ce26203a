"""重大事故隐患专项检查表: one checklist template per industry, generated from the criteria library.

Each in-force library item (criteria.Criterion) that applies to the industry is one checklist
item: the item's own words, the standard and clause as its 依据, 重大隐患 as its default level
and a link to the item (``ChecklistItem.criterion``), so a hazard registered from a failed item
is offered that item as its 判定依据. The items are grouped by standard, one category each.

Generating again updates the same template (found by its name) in place and never duplicates:
an item still in force keeps its row (past inspections point at it), a new one is added, and an
item whose standard was repealed, or that no longer applies, is switched off (``is_active``),
never deleted. Rows in a generated template without a library item are switched off as well:
the template belongs to the library, administrators edit the library, not the template.
Run by ``manage.py generate_criteria_checklists`` or the 生成专项检查表 button on 判定标准.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import HazardLevel
from criteria.models import Criterion
from enterprises.models import Industry
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate

# Numbers are unique per template (categories) and per category (items): every row is moved
# out of the way first, then numbered again from 1.
_OUT_OF_THE_WAY = 10000


@dataclass
class Generated:
    template: ChecklistTemplate
    created: bool
    active: int
    switched_off: int


def template_name(industry):
    return _("%(industry)s重大事故隐患专项检查表") % {"industry": Industry(industry).label}


def _items_for(industry, on):
    return list(
        Criterion.objects.select_related("standard")
        .in_force(on)
        .for_industry(industry)
        .order_by("standard__position", "standard__code", "position", "pk")
    )


def industries_with_items(on=None):
    """The industries at least one in-force library item applies to, in the order of the
    industry list."""
    on = on or timezone.localdate()
    return [value for value, _label in Industry.choices if _items_for(value, on)]


def generate(industry, on=None):
    """Create or update the 专项检查表 of ``industry`` (an Industry value). Returns Generated,
    or None when no in-force item applies to the industry and none was generated before."""
    on = on or timezone.localdate()
    items = _items_for(industry, on)
    name = template_name(industry)
    if not items and not ChecklistTemplate.objects.filter(name=name).exists():
        return None
    with transaction.atomic():
        template, created = ChecklistTemplate.objects.get_or_create(
            name=name, defaults={"industry": industry}
        )
        template.industry = industry
        # A template whose every item was repealed is switched off with them.
        template.is_active = bool(items)
        template.description = _(
            "由判定标准库生成（%(on)s）。每一项为一种重大事故隐患情形，现场存在该情形的，"
            "检查结果选“不合格”并登记为重大隐患；判定依据条款随之带入。"
            "请勿在此修改检查内容：判定标准更新后重新生成即可。"
        ) % {"on": f"{on:%Y-%m-%d}"}
        template.save()
        ChecklistCategory.objects.filter(template=template).update(
            number=F("number") + _OUT_OF_THE_WAY
        )
        ChecklistItem.objects.filter(category__template=template).update(
            number=F("number") + _OUT_OF_THE_WAY
        )
        categories = {c.name: c for c in ChecklistCategory.objects.filter(template=template)}
        existing = {}
        for row in ChecklistItem.objects.filter(category__template=template).order_by(
            "category__number", "number"
        ):
            existing.setdefault(row.criterion_id, []).append(row)
        by_standard = {}
        for item in items:
            by_standard.setdefault(item.standard, []).append(item)

        wanted, active = [], 0
        for number, (standard, group) in enumerate(by_standard.items(), start=1):
            name = standard.title[:100]
            category = categories.pop(name, None)
            if category is None:
                category = ChecklistCategory.objects.create(
                    template=template, number=number, name=name
                )
            else:
                category.number = number
                category.save(update_fields=["number"])
            for position, item in enumerate(group, start=1):
                rows = existing.get(item.pk) or []
                row = rows.pop(0) if rows else ChecklistItem(criterion=item)
                row.category = category
                row.number = position
                row.text = item.text
                row.basis = f"《{standard.title}》{item.reference}"[:255]
                row.default_level = HazardLevel.MAJOR
                row.is_active = True
                row.save()
                wanted.append(row.pk)
                active += 1

        # What is left: items no longer in force or no longer for this industry, rows
        # without a library item, categories of standards no longer applying. Kept, off.
        leftover = ChecklistItem.objects.filter(category__template=template).exclude(pk__in=wanted)
        switched_off = leftover.filter(is_active=True).count()
        next_number = len(by_standard) + 1
        for category in categories.values():
            category.number = next_number
            category.save(update_fields=["number"])
            next_number += 1
        last = {}
        for row in leftover.order_by("category__number", "number"):
            if row.category_id not in last:
                last[row.category_id] = ChecklistItem.objects.filter(
                    category_id=row.category_id, pk__in=wanted
                ).count()
            last[row.category_id] += 1
            row.number = last[row.category_id]
            row.is_active = False
            row.save(update_fields=["number", "is_active"])
    return Generated(template, created, active, switched_off)


def generate_all(on=None):
    """Generate the 专项检查表 of every industry the library has in-force items for, and
    update the ones generated before for an industry that has none left."""
    on = on or timezone.localdate()
    results = (generate(industry, on) for industry, _label in Industry.choices)
    return [result for result in results if result is not None]
