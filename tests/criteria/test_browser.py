"""The 判定依据 picker on 登记隐患, in Debian's Chromium: search, pick, edit, register.

Uses the browser fixtures of tests/browser (imported below so pytest sees them here)."""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from criteria.loader import load
from criteria.models import Criterion
from criteria.views import TEMPLATE_FILE
from hazards.models import Hazard
from tests.browser.conftest import (  # noqa: F401  (fixtures)
    DESKTOP,
    PHONE,
    browser_type_launch_args,
    journey_factory,
    open_browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHIPPED = TEMPLATE_FILE.parent.parent / "data" / "criteria_2026-11-30.json"


@pytest.fixture
def library(db):
    """A transactional test may start after another one flushed the migrated rows."""
    if not Criterion.objects.exists():
        assert load(json.loads(SHIPPED.read_text(encoding="utf-8"))).ok


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_library_reads_on_a_phone_and_filters_by_industry(request, personas, library, viewport):
    new_browser = request.getfixturevalue("open_browser")
    new_journey = request.getfixturevalue("journey_factory")
    reader = new_browser(viewport, new_journey(None, f"criteria_list_{viewport['width']}"))
    page = reader.page
    reader.login(personas.inspector)

    with reader.journey.step("打开判定标准"):
        page.goto(reverse("criteria:list"))
        expect(page.get_by_role("heading", level=1)).to_have_text("重大事故隐患判定标准")
        reader.check_page()

    with reader.journey.step("按行业和关键词筛选"):
        page.get_by_label("行业").select_option(label="烟花爆竹")
        page.get_by_label("关键词").fill("库房")
        page.get_by_role("button", name="筛选").click()
        expect(page.locator("li[id^=criterion-]")).to_have_count(3)
        expect(page.get_by_text("核对日期：2026-11-30").first).to_be_visible()
        reader.check_page()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_inspector_picks_the_basis_of_a_major_hazard_from_the_library(
    request, personas, enterprise_a1, library, viewport
):
    new_browser = request.getfixturevalue("open_browser")
    new_journey = request.getfixturevalue("journey_factory")
    inspector = new_browser(viewport, new_journey(None, f"criteria_picker_{viewport['width']}"))
    page = inspector.page
    inspector.login(personas.inspector)
    page.goto(reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}")

    with inspector.journey.step("选择重大隐患，判定依据选择器出现"):
        page.get_by_label("重大隐患").check()
        search = page.get_by_placeholder(re.compile("输入关键词"))
        expect(search).to_be_visible()
        inspector.check_page()

    with inspector.journey.step("输入关键词，列出本行业的判定条目"):
        with inspector.htmx_swap():
            search.fill("承包")
        results = page.locator(".criteria-results [data-criterion-pick]")
        expect(results.first).to_contain_text("第三条第（一）项")

    with inspector.journey.step("回车只搜索，不提交登记表"):
        url = page.url
        search.press("Enter")
        page.wait_for_timeout(500)
        assert page.url == url
        assert not Hazard.objects.exists()

    with inspector.journey.step("点选条目，自动填入标准和条款"):
        results.first.click()
        expect(page.get_by_label("判定依据（标准）")).to_have_value(
            "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）"
        )
        expect(page.get_by_label("判定依据（条款）")).to_have_value(
            re.compile("^第三条第（一）项：未对承包单位、承租单位的安全生产工作统一协调")
        )
        expect(page.locator(".criteria-results [data-criterion-pick]")).to_have_count(0)

    with inspector.journey.step("条款仍可修改"):
        page.get_by_label("判定依据（条款）").fill("第三条第（一）项")
        expect(page.get_by_label("判定依据（条款）")).to_have_value("第三条第（一）项")
        inspector.check_page()


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_picked_item_is_linked_listed_and_removable(
    request, personas, enterprise_a1, library, viewport
):
    new_browser = request.getfixturevalue("open_browser")
    new_journey = request.getfixturevalue("journey_factory")
    inspector = new_browser(viewport, new_journey(None, "criteria_link_375"))
    page = inspector.page
    inspector.login(personas.inspector)
    page.goto(reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}")
    page.get_by_label("重大隐患").check()
    search = page.get_by_placeholder(re.compile("输入关键词"))
    chosen = page.locator(".criteria-chosen li")

    with inspector.journey.step("选择框由选择器代替，尚未选择条款"):
        expect(page.locator("#id_criteria")).to_be_hidden()
        expect(chosen).to_have_text(["尚未选择判定依据条款。"])

    with inspector.journey.step("点选两条，列在“已选判定依据条款”下"):
        for words in ("承包", "特种作业"):
            with inspector.htmx_swap():
                search.fill(words)
            first = page.locator(".criteria-results [data-criterion-pick]").first
            expect(first).to_contain_text(words)
            first.click()
        expect(chosen).to_have_count(2)
        expect(chosen.first).to_contain_text("第三条第（一）项")
        inspector.check_page()

    with inspector.journey.step("移除一条"):
        chosen.nth(1).get_by_role("button", name="移除").click()
        expect(chosen).to_have_count(1)

    with inspector.journey.step("登记：隐患链接到所选条款"):
        page.get_by_label("隐患类别").select_option(index=1)
        page.get_by_label("隐患描述").fill("未对承包单位统一协调管理")
        page.get_by_role("button", name=re.compile("登记")).last.click()
        expect(page.get_by_text("判定依据条款", exact=True)).to_be_visible()
        hazard = Hazard.objects.get()
        assert [c.reference for c in hazard.criteria.all()] == ["第三条第（一）项"]
