"""企业自查 in a real browser, on a phone and on a desktop (issue 14): the enterprise's
安全负责人 starts a self-inspection from the menu, answers the checklist (one item fails,
with a photo), submits it, registers the failed item as a hazard with its 五定, and asks
the township for an extension; a township supervisor sees the self-inspection, read only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard, Source, Status
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate, Inspection
from tests.browser.conftest import DESKTOP, PHONE, jpeg_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = [("安全管理", "定期组织隐患排查并建立台账"), ("现场设备设施", "灭火器压力正常、在有效期内")]
RESULT_LABELS = {"pass": "✓ 合格", "fail": "✗ 不合格"}


def _checklist():
    template = ChecklistTemplate.objects.create(name="企业自查测试表")
    for number, (category, text) in enumerate(ITEMS, start=1):
        cat = ChecklistCategory.objects.create(template=template, number=number, name=category)
        ChecklistItem.objects.create(category=cat, number=1, text=text)
    return template


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_enterprise_self_inspects_registers_and_asks_for_an_extension(
    open_browser, journey_factory, personas, enterprise_a1, tmp_path, viewport
):
    template = _checklist()
    account = personas.enterprise
    photo = jpeg_file(tmp_path / "before.jpg", (190, 40, 40))
    journey = journey_factory(None, "self_phone" if viewport is PHONE else "self_desktop")
    company = open_browser(viewport, journey)
    page = company.page

    with journey.step("企业从菜单开始自查"):
        company.login(account)
        company.goto("inspections:self")
        page.get_by_label("检查表").select_option(label=template.name)
        company.check_page()
        page.get_by_role("button", name="开始自查").click()
        company.message("自查记录已创建")
        inspection = Inspection.objects.get(enterprise=enterprise_a1)
        assert inspection.kind == Inspection.Kind.SELF and inspection.outing is None
        company.check_page()

    items = list(inspection.items.order_by("position"))
    with journey.step("逐项自查（一项不合格，附照片）"):
        for item, result in zip(items, ["pass", "fail"], strict=True):
            row = page.locator(f"#item-{item.pk}")
            row.scroll_into_view_if_needed()
            row.get_by_text(RESULT_LABELS[result], exact=True).click()
            expect(row.locator("[data-mark]")).to_have_text(RESULT_LABELS[result])
        row = page.locator(f"#item-{items[1].pk}")
        row.get_by_label("现场照片").set_input_files(str(photo))
        expect(row.get_by_role("img", name="现场照片")).to_be_visible()
        expect(row.locator("[data-status]")).to_have_text("已保存")
        expect(page.locator("#progress")).to_have_text("已填 2 / 2")
        company.check_page()

    with journey.step("提交自查记录"):
        page.get_by_role("button", name="提交并锁定").click()
        company.message("检查记录已提交并锁定")
        company.check_page()

    deadline = timezone.localdate() + timedelta(days=15)
    with journey.step("不合格项登记为隐患（五定）"):
        page.locator(f"#item-{items[1].pk}").get_by_role("link", name="登记为隐患").click()
        page.get_by_label("部位").fill("成品仓库")
        page.get_by_label("整改期限").fill(deadline.isoformat())
        page.get_by_label("整改措施").fill("更换灭火器")
        page.get_by_label("整改责任人").fill("王安全")
        company.check_page()
        page.get_by_role("button", name="确认登记").click()
        company.message("已登记隐患")
        company.check_page()
    hazard = Hazard.objects.get(inspection=inspection)
    assert (hazard.source, hazard.status, hazard.deadline) == (
        Source.SELF,
        Status.DEADLINE,
        deadline,
    )
    assert hazard.photos.filter(kind="before").count() == 1

    with journey.step("申请延期"):
        company.goto("hazards:detail", hazard.pk)
        expect(page.locator("main dd", has_text="企业自查")).to_be_visible()
        page.locator("summary", has_text="申请延期").click()
        form = page.locator("form[action$='/request-extension/']")
        form.get_by_label("申请延期至").fill((deadline + timedelta(days=10)).isoformat())
        form.get_by_label("延期理由").fill("灭火器订货需要时间")
        company.check_page()
        form.get_by_role("button", name="申请延期").click()
        company.message("已提交延期申请")
        company.check_page()
    hazard.refresh_from_db()
    assert hazard.extension_requested_until == deadline + timedelta(days=10)

    township = open_browser(viewport, journey)
    page = township.page
    with journey.step("乡镇查看企业自查（只读）"):
        township.login(personas.supervisor)
        township.goto("inspections:list", query="?kind=self")
        page.get_by_role("link", name=enterprise_a1.name).first.click()
        expect(page).to_have_url(re.compile(rf"/inspections/{inspection.pk}/$"))
        expect(page.get_by_role("button", name="提交并锁定")).to_have_count(0)
        township.check_page()
