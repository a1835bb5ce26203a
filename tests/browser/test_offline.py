"""Issue 13: an inspection filled with no network, on a phone.

After one online visit of 外业检查, the network goes; the inspector inspects an enterprise,
fails two items with a photo and a hazard (with its 五定) each, passes the rest and has the
form signed. The tab is closed and opened again, still offline: the 未同步 count is still
there. The network returns, 同步: exactly one inspection, two hazards and two photos reach
the server; sending the same requests again adds nothing.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hazards.models import Hazard, HazardPhoto
from inspections.models import Inspection, InspectionItem
from tests.browser.conftest import PHONE, TIMEOUT_MS, jpeg_file
from tests.browser.test_journeys import _checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILED = {3: "一号车间配电箱无漏电保护", 4: "二号仓库消防通道堆放纸箱"}  # position → note


def _field_url(live_server):
    from django.urls import reverse

    return live_server.url + reverse("inspections:field")


def test_an_inspection_filled_offline_reaches_the_server_once(
    open_browser, journey_factory, personas, enterprise_a1, live_server, tmp_path
):
    enterprise_a1.inspectors.add(personas.inspector)
    template = _checklist()
    photos = [
        jpeg_file(tmp_path / "a.jpg", (190, 40, 40), size=(2400, 1800)),
        jpeg_file(tmp_path / "b.jpg", (40, 40, 190)),
    ]
    deadline = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()
    journey = journey_factory(None, "offline_inspection")
    inspector = open_browser(PHONE, journey)
    context = inspector.context
    page = inspector.page
    url = _field_url(live_server)

    with journey.step("联网时打开外业检查一次"):
        inspector.login(personas.inspector)
        page.goto(url)
        expect(page.locator("#field-app[data-ready='1']")).to_be_attached()
        expect(page.locator("#field-ready")).to_contain_text("可离线使用")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        page.wait_for_function(
            "async () => { const ks = await caches.keys();"
            " return ks.length > 0 && !!(await caches.match(location.pathname)); }"
        )
        inspector.check_page()

    with journey.step("断网，开始检查"):
        context.set_offline(True)
        page.reload()
        expect(page.locator("#field-network")).to_contain_text("离线")
        expect(page.get_by_label("企业", exact=True)).to_contain_text(enterprise_a1.name)
        page.get_by_label("检查表").select_option(label=template.name)
        page.get_by_role("button", name="开始检查").click()
        expect(page.locator("#progress")).to_have_text("已填 0 / 5")

    items = page.locator("li[data-item]")
    for n, (position, note) in enumerate(FAILED.items()):
        with journey.step(f"第 {position} 项不合格：说明、照片、隐患与五定"):
            row = items.nth(position - 1)
            row.get_by_text("✗ 不合格", exact=True).click()
            row.get_by_label("说明").fill(note)
            row.get_by_label("说明").press("Tab")
            row.get_by_label("现场照片").set_input_files(str(photos[n]))
            expect(row.get_by_text("照片已保存在本机")).to_be_visible()
            row.get_by_text("登记为隐患").click()
            row.get_by_label("部位").fill(f"{n + 1}号车间")
            row.get_by_label("整改期限").fill(deadline)
            row.get_by_label("整改措施").fill("立即整改")
            row.get_by_label("整改责任人").fill("赵厂长")
            row.get_by_role("button", name="确认登记").click()
            expect(row.get_by_text("已登记隐患（待同步）")).to_be_visible()

    with journey.step("其余项全部合格，签字，完成"):
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="其余项全部合格").click()
        expect(page.locator("#progress")).to_have_text("已填 5 / 5")
        page.get_by_label("企业陪同签字人员").fill("王安全")
        page.get_by_role("button", name="完成并提交").click()
        # inspection, 2 photos, 2 hazards, the submit
        expect(page.locator("#field-unsynced")).to_have_text("未同步 6 条")
    assert not Inspection.objects.exists()

    with journey.step("关闭页面，断网时重新打开"):
        page.close()
        page = context.new_page()
        journey.page = page
        page.goto(url)
        expect(page.locator("#field-unsynced")).to_have_text("未同步 6 条")
        expect(page.get_by_text(enterprise_a1.name).first).to_be_visible()

    sent = []
    page.on(
        "request",
        lambda r: sent.append(r) if "/inspections/sync/" in r.url and r.method == "POST" else None,
    )
    with journey.step("恢复网络，同步"):
        context.set_offline(False)
        page.get_by_role("button", name="同步", exact=True).click()
        expect(page.locator("#field-unsynced")).to_have_text("已全部同步", timeout=2 * TIMEOUT_MS)

    inspection = Inspection.objects.get()
    assert inspection.status == "submitted" and inspection.representative == "王安全"
    assert not inspection.items.filter(result="pending").exists()
    failed = InspectionItem.objects.filter(inspection=inspection, result="fail")
    assert sorted(i.position for i in failed) == sorted(FAILED)
    assert all(i.photo for i in failed)
    assert sorted(i.note for i in failed) == sorted(FAILED.values())
    assert Hazard.objects.filter(inspection=inspection, status="deadline").count() == 2
    assert HazardPhoto.objects.count() == 2
    big = next(i for i in failed if i.position == 3)
    from PIL import Image

    with big.photo.open("rb") as fh:
        assert max(Image.open(fh).size) <= 1920  # shrunk on the phone (and by the server)

    with journey.step("再次发送同样的请求：不新增任何记录"):
        assert len(sent) == 6, [r.url for r in sent]
        for request in sent:
            answer = page.request.fetch(request)
            assert answer.status == 200, answer.text()
            assert answer.json()["repeated"] is True
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 2
    assert HazardPhoto.objects.count() == 2
    assert InspectionItem.objects.exclude(photo="").count() == 2


def test_a_refused_record_is_shown_kept_and_exportable(
    open_browser, journey_factory, personas, enterprise_a1, live_server, tmp_path
):
    """The template is withdrawn while the phone is offline: 同步 says so in Chinese, the
    records stay on the phone, and 导出 saves them as a file."""
    import json

    enterprise_a1.inspectors.add(personas.inspector)
    template = _checklist()
    journey = journey_factory(None, "offline_conflict")
    inspector = open_browser(PHONE, journey)
    context, page = inspector.context, inspector.page
    url = _field_url(live_server)
    with journey.step("联网时打开，断网后开始检查"):
        inspector.login(personas.inspector)
        page.goto(url)
        expect(page.locator("#field-ready")).to_contain_text("可离线使用")
        context.set_offline(True)
        page.get_by_label("检查表").select_option(label=template.name)
        page.get_by_role("button", name="开始检查").click()
        page.locator("li[data-item]").first.get_by_text("✓ 合格", exact=True).click()
        page.get_by_role("link", name="返回").click()
        expect(page.locator("#field-unsynced")).to_have_text("未同步 1 条")
    template.is_active = False
    template.save()
    with journey.step("恢复网络：检查表已停用，记录保留"):
        context.set_offline(False)
        page.get_by_role("button", name="同步", exact=True).click()
        expect(page.locator("#field-outbox")).to_contain_text("该检查表已停用")
        expect(page.locator("#field-unsynced")).to_have_text("未同步 1 条")
    assert not Inspection.objects.exists()
    with journey.step("导出未同步数据"):
        with page.expect_download() as download:
            page.get_by_role("button", name="导出未同步数据").click()
        path = tmp_path / "export.json"
        download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["drafts"][0]["enterprise"]["name"] == enterprise_a1.name
    assert data["outbox"][0]["error"].startswith("该检查表已停用")
