"""Issue 13: Back + submit again creates no second official record.

Signed-in pages are never stored, so Back draws the form again; static/js/once.js puts
back the one-time key the form was sent with, and the server answers with the record
already created."""

import pytest
from playwright.sync_api import expect

from inspections.models import EnforcementAction, Inspection
from tests.browser.conftest import PHONE
from tests.browser.test_journeys import _checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_back_and_submit_opens_the_inspection_already_created(
    open_browser, journey_factory, personas, enterprise_a1
):
    template = _checklist()
    journey = journey_factory(None, "back_and_submit")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    with journey.step("开始检查"):
        inspector.login(personas.inspector)
        inspector.goto("inspections:start", query=f"?enterprise={enterprise_a1.pk}")
        page.get_by_label("检查表").select_option(label=template.name)
        page.get_by_role("button", name="开始检查").click()
        inspector.message("检查记录已创建")
        first = page.url
    with journey.step("返回，再次提交"):
        page.go_back()
        expect(page.get_by_text("您刚才已提交过这张表")).to_be_visible()
        page.get_by_label("检查表").select_option(label=template.name)
        page.get_by_role("button", name="开始检查").click()
        inspector.message("该检查记录已创建，重复提交未再新建")
        assert page.url == first
        inspector.check_page()
    assert Inspection.objects.count() == 1

    with journey.step("登记执法，返回，再次提交"):
        inspector.goto("inspections:enforcement_create", query=f"?enterprise={enterprise_a1.pk}")
        page.get_by_label("执法类别").select_option(label="约谈提醒")
        page.get_by_role("button", name="保存").click()
        inspector.message("执法记录已保存")
        page.go_back()
        expect(page.get_by_text("您刚才已提交过这张表")).to_be_visible()
        page.get_by_label("执法类别").select_option(label="约谈提醒")
        page.get_by_role("button", name="保存").click()
        inspector.message("该执法记录已保存，重复提交未再新建")
        inspector.check_page()
    assert EnforcementAction.objects.count() == 1
