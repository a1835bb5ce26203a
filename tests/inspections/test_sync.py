"""Issue 13, the offline checklist's sync endpoint: records made on the phone, each with its
own key, sent in order; a repeat gets the record already there; conflicts say why in
Chinese; the same services, workflow and scoping as the pages."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from hazards.models import Hazard, HazardPhoto
from inspections.models import Inspection
from tests.conftest import login
from tests.factories import today
from tests.inspections.conftest import jpeg

pytestmark = pytest.mark.django_db


def post(client, kind, data):
    return client.post(
        reverse("inspections:sync", args=[kind]),
        json.dumps(data),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


def photo(client, data):
    return client.post(reverse("inspections:sync", args=["photo"]), data)


@pytest.fixture
def phone(client, personas, enterprise_a1, checklist):
    """What the phone has queued: an inspection with item 2.1 failed (photo, hazard with
    its 五定) and the others passed, then the signature."""
    login(client, personas.inspector)
    management = list(checklist.categories.get(number=1).items.all())
    site = {i.number: i for i in checklist.categories.get(number=2).items.all()}
    key = str(uuid.uuid4())
    answers = [{"item": i.pk, "result": "pass", "note": ""} for i in management]
    answers += [
        {"item": site[1].pk, "result": "fail", "note": "配电箱无漏电保护"},
        {"item": site[2].pk, "result": "na", "note": ""},
    ]
    return {
        "inspection": {
            "key": key,
            "enterprise": enterprise_a1.pk,
            "template": checklist.pk,
            "date": today().isoformat(),
            "answers": answers,
        },
        "photo": {"key": str(uuid.uuid4()), "inspection": key, "item": site[1].pk},
        "hazard": {
            "key": str(uuid.uuid4()),
            "inspection": key,
            "item": site[1].pk,
            "location": "配电房",
            "five_fixes": {
                "deadline": (today() + timedelta(days=10)).isoformat(),
                "measures": "加装漏电保护器",
                "responsible_person": "赵厂长",
                "funds_yuan": "800",
            },
        },
        "submit": {"key": str(uuid.uuid4()), "inspection": key, "representative": "王安全"},
    }


def send_all(client, phone):
    answers = [post(client, "inspection", phone["inspection"])]
    answers.append(photo(client, {**phone["photo"], "photo": jpeg()}))
    answers.append(post(client, "hazard", phone["hazard"]))
    answers.append(post(client, "submit", phone["submit"]))
    return answers


def test_the_queue_makes_one_inspection_one_photo_one_hazard_with_its_five_fixes(client, phone):
    answers = send_all(client, phone)
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    inspection = Inspection.objects.get()
    assert inspection.status == "submitted" and inspection.representative == "王安全"
    failed = inspection.items.get(result="fail")
    assert failed.note == "配电箱无漏电保护" and failed.photo
    hazard = Hazard.objects.get()
    assert (hazard.status, hazard.responsible_person, hazard.location) == (
        "deadline",
        "赵厂长",
        "配电房",
    )
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    assert answers[2].json()["number"] == hazard.number


def test_sending_everything_again_adds_nothing(client, phone):
    send_all(client, phone)
    again = send_all(client, phone)
    assert [a.status_code for a in again] == [200, 200, 200, 200]
    assert all(a.json()["repeated"] for a in again)
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 1
    assert HazardPhoto.objects.count() == 1


def test_answers_changed_after_a_first_send_are_applied(client, phone):
    first = dict(phone["inspection"], answers=[])
    post(client, "inspection", first)
    post(client, "inspection", phone["inspection"])
    inspection = Inspection.objects.get()
    assert not inspection.items.filter(result="pending").exists()


def test_an_enterprise_moved_out_of_the_users_cells_is_a_conflict(
    client, phone, grid, enterprise_a1
):
    enterprise_a1.cell = grid.village_b1
    enterprise_a1.township = grid.town_b
    enterprise_a1.save()
    answer = post(client, "inspection", phone["inspection"])
    assert answer.status_code == 409
    assert "该企业已不在您负责的网格内" in answer.json()["error"]
    assert not Inspection.objects.exists()


def test_a_withdrawn_template_is_a_conflict(client, phone, checklist):
    checklist.is_active = False
    checklist.save()
    answer = post(client, "inspection", phone["inspection"])
    assert answer.status_code == 409
    assert "该检查表已停用" in answer.json()["error"]


def test_an_inspection_submitted_elsewhere_is_a_conflict(client, phone, personas):
    from inspections import services

    post(client, "inspection", phone["inspection"])
    inspection = Inspection.objects.get()
    services.submit(inspection, by=personas.inspector2, representative="李四")
    answer = post(client, "submit", phone["submit"])
    assert answer.status_code == 409
    assert "已在其他设备上提交" in answer.json()["error"]
    changed = dict(phone["inspection"])
    changed["answers"] = [dict(a, result="na") for a in changed["answers"]]
    answer = post(client, "inspection", changed)
    assert answer.status_code == 409
    assert "本机的修改未能同步" in answer.json()["error"]


def test_a_photo_before_its_inspection_waits(client, phone):
    answer = photo(client, {**phone["photo"], "photo": jpeg()})
    assert answer.status_code == 409
    assert "请先同步检查记录" in answer.json()["error"]


def test_a_photo_that_is_not_an_image_is_refused_in_chinese(client, phone):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post(client, "inspection", phone["inspection"])
    answer = photo(client, {**phone["photo"], "photo": SimpleUploadedFile("x.jpg", b"not a jpeg")})
    assert answer.status_code == 409
    assert answer.json()["ok"] is False and answer.json()["error"]


def test_an_expired_session_is_told_to_log_in_again(client, phone):
    client.logout()
    answer = post(client, "inspection", phone["inspection"])
    assert answer.status_code == 401
    assert "登录已过期" in answer.json()["error"]


def test_another_township_cannot_use_the_endpoint_for_this_enterprise(client, phone, personas):
    login(client, personas.other_inspector)
    answer = post(client, "inspection", phone["inspection"])
    assert answer.status_code == 409
    assert not Inspection.objects.exists()


def test_an_administrator_may_not_record(client, phone, personas):
    login(client, personas.admin)
    answer = post(client, "inspection", phone["inspection"])
    assert answer.status_code == 403


def test_bad_json_is_refused(client, phone):
    answer = client.post(
        reverse("inspections:sync", args=["inspection"]), "{", content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["error"] == "数据格式不正确。"


def test_the_bootstrap_lists_my_enterprises_first_and_the_templates(
    client, personas, grid, enterprise_a1, checklist
):
    from tests.factories import EnterpriseFactory

    mine = EnterpriseFactory(name="包保厂", cell=grid.village_a1)
    mine.inspectors.add(personas.inspector)
    login(client, personas.inspector)
    data = client.get(reverse("inspections:sync_bootstrap")).json()
    assert data["enterprises"][0]["name"] == "包保厂" and data["enterprises"][0]["mine"]
    assert enterprise_a1.name in [e["name"] for e in data["enterprises"]]
    template = next(t for t in data["templates"] if t["id"] == checklist.pk)
    assert [i["code"] for i in template["items"]] == ["1.1", "1.2", "2.1", "2.2"]


def test_the_field_page_worker_and_manifest_are_served(client, personas):
    login(client, personas.inspector)
    page = client.get(reverse("inspections:field"))
    assert page.status_code == 200
    assert 'id="field-messages"' in page.content.decode()
    worker = client.get(reverse("inspections:service_worker"))
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == reverse("inspections:list")
    assert reverse("inspections:field") in worker.content.decode()
    manifest = client.get(reverse("inspections:manifest")).json()
    assert manifest["start_url"] == reverse("inspections:field")


@pytest.mark.parametrize("who, status", [("county", 200), ("admin", 403)])
def test_the_field_page_is_for_those_who_record_inspections(client, personas, who, status):
    login(client, getattr(personas, who))
    assert client.get(reverse("inspections:field")).status_code == status
