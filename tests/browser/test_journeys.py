"""The journey of issue 6 in a real browser, on a phone and on a desktop.

An inspector inspects an enterprise and turns two failed items into hazards with photos
and deadlines, then reports one fixed with an after-photo; a supervisor closes it out and
issues a supervision order for an overdue hazard from the 逾期督办 board; a county officer
opens the dashboard and downloads the county summary, whose figures the test reads back.

Every step leaves a screenshot in test-output/browser/<journey>/; a failure names its
step. Every page is checked for horizontal scrolling on the phone, duplicate element ids,
script errors and requests to any host but the live server.
"""

import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate, Inspection
from tests.browser.conftest import DESKTOP, PHONE, jpeg_file
from tests.factories import make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The checklist the inspector works through: (category, item text, the result to give).
ITEMS = [
    ("安全管理", "建立全员安全生产责任制", "pass"),
    ("安全管理", "定期组织隐患排查并建立台账", "pass"),
    ("现场设备设施", "配电箱设置漏电保护装置", "fail"),
    ("现场设备设施", "消防通道保持畅通，无堆放杂物", "fail"),
    ("现场设备设施", "特种设备在检验有效期内", "na"),
]
RESULT_LABELS = {"pass": "✓ 合格", "fail": "✗ 不合格", "na": "— 不适用"}
FAIL_NOTES = {2: "一号车间配电箱无漏电保护", 3: "二号仓库消防通道堆放纸箱"}


