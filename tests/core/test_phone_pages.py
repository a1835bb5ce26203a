"""Issue 13, phone pages: text compressed (files not), every page linked from somewhere,
a favicon."""

import gzip

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from inspections import services
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from tests.conftest import login
from tests.inspections.conftest import jpeg, start_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(db):
    template = ChecklistTemplate.objects.create(name="手机页面检查表")
    category = ChecklistCategory.objects.create(template=template, number=1, name="现场")
    for n in (1, 2, 3):
        ChecklistItem.objects.create(category=category, number=n, text=f"检查内容{n}")
    return template


def test_html_is_sent_gzipped_to_a_browser_that_accepts_it(client, personas):
    login(client, personas.supervisor)
    response = client.get(reverse("hazards:list"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert "隐患台账" in gzip.decompress(response.content).decode()
    plain = client.get(reverse("hazards:list"))
    assert not plain.has_header("Content-Encoding")


def test_json_is_gzipped_and_photos_are_not(client, personas, enterprise_a1, checklist):
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist)
    item = inspection.items.get(position=1)
    login(client, personas.inspector)
    saved = client.post(
        reverse("inspections:item_update", args=[inspection.pk, item.pk]),
        {"result": "fail", "note": "说明" * 100, "photo": jpeg(size=(400, 300))},
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert saved["Content-Encoding"] == "gzip"
    photo = client.get(
        reverse("inspections:item_photo", args=[inspection.pk, item.pk]),
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert photo["Content-Type"] == "image/jpeg"
    assert not photo.has_header("Content-Encoding")


@pytest.mark.parametrize("who, shown", [("county", True), ("admin", True), ("inspector", False)])
def test_the_ledger_import_is_in_the_navigation_of_those_who_may_import(
    client, personas, who, shown
):
    login(client, getattr(personas, who))
    page = client.get(reverse("hazards:list")).content.decode()
    assert (f'href="{reverse("hazards:import")}"' in page) is shown


def test_the_enterprise_wide_notice_is_linked_from_the_enterprise_and_the_inspection(
    client, personas, enterprise_a1, checklist
):
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist)
    item = inspection.items.get(position=3)
    services.record_result(item, by=personas.inspector, result="fail", photo=jpeg())
    item.refresh_from_db()
    hazard = services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    login(client, personas.inspector)
    notice = reverse("hazards:notice_enterprise")
    section = client.get(reverse("inspections:enterprise_section", args=[enterprise_a1.pk]))
    assert f"{notice}?enterprise={enterprise_a1.pk}" in section.content.decode()
    detail = client.get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert f"{notice}?enterprise={enterprise_a1.pk}&amp;ids={hazard.pk}" in detail
    assert client.get(f"{notice}?enterprise={enterprise_a1.pk}&ids={hazard.pk}").status_code == 200


def test_every_page_names_a_favicon_that_exists(client, personas):
    login(client, personas.inspector)
    page = client.get(reverse("hazards:my_work")).content.decode()
    assert 'rel="icon"' in page
    assert finders.find("icons/favicon.svg")
