"""Issue 13's budget: one enterprise, 43 items, 2 failed with a photo each and their 五定,
in at most 50 taps and inputs after login, on a 375×812 phone.

Every tap (click, file chosen) and every input (a field filled) goes through ``Taps``,
which counts it; scrolling is free, as it is on a phone.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate, Inspection
from tests.browser.conftest import PHONE, jpeg_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 50
FAILED = {5: "灭火器压力不足", 30: "配电箱未接地"}  # item position → the note


def forty_three_items():
    """A checklist shaped like seed 001's: 5 categories, 43 items."""
    template = ChecklistTemplate.objects.create(name="安全生产大检查登记表（测试）")
    sizes = [9, 9, 9, 8, 8]
    for number, size in enumerate(sizes, start=1):
        category = ChecklistCategory.objects.create(
            template=template, number=number, name=f"第{number}类"
        )
        for n in range(1, size + 1):
            ChecklistItem.objects.create(category=category, number=n, text=f"检查内容 {number}.{n}")
    return template


class Taps:
    def __init__(self, page):
        self.page = page
        self.count = 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def type_in(self, locator, text):
        self.count += 1
        locator.fill(text)

    def choose_photo(self, locator, path):
        self.count += 1
        with self.page.expect_file_chooser() as chooser:
            locator.click()
        chooser.value.set_files(str(path))


def test_one_enterprise_with_two_hazards_takes_at_most_fifty_taps(
    open_browser, journey_factory, personas, enterprise_a1, tmp_path
):
    enterprise_a1.inspectors.add(personas.inspector)
    forty_three_items()
    deadline = (timezone.localdate() + timezone.timedelta(days=15)).isoformat()
    photo = jpeg_file(tmp_path / "before.jpg", (200, 60, 40))
    journey = journey_factory(None, "tap_budget")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    with journey.step("登录（不计数）"):
        inspector.login(personas.inspector)
        inspector.menu(open=False)  # close the menu the login opened
    taps = Taps(page)

    with journey.step("我的工作 → 开始检查"):
        expect(page.get_by_role("heading", name="我的工作")).to_be_visible()
        taps.tap(page.locator("#start-inspection").get_by_role("link", name=enterprise_a1.name))
        taps.tap(page.get_by_role("button", name="开始检查"))
        inspector.message("检查记录已创建")
        inspection = Inspection.objects.get(enterprise=enterprise_a1)
        inspector.check_page()

    items = {i.position: i for i in inspection.items.all()}
    with journey.step("两项不合格：说明和照片"):
        for position, note in FAILED.items():
            row = page.locator(f"#item-{items[position].pk}")
            taps.tap(row.get_by_text("✗ 不合格", exact=True))
            taps.type_in(row.get_by_label("说明", exact=True), note)
            taps.choose_photo(row.get_by_label("现场照片"), photo)
            expect(row.get_by_role("img", name="现场照片")).to_be_visible()
            expect(row.locator("[data-status]")).to_have_text("已保存")

    with journey.step("其余项全部合格（确认）"):
        taps.tap(page.get_by_text("其余项全部合格", exact=True))
        taps.tap(page.get_by_role("button", name="确认全部合格"))
        inspector.message("已将其余 41 项标为合格")
        expect(page.locator("#progress")).to_have_text("已填 43 / 43")
        inspector.check_page()

    for position in FAILED:
        with journey.step(f"第 {position} 项登记为隐患并下达五定"):
            row = page.locator(f"#item-{items[position].pk}")
            taps.tap(row.get_by_role("link", name="登记为隐患"))
            taps.type_in(page.get_by_label("整改期限"), deadline)
            taps.type_in(page.get_by_label("整改措施"), "立即整改")
            taps.type_in(page.get_by_label("整改责任人"), "赵厂长")
            taps.type_in(page.get_by_label("整改资金（元）"), "500")
            taps.tap(page.get_by_role("button", name="确认登记"))
            inspector.message("并下达限期整改至")

    with journey.step("签字并提交"):
        taps.type_in(page.get_by_label("企业陪同签字人员"), "王安全")
        taps.tap(page.get_by_role("button", name="提交并锁定"))
        inspector.message("检查记录已提交并锁定")
        inspector.check_page()

    inspection.refresh_from_db()
    assert inspection.is_locked
    assert not inspection.items.filter(result="pending").exists()
    hazards = Hazard.objects.filter(inspection=inspection)
    assert sorted(h.inspection_item.position for h in hazards) == sorted(FAILED)
    assert all(h.status == "deadline" and h.photos.count() == 1 for h in hazards)
    print(f"taps and inputs after login: {taps.count}")
    assert taps.count <= BUDGET, f"{taps.count} taps and inputs, the budget is {BUDGET}"
