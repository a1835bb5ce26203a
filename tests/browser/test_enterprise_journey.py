"""The enterprise's journey of issue 14 in a real browser, on a phone and on a desktop.

A supervisor opens an account for an enterprise and reads its one-time password; the
enterprise's 安全负责人 logs in with it, must set a new password first, registers a hazard
its own inspection found, acknowledges the township's rectification notice (签收) and
reports the fix with an after-photo; the supervisor closes it out; an account of another
enterprise finds none of it (404).
"""

import re

import pytest
from playwright.sync_api import expect

from enterprises.models import EnterpriseAccount
from grid import roles
from hazards.models import Hazard, HazardEvent, Source
from tests.browser.conftest import DESKTOP, PHONE, jpeg_file
from tests.factories import UserFactory, make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Dongcun-Anquan-2026"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_enterprise_acknowledges_fixes_and_the_township_closes_out(
    open_browser, journey_factory, personas, enterprise_a1, enterprise_a2, tmp_path, viewport
):
    notice = make_hazard(
        enterprise_a1, personas.inspector, "deadline", description="配电箱未设置漏电保护"
    )
    after_photo = jpeg_file(tmp_path / "after.jpg", (40, 160, 60))
    before_photo = jpeg_file(tmp_path / "before.jpg", (190, 40, 40))
    name = "enterprise_phone" if viewport is PHONE else "enterprise_desktop"
    journey = journey_factory(None, name)

    supervisor = open_browser(viewport, journey)
    page = supervisor.page
    with journey.step("乡镇监管开通企业账号"):
        supervisor.login(personas.supervisor)
        supervisor.goto("enterprises:accounts", enterprise_a1.pk)
        page.get_by_label("登录名").fill("dongcun")
        page.get_by_label("姓名").fill("王安全")
        page.get_by_role("button", name="开通").click()
        expect(page.get_by_text("初始密码只显示这一次", exact=False)).to_be_visible()
        password = page.locator(".alert-success .fw-bold").inner_text().strip()
        supervisor.check_page()

    company = open_browser(viewport, journey)
    page = company.page
    with journey.step("企业首次登录，须先修改密码"):
        company.goto("login")
        page.get_by_label("用户名").fill("dongcun")
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(re.compile(r"/enterprises/password/"))
        company.goto("hazards:list")
        expect(page).to_have_url(re.compile(r"/enterprises/password/"))
        page.get_by_label("旧密码").fill(password)
        page.locator("#id_new_password1").fill(NEW_PASSWORD)  # "新密码" is in both labels
        page.locator("#id_new_password2").fill(NEW_PASSWORD)
        company.check_page()
        page.get_by_role("button", name="保存新密码").click()
        company.message("密码已修改")
        company.check_page()

    with journey.step("企业自查登记隐患"):
        company.goto("hazards:register", query=f"?enterprise={enterprise_a1.pk}")
        page.get_by_label("隐患描述").fill("灭火器压力不足")
        page.get_by_label("部位").fill("成品仓库")
        page.get_by_label("现场照片").set_input_files(str(before_photo))
        company.check_page()
        page.get_by_role("button", name="登记", exact=True).click()
        company.message("已登记隐患")
        company.check_page()
    own = Hazard.objects.get(description="灭火器压力不足")
    assert own.source == Source.SELF

    with journey.step("签收整改通知"):
        company.goto("hazards:detail", notice.pk)
        page.locator("summary", has_text="签收整改通知").click()
        form = page.locator("form[action$='/acknowledge/']")
        form.get_by_label("签收意见").fill("已收到，立即整改")
        company.check_page()
        form.get_by_role("button", name="签收整改通知").click()
        company.message("已签收整改通知")
        company.check_page()
    assert HazardEvent.objects.filter(hazard=notice, action="acknowledge").exists()

    with journey.step("上报整改完成（附整改后照片）"):
        page.locator("summary", has_text="上报整改完成").click()
        form = page.locator("form[action$='/report-fixed/']")
        form.get_by_label("整改情况说明").fill("已加装漏电保护器并试验合格")
        form.get_by_label("整改后照片").set_input_files(str(after_photo))
        company.check_page()
        form.get_by_role("button", name="上报整改完成").click()
        company.message("已上报整改完成")
        expect(page.locator("summary", has_text=re.compile(r"^销号$"))).to_have_count(0)
        company.check_page()

    page = supervisor.page
    with journey.step("乡镇复查销号"):
        supervisor.goto("hazards:detail", notice.pk)
        page.locator("summary", has_text=re.compile(r"^销号$")).click()
        form = page.locator("form[action$='/close-out/']")
        form.get_by_label("复查验收/评估意见").fill("现场复查合格，同意销号")
        form.get_by_role("button", name="销号").click()
        supervisor.message("已销号")
        supervisor.check_page()

    other = UserFactory(username="xicun", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=other, enterprise=enterprise_a2, must_change_password=False
    )
    neighbour = open_browser(viewport, journey)
    page = neighbour.page
    with journey.step("另一家企业看不到"):
        neighbour.login(other)
        for hazard in (notice, own):
            response = page.goto(f"/hazards/{hazard.pk}/")
            assert response.status == 404
        neighbour.goto("hazards:list")
        expect(page.get_by_text(notice.number)).to_have_count(0)
        expect(page.get_by_text(own.number)).to_have_count(0)
