"""The 判定依据 picker on 登记隐患, in Debian's Chromium: search, pick, edit, register.

Uses the browser fixtures of tests/browser (imported below so pytest sees them here)."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from criteria.loader import load
from criteria.models import Criterion
from criteria.views import TEMPLATE_FILE
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