def _checklist():
    template = ChecklistTemplate.objects.create(name="浏览器测试检查表")
    categories = {}
    numbers = {}
    for name, text, _result in ITEMS:
        if name not in categories:
            categories[name] = ChecklistCategory.objects.create(
                template=template, number=len(categories) + 1, name=name
            )
        numbers[name] = numbers.get(name, 0) + 1
        ChecklistItem.objects.create(category=categories[name], number=numbers[name], text=text)
    return template


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_failed_item_goes_from_the_inspection_to_the_county_summary(
    open_browser, journey_factory, personas, enterprise_a1, tmp_path, viewport
):
    today = timezone.localdate()
    template = _checklist()
    # An older hazard whose deadline passed five days ago: registered and given its 五定
    # through the workflow, in the past.
    overdue = make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        at=timezone.now() - timedelta(days=20),
        deadline=today - timedelta(days=5),
        description="危化品仓库未设置防爆照明",
    )
    before_photo = jpeg_file(tmp_path / "before.jpg", (190, 40, 40))
    after_photo = jpeg_file(tmp_path / "after.jpg", (40, 160, 60))
    name = "journey_phone" if viewport is PHONE else "journey_desktop"
    journey = journey_factory(None, name)

    # --- the inspector, in the field ---------------------------------------------------
    inspector = open_browser(viewport, journey)
    page = inspector.page
    with journey.step("网格员登录"):
        inspector.login(personas.inspector)
        inspector.check_page()

    with journey.step("开始检查"):
        inspector.goto("inspections:start", query=f"?enterprise={enterprise_a1.pk}")
        expect(page.get_by_text(enterprise_a1.name)).to_be_visible()
        page.get_by_label("检查表").select_option(label=template.name)
        inspector.check_page()
        page.get_by_role("button", name="开始检查").click()
        inspector.message("检查记录已创建")
        expect(page.locator("#progress")).to_have_text(f"已填 0 / {len(ITEMS)}")
        inspection = Inspection.objects.get(enterprise=enterprise_a1)
        inspector.check_page()

    items = list(inspection.items.order_by("position"))
    with journey.step("逐项填写检查结果（两项不合格，附现场照片）"):
        for position, ((_cat, _text, result), item) in enumerate(zip(ITEMS, items, strict=True)):
            row = page.locator(f"#item-{item.pk}")
            row.scroll_into_view_if_needed()
            row.get_by_text(RESULT_LABELS[result], exact=True).click()
            expect(row.locator("[data-mark]")).to_have_text(RESULT_LABELS[result])
            if result == "fail":
                row.get_by_label("说明", exact=True).fill(FAIL_NOTES[position])
                row.get_by_label("说明", exact=True).press("Tab")
                row.get_by_label("现场照片").set_input_files(str(before_photo))
                expect(row.get_by_role("img", name="现场照片")).to_be_visible()
                expect(row.locator("[data-status]")).to_have_text("已保存")
                expect(row.get_by_label("说明", exact=True)).to_have_value(FAIL_NOTES[position])
                expect(row.get_by_role("link", name="登记为隐患")).to_be_visible()
        expect(page.locator("#progress")).to_have_text(f"已填 {len(ITEMS)} / {len(ITEMS)}")
        inspector.check_page()

    with journey.step("提交并锁定检查记录"):
        page.get_by_label("企业陪同签字人员").fill("王安全")
        page.get_by_role("button", name="提交并锁定").click()
        inspector.message("检查记录已提交并锁定")
        expect(page.get_by_text("该检查记录已提交并锁定")).to_be_visible()
        inspector.check_page()

    failed = [(i, item) for i, item in enumerate(items) if ITEMS[i][2] == "fail"]
    for n, (position, item) in enumerate(failed, start=1):
        with journey.step(f"不合格项登记为隐患 {n}"):
            page.locator(f"#item-{item.pk}").get_by_role("link", name="登记为隐患").click()
            expect(page.get_by_role("heading", name="登记为隐患")).to_be_visible()
            expect(page.get_by_label("隐患描述")).to_contain_text(FAIL_NOTES[position])
            page.get_by_label("部位").fill(f"{n}号车间")
            inspector.check_page()
            page.get_by_role("button", name="确认登记").click()
            inspector.message("已登记隐患")
            expect(page.locator(f"#item-{item.pk}")).to_contain_text("已登记隐患")
            inspector.check_page()

    hazards = list(Hazard.objects.filter(inspection=inspection).order_by("pk"))
    assert [h.inspection_item_id for h in hazards] == [item.pk for _i, item in failed]
    assert all(h.photos.filter(kind="before").count() == 1 for h in hazards)
    fixed, open_one = hazards
    for n, hazard in enumerate(hazards, start=1):
        with journey.step(f"隐患 {n} 下达限期整改（五定）"):
            inspector.goto("inspections:detail", inspection.pk)
            page.get_by_role("link", name=hazard.number).first.click()
            expect(page.get_by_role("heading", name=f"隐患 {hazard.number}")).to_be_visible()
            expect(page.get_by_role("img", name="整改前")).to_be_visible()
            form = page.locator("form[action$='/set-deadline/']")
            page.locator("summary", has_text="下达限期整改（五定）").click()
            form.get_by_label("整改期限").fill((today + timedelta(days=10 * n)).isoformat())
            form.get_by_label("整改措施").fill("加装漏电保护器，清理通道")
            form.get_by_label("整改责任人").fill("赵厂长")
            form.get_by_label("整改资金（元）").fill("3000")
            inspector.check_page()
            form.get_by_role("button", name="下达限期整改（五定）").click()
            inspector.message("已下达限期整改")
            expect(
                page.get_by_text((today + timedelta(days=10 * n)).isoformat(), exact=True)
            ).to_be_visible()
            inspector.check_page()

    with journey.step("上报整改完成（附整改后照片）"):
        inspector.goto("hazards:detail", fixed.pk)
        form = page.locator("form[action$='/report-fixed/']")
        page.locator("summary", has_text="上报整改完成").click()
        form.get_by_label("整改情况说明").fill("已加装漏电保护器并试验合格")
        form.get_by_label("整改后照片").set_input_files(str(after_photo))
        inspector.check_page()
        form.get_by_role("button", name="上报整改完成").click()
        inspector.message("已上报整改完成")
        expect(page.get_by_role("img", name="整改后")).to_be_visible()
        inspector.check_page()

    # --- the township supervisor, at the office --------------------------------------------
    supervisor = open_browser(viewport, journey)
    page = supervisor.page
    with journey.step("乡镇监管登录"):
        supervisor.login(personas.supervisor)
        supervisor.check_page()

    with journey.step("复查销号"):
        supervisor.goto("hazards:detail", fixed.pk)
        expect(page.get_by_text("已整改待验收").first).to_be_visible()
        page.locator("summary", has_text=re.compile(r"^销号$")).click()
        form = page.locator("form[action$='/close-out/']")
        form.get_by_label("复查验收/评估意见").fill("现场复查，漏电保护器动作正常，同意销号")
        supervisor.check_page()
        form.get_by_role("button", name="销号").click()
        supervisor.message("已销号")
        expect(page.get_by_text("已销号").first).to_be_visible()
        supervisor.check_page()

    with journey.step("逾期督办看板"):
        supervisor.goto("hazards:overdue")
        row = page.get_by_role("row").filter(has_text=overdue.number)
        expect(row.get_by_role("cell").first).to_have_text("5")  # days overdue
        expect(page.get_by_role("row").filter(has_text=open_one.number)).to_have_count(0)
        supervisor.check_page()

    with journey.step("下达督办单"):
        row.get_by_role("link", name="下达督办单").click()
        expect(page.get_by_role("heading", name="下达督办单")).to_be_visible()
        expect(page.get_by_label("督办要求")).not_to_be_empty()
        supervisor.check_page()
        page.get_by_role("button", name="下达").click()
        supervisor.message("已下达督办单")
        supervisor.check_page()

    with journey.step("打印督办单"):
        expect(page.get_by_role("button", name="打印")).to_be_visible()
        page.emulate_media(media="print")  # the screenshot shows the page as printed
        expect(page.get_by_role("heading", name="安全隐患督办单")).to_be_visible()
        expect(page.locator("article.print-form")).to_contain_text(overdue.number)
        expect(page.locator("article.print-form")).to_contain_text(enterprise_a1.name)
        expect(page.get_by_role("button", name="打印")).to_be_hidden()
        expect(page.locator("nav.navbar")).to_be_hidden()

    # --- the county office ---------------------------------------------------------------
    county = open_browser(viewport, journey)
    page = county.page
    with journey.step("县级用户登录"):
        county.login(personas.county)
        county.check_page()

    older_this_year = int(overdue.found_on.year == today.year)  # the dashboard counts the year
    with journey.step("统计概览"):
        county.goto("reports:dashboard")
        township_row = page.locator("#table-townships").get_by_role("row").filter(has_text="甲镇")
        expect(township_row.get_by_role("cell").nth(0)).to_have_text(str(2 + older_this_year))
        expect(township_row.get_by_role("cell").nth(1)).to_have_text("1")
        expect(page.locator("[data-figure=overdue]")).to_have_text(str(older_this_year))
        county.check_page()

    with journey.step("统计报表"):
        page.get_by_role("link", name="统计报表").click()
        page.get_by_label("发现日期从").fill(overdue.found_on.isoformat())
        page.get_by_role("button", name="统计").click()
        basis = f"隐患发现时间 {overdue.found_on:%Y-%m-%d} 至 {today:%Y-%m-%d}"
        expect(page.locator("p.basis")).to_contain_text(basis)
        county.check_page()

    with journey.step("下载县级汇总表"):
        with page.expect_download() as download_info:
            page.get_by_role("link", name="下载县级汇总表（Excel）").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".xlsx")
        path = tmp_path / "summary.xlsx"
        download.save_as(path)
        county.check_page()

    with journey.step("读取汇总表中的新数字"):
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [list(r) for r in book.active.iter_rows(values_only=True)]
        header = next(r for r in rows if r and r[0] == "乡镇")
        town_a = dict(zip(header, next(r for r in rows if r and r[0] == "甲镇"), strict=True))
        town_b = dict(zip(header, next(r for r in rows if r and r[0] == "乙镇"), strict=True))
        assert town_a["检查组数"] == 1
        assert town_a["出动检查人次"] == 1
        assert town_a["检查企业数（家次）"] == 1
        assert town_a["检查企业数（家）"] == 1
        assert town_a["一般隐患排查数"] == 3
        assert town_a["一般隐患已整改数"] == 1
        assert town_a["逾期未整改数"] == 1
        assert town_a["重大隐患排查数"] == 0
        assert town_a["督办单数"] == 1  # the supervision order just issued
        assert town_a["执法文书"] == 0  # 督办单 are not 执法文书 (docs/domain.md#the-numbers)
        assert town_b["一般隐患排查数"] == 0

    fixed.refresh_from_db()
    open_one.refresh_from_db()
    overdue.refresh_from_db()
    assert (fixed.status, open_one.status, overdue.status) == ("closed", "deadline", "deadline")
    assert fixed.closed_by == personas.supervisor
    assert overdue.orders.count() == 1
