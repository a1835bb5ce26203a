"""Issue 13 on a phone: nothing typed or chosen on the checklist is ever lost.

The network is the one the issue measured in the field (150 ms, 1.6 Mbps down, 750 kbps
up), set through the DevTools protocol, so a save is still on its way when the next tap
comes.
"""

import time

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from inspections import services
from tests.browser.conftest import PHONE, jpeg_file
from tests.browser.test_journeys import _checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELD_LINK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


def throttle(person, conditions=FIELD_LINK):
    cdp = person.context.new_cdp_session(person.page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    return cdp


def noisy_jpeg(path, size=(800, 600)):
    """A photo that compresses badly, so its upload takes seconds on the field link."""
    import os

    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    image.save(path, "JPEG", quality=85)
    return path


def wait_for(predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def started(personas, enterprise_a1):
    return services.start(
        enterprise=enterprise_a1,
        by=personas.inspector,
        kind="routine",
        template=_checklist(),
        inspectors=[personas.inspector],
        on=timezone.localdate(),
    )


def test_a_photo_chosen_right_after_typing_a_note_is_kept(
    open_browser, journey_factory, personas, started, tmp_path
):
    journey = journey_factory(None, "photo_after_note")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    item = started.items.get(position=3)
    photo = jpeg_file(tmp_path / "before.jpg", (190, 40, 40))
    with journey.step("登录并打开检查记录"):
        inspector.login(personas.inspector)
        inspector.goto("inspections:detail", started.pk)
        throttle(inspector)
    row = page.locator(f"#item-{item.pk}")
    with journey.step("不合格，写说明，随即拍照"):
        row.get_by_text("✗ 不合格", exact=True).click()
        row.get_by_label("说明", exact=True).fill("配电箱门锁损坏")
        # Tapping the photo field blurs the note (its save starts) and opens the camera.
        with page.expect_file_chooser() as chooser:
            row.get_by_label("现场照片").click()
        chooser.value.set_files(str(photo))
        expect(row.get_by_role("img", name="现场照片")).to_be_visible()
        expect(row.locator("[data-status]")).to_have_text("已保存")
        expect(row.get_by_label("说明", exact=True)).to_have_value("配电箱门锁损坏")
        inspector.check_page()
    item.refresh_from_db()
    assert (item.result, item.note, bool(item.photo)) == ("fail", "配电箱门锁损坏", True)


def test_text_typed_while_a_photo_uploads_is_kept(
    open_browser, journey_factory, personas, started, tmp_path
):
    journey = journey_factory(None, "type_during_upload")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    item = started.items.get(position=4)
    photo = noisy_jpeg(tmp_path / "big.jpg")
    text = "二号仓库消防通道堆放纸箱约二十箱"
    with journey.step("登录并打开检查记录"):
        inspector.login(personas.inspector)
        inspector.goto("inspections:detail", started.pk)
        throttle(inspector)
    row = page.locator(f"#item-{item.pk}")
    note = row.get_by_label("说明", exact=True)
    with journey.step("照片上传时输入说明"):
        row.get_by_text("✗ 不合格", exact=True).click()
        expect(row.locator("[data-mark]")).to_have_text("✗ 不合格")
        row.get_by_label("现场照片").set_input_files(str(photo))
        expect(row.locator("[data-status]")).to_contain_text("上传照片")
        note.click()
        page.keyboard.type(text, delay=40)
        # The upload has not finished while typing: the text is there all along.
        expect(row.locator("[data-status]")).to_have_text("已保存", timeout=30_000)
        expect(note).to_have_value(text)
        assert page.evaluate("() => document.activeElement.name") == "note"
        expect(row.get_by_role("img", name="现场照片")).to_be_visible()
        note.press("Tab")
        inspector.check_page()
    assert wait_for(lambda: started.items.get(pk=item.pk).note == text)
    item.refresh_from_db()
    assert item.result == "fail" and item.photo


def test_a_failed_save_says_so_and_is_sent_when_the_network_returns(
    open_browser, journey_factory, personas, started
):
    journey = journey_factory(None, "save_offline_retry")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    item = started.items.get(position=1)
    with journey.step("登录并打开检查记录"):
        inspector.login(personas.inspector)
        inspector.goto("inspections:detail", started.pk)
    row = page.locator(f"#item-{item.pk}")
    with journey.step("断网时点合格：提示保存失败"):
        inspector.context.set_offline(True)
        row.get_by_text("✓ 合格", exact=True).click()
        expect(row.locator("[data-status]")).to_contain_text("保存失败")
    with journey.step("网络恢复后自动保存"):
        inspector.context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        expect(row.locator("[data-mark]")).to_have_text("✓ 合格")
        inspector.errors.clear()  # the refused request is logged by the browser
        inspector.check_page()
    item.refresh_from_db()
    assert item.result == "pass"


def test_an_answer_that_could_not_be_saved_survives_closing_the_tab(
    open_browser, journey_factory, personas, started
):
    journey = journey_factory(None, "save_survives_closed_tab")
    inspector = open_browser(PHONE, journey)
    page = inspector.page
    item = started.items.get(position=2)
    with journey.step("登录并打开检查记录"):
        inspector.login(personas.inspector)
        inspector.goto("inspections:detail", started.pk)
    row = page.locator(f"#item-{item.pk}")
    with journey.step("断网时填写：保存失败"):
        inspector.context.set_offline(True)
        row.get_by_text("✗ 不合格", exact=True).click()
        row.get_by_label("说明", exact=True).fill("台账缺三个月")
        row.get_by_label("说明", exact=True).press("Tab")
        expect(row.locator("[data-status]")).to_contain_text("保存失败")
    with journey.step("关闭页面，联网后重新打开：填写恢复并保存"):
        page.close()
        inspector.context.set_offline(False)
        page = inspector.context.new_page()
        journey.page = page
        page.goto(inspector.base + f"/inspections/{started.pk}/")
        row = page.locator(f"#item-{item.pk}")
        expect(row.locator("[data-mark]")).to_have_text("✗ 不合格")
        expect(row.get_by_label("说明", exact=True)).to_have_value("台账缺三个月")
    item.refresh_from_db()
    assert (item.result, item.note) == ("fail", "台账缺三个月")
