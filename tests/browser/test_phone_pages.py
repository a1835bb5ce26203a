"""Issue 13 on a 375-px phone: the inspection list is cards, the printable 检查登记表 and
the field pages fit the screen (no sideways scrolling)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections import services
from tests.browser.conftest import PHONE
from tests.browser.test_journeys import _checklist
from tests.factories import make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_field_pages_fit_a_phone(open_browser, journey_factory, personas, enterprise_a1):
    enterprise_a1.inspectors.add(personas.inspector)
    inspection = services.start(
        enterprise=enterprise_a1,
        by=personas.inspector,
        kind="routine",
        template=_checklist(),
        inspectors=[personas.inspector],
        on=timezone.localdate(),
    )
    services.pass_remaining(inspection, by=personas.inspector)
    make_hazard(enterprise_a1, personas.inspector, "deadline", description="配电箱未接地" * 6)
    services.submit(inspection, by=personas.inspector, representative="王安全")
    journey = journey_factory(None, "phone_pages")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    with journey.step("登录"):
        inspector.login(personas.inspector)
    with journey.step("检查记录列表：卡片"):
        inspector.goto("inspections:list")
        card = page.get_by_role("row").filter(has_text=enterprise_a1.name)
        expect(card).to_be_visible()
        box = card.bounding_box()
        assert box["width"] > 300 and box["height"] < 320, box
        inspector.check_page()
    with journey.step("检查登记表（打印页）"):
        inspector.goto("inspections:print", inspection.pk)
        expect(page.get_by_role("button", name="打印")).to_be_visible()
        inspector.check_page()
    with journey.step("整改通知书（企业全部待整改隐患，打印页）"):
        inspector.goto("hazards:notice_enterprise", query=f"?enterprise={enterprise_a1.pk}")
        expect(page.locator("article.print-form, .print-form").first).to_be_visible()
        inspector.check_page()
    with journey.step("选择企业开始检查"):
        inspector.goto("inspections:pick")
        expect(page.get_by_role("link", name=enterprise_a1.name)).to_be_visible()
        inspector.check_page()
    with journey.step("我的工作"):
        inspector.goto("hazards:my_work")
        expect(page.locator("#start-inspection")).to_be_visible()
        inspector.check_page()
