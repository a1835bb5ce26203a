"""今日出动 on a phone (issue 12): an inspector starts today's outing once, with the group a
township formed on the PC and the people out with them, then inspects two enterprises one
after the other without naming the group or the people again. The county summary of that
day counts one group and two enterprise inspections.

Every step leaves a screenshot in test-output/browser/outing_phone/; every page is checked
for sideways scrolling at 375 px, duplicate ids, script errors and foreign requests.
"""

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import (
    ChecklistCategory,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionGroup,
    Outing,
)
from tests.browser.conftest import PHONE
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = ["建立全员安全生产责任制", "配电箱设置漏电保护装置"]


def _checklist():
    template = ChecklistTemplate.objects.create(name="出动测试检查表")
    category = ChecklistCategory.objects.create(template=template, number=1, name="综合")
    for number, text in enumerate(ITEMS, start=1):
        ChecklistItem.objects.create(category=category, number=number, text=text)
    return template


def _name(user):
    return user.get_full_name() or user.username


def test_one_outing_inspects_two_enterprises_and_the_county_counts_one_group(
    open_browser, journey_factory, personas, grid, enterprise_a1, tmp_path
):
    template = _checklist()
    second = EnterpriseFactory(name="东村砖厂", cell=grid.village_a1)
    # Formed by the township on the PC (检查组 pages), never chosen on the phone before.
    group = InspectionGroup.objects.create(name="第12检查组", unit=grid.town_a)
    group.members.add(personas.inspector, personas.inspector2)
    journey = journey_factory(None, "outing_phone")

    inspector = open_browser(PHONE, journey)
    page = inspector.page
    with journey.step("网格员登录"):
        inspector.login(personas.inspector)
        inspector.check_page()

    with journey.step("今日出动：选择检查组和出动人员"):
        inspector.goto("inspections:outing")
        page.get_by_label("检查组").select_option(label="第12检查组")
        page.get_by_label(_name(personas.inspector2), exact=True).check()
        expect(page.get_by_label(_name(personas.inspector), exact=True)).to_be_checked()
        inspector.check_page()
        page.get_by_role("button", name="开始出动").click()
        inspector.message("已开始今日出动：第12检查组，出动 2 人")
        inspector.check_page()

    for n, enterprise in enumerate((enterprise_a1, second), start=1):
        with journey.step(f"选择第 {n} 家企业开始检查（不再填写检查组）"):
            inspector.goto("inspections:pick")
            expect(page.locator(".outing-banner")).to_contain_text("今日出动：第12检查组，2 人")
            page.locator(".list-group-item", has_text=enterprise.name).click()
            expect(page.get_by_text(enterprise.name)).to_be_visible()
            expect(page.get_by_label("检查组")).to_have_count(0)
            for person in (personas.inspector, personas.inspector2):
                expect(page.get_by_label(_name(person), exact=True)).to_be_checked()
            page.get_by_label("检查表").select_option(label=template.name)
            inspector.check_page()
            page.get_by_role("button", name="开始检查").click()
            inspector.message("检查记录已创建")
            inspector.check_page()

        inspection = Inspection.objects.get(enterprise=enterprise)
        with journey.step(f"第 {n} 家企业逐项检查并提交"):
            for item in inspection.items.order_by("position"):
                row = page.locator(f"#item-{item.pk}")
                row.scroll_into_view_if_needed()
                row.get_by_text("✓ 合格", exact=True).click()
                expect(row.locator("[data-mark]")).to_have_text("✓ 合格")
            expect(page.locator("#progress")).to_have_text(f"已填 {len(ITEMS)} / {len(ITEMS)}")
            page.get_by_label("企业陪同签字人员").fill("王安全")
            page.get_by_role("button", name="提交并锁定").click()
            inspector.message("检查记录已提交并锁定")
            inspector.check_page()

    outing = Outing.objects.get()
    assert outing.group == group and outing.date == timezone.localdate()
    assert set(outing.present.all()) == {personas.inspector, personas.inspector2}
    inspections = Inspection.objects.order_by("pk")
    assert [i.outing_id for i in inspections] == [outing.pk, outing.pk]
    assert all(i.status == "submitted" for i in inspections)
    for inspection in inspections:
        assert set(inspection.inspectors.all()) == {personas.inspector, personas.inspector2}

    county = open_browser(PHONE, journey)
    page = county.page
    today = timezone.localdate().isoformat()
    with journey.step("县级用户下载当天的县级汇总表"):
        county.login(personas.county)
        county.goto("reports:report", query=f"?found_from={today}&found_to={today}")
        county.check_page()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载县级汇总表（Excel）").click()
        path = tmp_path / "summary.xlsx"
        download_info.value.save_as(path)

    with journey.step("汇总表：检查组数 1，检查企业数（家次）2"):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
        header = next(r for r in rows if r and r[0] == "乡镇")
        total = dict(zip(header, next(r for r in rows if r and r[0] == "合计"), strict=True))
        assert total["检查组数"] == 1
        assert total["检查企业数（家次）"] == 2
        assert total["检查企业数（家）"] == 2
        assert total["出动检查人次"] == 2
