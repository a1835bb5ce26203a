"""The enterprise's whole journey of issue 14 in a real browser, on a phone and a desktop.

A supervisor opens an account for an enterprise and reads its one-time password; the
enterprise's 安全负责人 logs in with it and must set a new password first; self-inspects
against a checklist (企业自查: one item fails, with a photo), registers that item as a hazard
with its 五定, acknowledges the township's rectification notice (签收) and reports the fix
with an after-photo as evidence; the supervisor closes it out; the enterprise files its
monthly self-report and the supervisor's 企业自报 page counts it as reported (录入率); an
account of another enterprise opens the hazards', the self-inspection's and the photo's
URLs and gets 404 for each.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from enterprises import selfreports
from enterprises.models import Enterprise, EnterpriseAccount, EnterpriseStatus, MonthlySelfReport
from grid import roles
from hazards.models import Hazard, HazardEvent, Source, Status
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate, Inspection
from tests.browser.conftest import DESKTOP, PHONE, jpeg_file
from tests.factories import UserFactory, make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Dongcun-Anquan-2026"
ITEMS = [("安全管理", "定期组织隐患排查并建立台账"), ("现场设备设施", "灭火器压力正常、在有效期内")]
RESULT_LABELS = {"pass": "✓ 合格", "fail": "✗ 不合格"}


def _checklist():
    template = ChecklistTemplate.objects.create(name="企业自查测试表")
    for number, (category, text) in enumerate(ITEMS, start=1):
        cat = ChecklistCategory.objects.create(template=template, number=number, name=category)
        ChecklistItem.objects.create(category=cat, number=1, text=text)
    return template


def _rate(part, whole):
    """As the offices read it: a percentage with two decimals, "—" when there is none."""
    return f"{100 * part / whole:.2f}%" if whole else "—"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_enterprise_self_inspects_fixes_and_reports_and_the_township_counts_it(
    open_browser, journey_factory, personas, enterprise_a1, enterprise_a2, tmp_path, viewport
):
    template = _checklist()
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

    with journey.step("企业开始自查"):
        company.goto("inspections:self")
        page.get_by_label("检查表").select_option(label=template.name)
        company.check_page()
        page.get_by_role("button", name="开始自查").click()
        company.message("自查记录已创建")
        company.check_page()
    inspection = Inspection.objects.get(enterprise=enterprise_a1)
    assert inspection.kind == Inspection.Kind.SELF

    items = list(inspection.items.order_by("position"))
    with journey.step("逐项自查（一项不合格，附照片）并提交"):
        for item, result in zip(items, ["pass", "fail"], strict=True):
            row = page.locator(f"#item-{item.pk}")
            row.scroll_into_view_if_needed()
            row.get_by_text(RESULT_LABELS[result], exact=True).click()
            expect(row.locator("[data-mark]")).to_have_text(RESULT_LABELS[result])
        row = page.locator(f"#item-{items[1].pk}")
        row.get_by_label("现场照片").set_input_files(str(before_photo))
        expect(row.get_by_role("img", name="现场照片")).to_be_visible()
        expect(row.locator("[data-status]")).to_have_text("已保存")
        company.check_page()
        page.get_by_role("button", name="提交并锁定").click()
        company.message("检查记录已提交并锁定")
        company.check_page()

    deadline = timezone.localdate() + timedelta(days=15)
    with journey.step("不合格项登记为隐患（附照片、五定）"):
        page.locator(f"#item-{items[1].pk}").get_by_role("link", name="登记为隐患").click()
        page.get_by_label("部位").fill("成品仓库")
        page.get_by_label("整改期限").fill(deadline.isoformat())
        page.get_by_label("整改措施").fill("更换灭火器")
        page.get_by_label("整改责任人").fill("王安全")
        company.check_page()
        page.get_by_role("button", name="确认登记").click()
        company.message("已登记隐患")
        company.check_page()
    own = Hazard.objects.get(inspection=inspection)
    assert (own.source, own.status, own.deadline, own.measures) == (
        Source.SELF,
        Status.DEADLINE,
        deadline,
        "更换灭火器",
    )
    own_photo = own.photos.get(kind="before")

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

    page = journey.page = supervisor.page  # the screenshots follow the person acting
    with journey.step("乡镇复查销号"):
        supervisor.goto("hazards:detail", notice.pk)
        page.locator("summary", has_text=re.compile(r"^销号$")).click()
        form = page.locator("form[action$='/close-out/']")
        form.get_by_label("复查验收/评估意见").fill("现场复查合格，同意销号")
        form.get_by_role("button", name="销号").click()
        supervisor.message("已销号")
        supervisor.check_page()

    month = selfreports.current_month(timezone.localdate())
    page = journey.page = company.page
    with journey.step("企业填报本月自查自报"):
        company.goto("enterprises:selfreport_month", month.key)
        expect(page.get_by_label("本月未发现隐患")).not_to_be_checked()
        page.get_by_label("说明").fill("本月自查发现灭火器压力不足一项，已下达整改")
        company.check_page()
        page.get_by_role("button", name="提交月报").click()
        company.message(f"已提交{month.label}自查自报")
        company.check_page()
    report = MonthlySelfReport.objects.get(enterprise=enterprise_a1)
    this_month = Hazard.objects.filter(
        enterprise=enterprise_a1, found_on__gte=month.start, found_on__lte=month.end
    )
    assert (
        (report.found, report.fixed, report.no_hazards)
        == (
            this_month.count(),
            this_month.filter(fixed_on__gte=month.start).count(),
            False,
        )
        == (2, 1, False)
    )

    # Another enterprise of the township has an account too: it is 应报 and has not reported.
    other = UserFactory(username="xicun", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=other, enterprise=enterprise_a2, must_change_password=False
    )
    expected = (
        Enterprise.objects.filter(township=enterprise_a1.township, accounts__user__is_active=True)
        .exclude(status=EnterpriseStatus.CLOSED)
        .distinct()
        .count()
    )
    reported = MonthlySelfReport.objects.filter(
        enterprise__township=enterprise_a1.township, year=month.year, month=month.number
    ).count()
    page = journey.page = supervisor.page
    with journey.step("乡镇查看企业自报：录入率"):
        supervisor.goto("enterprises:selfreport_rates", query=f"?month={month.key}")
        total = page.locator("tfoot tr")
        expect(total.locator("td")).to_have_text(
            ["合计", str(expected), str(reported), _rate(reported, expected), "0", "0.00%"]
        )
        # 未报企业: those missing the month or its quarter, the month's column says which.
        missing = page.locator("table").nth(1)
        mine = missing.locator("tr", has_text=enterprise_a1.name).locator("td").nth(2)
        expect(mine).to_have_text("已报")
        theirs = missing.locator("tr", has_text=enterprise_a2.name).locator("td").nth(2)
        expect(theirs).to_contain_text("未报")
        supervisor.check_page()
    assert (expected, reported) == (2, 1)

    neighbour = open_browser(viewport, journey)
    page = neighbour.page
    with journey.step("另一家企业看不到"):
        neighbour.login(other)
        urls = [
            reverse("hazards:detail", args=[notice.pk]),
            reverse("hazards:detail", args=[own.pk]),
            reverse("inspections:detail", args=[inspection.pk]),
            reverse("hazards:photo", args=[own_photo.pk]),
        ]
        assert {url: page.goto(url).status for url in urls} == dict.fromkeys(urls, 404)
        neighbour.goto("hazards:list")
        expect(page.get_by_text(notice.number)).to_have_count(0)
        expect(page.get_by_text(own.number)).to_have_count(0)
        neighbour.goto("inspections:self")
        expect(page.locator(f"a[href='{urls[2]}']")).to_have_count(0)
