"""The shipped checklists cite a 判定标准 only through a verified library item
(inspections/migrations/0013_checklist_references_to_library.py, docs/criteria.md)."""

import pytest

from criteria.models import Standard
from inspections.criteria_checklists import generate_all
from inspections.models import ChecklistItem

GRAND = "安全生产大检查登记表"
CROWD = "人员密集场所消防安全检查表"
# Words that make a basis a 判定标准 reference, besides the library's own titles and numbers.
CRITERIA_WORDS = ("重大事故隐患判定", "重大生产安全事故隐患判定", "重大火灾隐患判定", "GB 35181")


def _names_a_criterion(basis):
    words = list(CRITERIA_WORDS)
    for title, number in Standard.objects.values_list("title", "document_number"):
        words += [title, number]
    return any(word in basis for word in words)


def _check(item):
    """Why ``item`` carries unverified 判定标准 text, or None."""
    if not _names_a_criterion(item.basis) and item.default_level != "major":
        return None
    criterion = item.criterion
    if criterion is None:
        return "names a 判定标准 or defaults to 重大隐患 without a library item"
    if not (criterion.source.strip() and criterion.checked_on):
        return "its library item records no source or checked date"
    if criterion.is_repealed():
        return "its library item is repealed"
    if not item.basis.startswith(f"《{criterion.standard.title}》{criterion.reference}"):
        return "its basis does not name its library item"
    rest = item.basis.split("；", 1)[1] if "；" in item.basis else ""
    if _names_a_criterion(rest):
        return "its basis names a second 判定标准"
    return None


@pytest.mark.django_db
def test_no_shipped_checklist_item_carries_unverified_criteria_text():
    generate_all()  # the generated 专项检查表 obey the same rule
    problems = {
        f"{item.category.template.name} / {item.text[:20]}": why
        for item in ChecklistItem.objects.select_related(
            "category__template", "criterion__standard"
        ).filter(is_active=True)
        if (why := _check(item))
    }
    assert problems == {}


@pytest.mark.django_db
def test_the_two_verified_references_became_links_and_the_three_others_were_removed():
    items = ChecklistItem.objects.filter(category__template__name__in=[GRAND, CROWD])
    linked = {
        (i.criterion.standard.code, i.criterion.article, i.criterion.item)
        for i in items.exclude(criterion=None)
    }
    assert linked == {("GM10", "第三条", "（一）"), ("GM10", "第三条", "（二）")}
    confined = items.get(text__startswith="有限空间作业执行审批")
    assert (confined.basis, confined.default_level) == (
        "《工贸企业有限空间作业安全规定》",
        "general",
    )
    dust = items.get(text__startswith="存在粉尘爆炸危险的场所")
    assert (dust.basis, dust.default_level) == ("《工贸企业粉尘防爆安全规定》", "general")
    exits = items.get(text__startswith="营业期间安全出口数量符合要求")
    assert (exits.basis, exits.default_level) == ("《中华人民共和国消防法》第二十八条", "general")


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_the_shipped_text(migrator):
    old = migrator.apply_initial_migration(("inspections", "0012_report_cover_kind_outing"))
    Item = old.apps.get_model("inspections", "ChecklistItem")
    shipped = dict(Item.objects.values_list("pk", "basis"))
    levels = dict(Item.objects.values_list("pk", "default_level"))
    new = migrator.apply_tested_migration(("inspections", "0013_checklist_references_to_library"))
    Item = new.apps.get_model("inspections", "ChecklistItem")
    assert Item.objects.exclude(criterion=None).count() == 2
    assert dict(Item.objects.values_list("pk", "basis")) != shipped
    back = migrator.apply_tested_migration(("inspections", "0012_report_cover_kind_outing"))
    Item = back.apps.get_model("inspections", "ChecklistItem")
    assert dict(Item.objects.values_list("pk", "basis")) == shipped
    assert dict(Item.objects.values_list("pk", "default_level")) == levels
    assert not Item.objects.exclude(criterion=None).exists()
    migrator.reset()
