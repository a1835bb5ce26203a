"""The POST url of every workflow action: allowed, refused by role, wrong state, stale."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hazards import workflow
from hazards.models import Hazard, HazardEvent, HazardPhoto
from tests.conftest import login
from tests.factories import jpeg_upload, make_hazard

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def snapshot(hazard):
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    return row, HazardEvent.objects.filter(hazard=hazard).count()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def with_request(hazard, p):
    workflow.request_extension(
        hazard, by=p.inspector, until=hazard.deadline + timedelta(days=10), reason="设备未到货"
    )
    return hazard


def major_found(ent, p):
    return make_hazard(ent, p.inspector, "found", level="major")


def data_for(action, hazard):
    if action == "set_deadline":
        return {
            "deadline": (today() + timedelta(days=7)).isoformat(),
            "measures": "加装防护罩",
            "responsible_person": "李四",
        }
    if action in ("request_extension", "extend_deadline"):
        until = (hazard.deadline or today()) + timedelta(days=10)
        return {"until": until.isoformat(), "reason": "设备未到货"}
    if action in ("approve_extension", "decline_extension", "refer_to_county"):
        return {"note": "同意" if action == "approve_extension" else "理由说明"}
    if action == "report_fixed":
        return {"fixed_on": today().isoformat(), "note": "已更换", "after_photos": jpeg_upload()}
    if action == "reject_fix":
        return {"new_deadline": (today() + timedelta(days=5)).isoformat(), "note": "未整改到位"}
    if action == "close_out":
        return {"acceptance_note": "复查合格"}
    if action == "void":
        return {"reason": "重复登记"}
    raise AssertionError(action)


# action: (make the hazard, who may, what it becomes, a role that may not, a wrong state)
CASES = {
    "set_deadline": (
        lambda e, p: make_hazard(e, p.inspector),
        "inspector",
        lambda h: h.status == "deadline" and h.measures == "加装防护罩",
        "admin",
        "fixed",
    ),
    "request_extension": (
        lambda e, p: make_hazard(e, p.inspector, "deadline"),
        "inspector",
        lambda h: h.extension_requested_until is not None,
        "supervisor",
        "found",
    ),
    "approve_extension": (
        lambda e, p: with_request(make_hazard(e, p.inspector, "deadline"), p),
        "supervisor",
        lambda h: h.extension_requested_until is None and h.deadline > h.original_deadline,
        "inspector",
        "deadline",
    ),
    "decline_extension": (
        lambda e, p: with_request(make_hazard(e, p.inspector, "deadline"), p),
        "supervisor",
        lambda h: h.extension_requested_until is None and h.deadline == h.original_deadline,
        "inspector",
        "deadline",
    ),
    "extend_deadline": (
        lambda e, p: make_hazard(e, p.inspector, "deadline"),
        "supervisor",
        lambda h: h.deadline > h.original_deadline,
        "inspector",
        "found",
    ),
    "report_fixed": (
        lambda e, p: make_hazard(e, p.inspector, "deadline"),
        "inspector",
        lambda h: h.status == "fixed" and h.photos.filter(kind="after").count() == 1,
        "admin",
        "closed",
    ),
    "reject_fix": (
        lambda e, p: make_hazard(e, p.inspector, "fixed"),
        "supervisor",
        lambda h: h.status == "deadline" and h.fixed_on is None,
        "inspector",
        "deadline",
    ),
    "close_out": (
        lambda e, p: make_hazard(e, p.inspector, "fixed"),
        "supervisor",
        lambda h: h.status == "closed" and h.closed_by_id is not None,
        "inspector",
        "deadline",
    ),
    "refer_to_county": (
        major_found,
        "supervisor",
        lambda h: h.referred_at is not None,
        "inspector",
        "closed",
    ),
    "void": (
        lambda e, p: make_hazard(e, p.inspector),
        "supervisor",
        lambda h: h.status == "void" and h.void_reason == "重复登记",
        "inspector",
        "closed",
    ),
}


def url(action, hazard):
    return reverse(f"hazards:{action}", args=[hazard.pk])


@pytest.mark.parametrize("action", list(CASES))
def test_the_allowed_user_takes_the_action_and_one_event_is_written(
    client, personas, enterprise_a1, action
):
    make, who, changed, _refused, _wrong = CASES[action]
    hazard = make(enterprise_a1, personas)
    _row, events = snapshot(hazard)
    response = login(client, getattr(personas, who)).post(
        url(action, hazard), data_for(action, hazard)
    )
    assert response.status_code == 302, messages_of(response)
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    hazard.refresh_from_db()
    assert changed(hazard)
    last = HazardEvent.objects.filter(hazard=hazard).order_by("-at", "-id").first()
    assert HazardEvent.objects.filter(hazard=hazard).count() == events + 1
    assert last.action == action


@pytest.mark.parametrize("action", list(CASES))
def test_a_role_that_may_not_gets_403_and_nothing_changes(client, personas, enterprise_a1, action):
    make, _who, _changed, refused, _wrong = CASES[action]
    hazard = make(enterprise_a1, personas)
    before = snapshot(hazard)
    response = login(client, getattr(personas, refused)).post(
        url(action, hazard), data_for(action, hazard)
    )
    assert response.status_code == 403
    assert snapshot(hazard) == before
    assert HazardPhoto.objects.filter(hazard=hazard, kind="after").count() == (
        1 if hazard.status in ("fixed", "closed") else 0
    )


@pytest.mark.parametrize("action", list(CASES))
def test_the_wrong_state_gets_a_message_and_nothing_changes(
    client, personas, enterprise_a1, action
):
    _make, who, _changed, _refused, wrong = CASES[action]
    level = "major" if action == "refer_to_county" and wrong != "closed" else "general"
    hazard = make_hazard(enterprise_a1, personas.inspector, wrong, level=level)
    before = snapshot(hazard)
    response = login(client, getattr(personas, who)).post(
        url(action, hazard), data_for(action, hazard)
    )
    assert response.status_code == 400
    assert snapshot(hazard) == before
    text = " ".join(messages_of(response))
    assert "不能" in text or "没有" in text, text


def test_a_stale_form_gets_409_and_the_other_users_result_stands(client, personas, enterprise_a1):
    p = personas
    hazard = make_hazard(enterprise_a1, p.inspector, "fixed")
    login(client, p.supervisor)
    page = client.get(reverse("hazards:detail", args=[hazard.pk]))
    form = next(a["form"] for a in page.context["action_forms"] if a["action"] == "close_out")
    seen = form.initial["seen"]
    workflow.close_out(hazard, by=p.supervisor2, acceptance_note="复查合格")
    response = client.post(
        url("close_out", hazard), {"acceptance_note": "我也来销号", "seen": seen}
    )
    assert response.status_code == 409
    assert "已被他人处理" in " ".join(messages_of(response))
    hazard.refresh_from_db()
    assert hazard.closed_by_id == p.supervisor2.pk
    assert hazard.acceptance_note == "复查合格"
    assert HazardEvent.objects.filter(hazard=hazard, action="close_out").count() == 1


def test_a_stale_self_loop_is_refused_too(client, personas, enterprise_a1):
    p = personas
    hazard = make_hazard(enterprise_a1, p.inspector, "deadline")
    login(client, p.supervisor)
    page = client.get(reverse("hazards:detail", args=[hazard.pk]))
    form = next(a["form"] for a in page.context["action_forms"] if a["action"] == "extend_deadline")
    workflow.extend_deadline(
        hazard, by=p.supervisor2, until=hazard.deadline + timedelta(days=3), reason="天气"
    )
    data = {**data_for("extend_deadline", hazard), "seen": form.initial["seen"]}
    before = snapshot(hazard)
    response = client.post(url("extend_deadline", hazard), data)
    assert response.status_code == 409
    assert snapshot(hazard) == before


def test_the_fixer_cannot_close_out_his_own_fix(client, personas, enterprise_a1):
    p = personas
    hazard = make_hazard(enterprise_a1, p.supervisor, "fixed")  # reported fixed by supervisor
    before = snapshot(hazard)
    response = login(client, p.supervisor).post(url("close_out", hazard), {"acceptance_note": "ok"})
    assert response.status_code == 403
    assert "不能为自己上报的整改销号" in " ".join(messages_of(response))
    assert snapshot(hazard) == before


def test_a_township_supervisor_cannot_close_a_major_hazard(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed", level="major")
    before = snapshot(hazard)
    response = login(client, personas.supervisor).post(
        url("close_out", hazard), {"acceptance_note": "ok"}
    )
    assert response.status_code == 403
    assert snapshot(hazard) == before


def test_missing_input_re_renders_the_form_with_400(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    before = snapshot(hazard)
    response = login(client, personas.inspector).post(
        url("set_deadline", hazard), {"deadline": "2026-02-30", "measures": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "有效的日期" in body
    assert "这个字段是必填项" in body
    assert snapshot(hazard) == before


def test_a_deadline_in_the_past_is_the_workflows_message(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    before = snapshot(hazard)
    data = {**data_for("set_deadline", hazard), "deadline": "2000-01-01"}
    response = login(client, personas.inspector).post(url("set_deadline", hazard), data)
    assert response.status_code == 400
    assert "整改期限不能早于" in " ".join(messages_of(response))
    assert snapshot(hazard) == before


def test_report_fixed_stores_the_photo_as_jpeg_without_exif(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    data = {
        "fixed_on": today().isoformat(),
        "note": "已更换",
        "after_photos": [
            jpeg_upload("a.jpg", exif_gps=True, size=(2400, 1200)),
            jpeg_upload("b.jpg"),
        ],
    }
    response = login(client, personas.inspector).post(url("report_fixed", hazard), data)
    assert response.status_code == 302
    photos = list(HazardPhoto.objects.filter(hazard=hazard, kind="after"))
    assert len(photos) == 2
    for photo in photos:
        with photo.image.open("rb") as f, Image.open(f) as img:
            assert img.format == "JPEG"
            assert not img.getexif()
            assert max(img.size) <= 1920
        assert photo.event.action == "report_fixed"


def test_report_fixed_without_a_photo_or_with_a_fake_one_changes_nothing(
    client, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    login(client, personas.inspector)
    data = {"fixed_on": today().isoformat(), "note": "已更换"}
    response = client.post(url("report_fixed", hazard), data)
    assert response.status_code == 400
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(url("report_fixed", hazard), {**data, "after_photos": fake})
    assert response.status_code == 400
    assert "不是有效的图片文件" in response.content.decode()
    assert snapshot(hazard) == before
    assert not HazardPhoto.objects.filter(hazard=hazard, kind="after").exists()


def test_actions_refuse_get(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    response = login(client, personas.supervisor).get(url("void", hazard))
    assert response.status_code == 405


def test_another_townships_user_gets_404_on_an_action(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    before = snapshot(hazard)
    response = login(client, personas.other_supervisor).post(
        url("void", hazard), {"reason": "误报"}
    )
    assert response.status_code == 404
    assert snapshot(hazard) == before
