"""Issue 13, fewer taps: 其余项全部合格 with 撤销, the 五定 given with the hazard, and
开始检查 from 我的工作."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hazards import workflow
from hazards.models import HazardEvent
from inspections import services
from tests.conftest import login
from tests.factories import EnterpriseFactory, today
from tests.inspections.conftest import answer_all, jpeg, start_inspection

pytestmark = pytest.mark.django_db


def _results(inspection):
    return list(inspection.items.order_by("position").values_list("result", flat=True))


# --- 其余项全部合格 ------------------------------------------------------------------------


def test_pass_remaining_marks_only_the_unanswered_items(personas, inspection):
    first = inspection.items.get(position=1)
    services.record_result(first, by=personas.inspector, result="fail", note="无责任书")
    ids = services.pass_remaining(inspection, by=personas.inspector)
    assert len(ids) == 3
    assert _results(inspection) == ["fail", "pass", "pass", "pass"]


def test_undo_puts_back_only_what_pass_remaining_changed_and_nobody_touched(personas, inspection):
    ids = services.pass_remaining(inspection, by=personas.inspector)
    touched = inspection.items.get(position=2)
    services.record_result(touched, by=personas.inspector, result="pass", note="已核实")
    assert services.undo_pass_remaining(inspection, by=personas.inspector, item_ids=ids) == 3
    assert _results(inspection) == ["pending", "pass", "pending", "pending"]


def test_pass_remaining_is_refused_on_a_submitted_inspection(personas, inspection):
    answer_all(inspection, personas.inspector)
    services.submit(inspection, by=personas.inspector, representative="王五")
    with pytest.raises(services.InspectionError, match="该检查记录已提交，不能再修改"):
        services.pass_remaining(inspection, by=personas.inspector)


def test_pass_remaining_is_refused_outside_the_scope(personas, inspection):
    from django.http import Http404

    with pytest.raises(Http404, match="not found"):
        services.pass_remaining(inspection, by=personas.other_inspector)


def test_the_page_confirms_then_offers_undo(client, personas, inspection):
    login(client, personas.inspector)
    detail = reverse("inspections:detail", args=[inspection.pk])
    page = client.get(detail).content.decode()
    assert "其余项全部合格" in page and "确认全部合格" in page
    response = client.post(reverse("inspections:pass_remaining", args=[inspection.pk]), follow=True)
    body = response.content.decode()
    assert "已将其余 4 项标为合格" in body and "撤销" in body
    client.post(reverse("inspections:undo_pass_remaining", args=[inspection.pk]))
    assert _results(inspection) == ["pending"] * 4
    # 撤销 is offered once: a second press changes nothing.
    services.record_result(inspection.items.get(position=1), by=personas.inspector, result="pass")
    client.post(reverse("inspections:undo_pass_remaining", args=[inspection.pk]))
    assert _results(inspection) == ["pass", "pending", "pending", "pending"]


def test_the_pass_remaining_page_action_is_post_only_and_scoped(client, personas, inspection):
    url = reverse("inspections:pass_remaining", args=[inspection.pk])
    login(client, personas.inspector)
    assert client.get(url).status_code == 405
    login(client, personas.other_inspector)
    assert client.post(url).status_code == 404
    assert _results(inspection) == ["pending"] * 4


# --- the 五定 with the hazard -----------------------------------------------------------


def _failed_item(inspection, by, position=3):
    item = inspection.items.get(position=position)
    services.record_result(item, by=by, result="fail", note="门锁坏", photo=jpeg())
    item.refresh_from_db()
    return item


def test_a_hazard_with_its_five_fixes_writes_register_then_set_deadline(personas, inspection):
    item = _failed_item(inspection, personas.inspector)
    deadline = today() + timedelta(days=10)
    hazard = services.create_hazard(
        item,
        by=personas.inspector,
        **services.hazard_prefill(item),
        five_fixes={
            "deadline": deadline,
            "measures": "更换门锁",
            "responsible_person": "赵厂长",
            "funds_yuan": 300,
            "contingency_plan": "",
        },
    )
    assert (hazard.status, hazard.deadline, hazard.original_deadline) == (
        "deadline",
        deadline,
        deadline,
    )
    actions = list(
        HazardEvent.objects.filter(hazard=hazard).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["register", "set_deadline"]


def test_a_bad_five_fixes_registers_nothing(personas, inspection):
    item = _failed_item(inspection, personas.inspector)
    with pytest.raises(workflow.WorkflowError, match="整改期限不能早于发现日期"):
        services.create_hazard(
            item,
            by=personas.inspector,
            **services.hazard_prefill(item),
            five_fixes={
                "deadline": today() - timedelta(days=1),
                "measures": "更换门锁",
                "responsible_person": "赵厂长",
                "funds_yuan": None,
                "contingency_plan": "",
            },
        )
    assert not item.hazards.exists()


def test_the_form_registers_with_the_five_fixes(client, personas, inspection):
    item = _failed_item(inspection, personas.inspector)
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    data = {**services.hazard_prefill(item), "location": "配电房"}
    data.update(
        deadline=(today() + timedelta(days=7)).isoformat(),
        measures="更换门锁",
        responsible_person="赵厂长",
        funds_yuan="300",
    )
    response = client.post(url, data, follow=True)
    assert "并下达限期整改至" in response.content.decode()
    hazard = item.hazards.get()
    assert hazard.status == "deadline" and hazard.responsible_person == "赵厂长"


def test_the_form_wants_a_deadline_when_other_five_fixes_are_given(client, personas, inspection):
    item = _failed_item(inspection, personas.inspector)
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    response = client.post(url, {**services.hazard_prefill(item), "measures": "更换门锁"})
    assert "填写五定时请填写整改期限" in response.content.decode()
    assert not item.hazards.exists()


def test_the_form_registers_without_five_fixes_as_before(client, personas, inspection):
    item = _failed_item(inspection, personas.inspector)
    login(client, personas.inspector)
    url = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    client.post(url, services.hazard_prefill(item))
    assert item.hazards.get().status == "found"


# --- 开始检查 from 我的工作 -------------------------------------------------------------


def test_my_work_starts_an_inspection_from_my_enterprises_and_recent_ones(
    client, personas, grid, enterprise_a1, checklist
):
    mine = EnterpriseFactory(name="包保纸箱厂", cell=grid.village_a1)
    mine.inspectors.add(personas.inspector)
    start_inspection(enterprise_a1, personas.inspector, checklist)
    login(client, personas.inspector)
    page = client.get(reverse("hazards:my_work")).content.decode()
    start = reverse("inspections:start")
    assert f"{start}?enterprise={mine.pk}" in page
    assert f"{start}?enterprise={enterprise_a1.pk}" in page
    assert reverse("inspections:pick") in page


def test_my_work_of_an_administrator_has_no_start_section(client, personas):
    login(client, personas.admin)
    assert "开始检查" not in client.get(reverse("hazards:my_work")).content.decode()


@pytest.mark.parametrize("who", ["inspector", "supervisor"])
def test_the_pick_page_lists_enterprises_in_scope_mine_first(
    client, personas, grid, enterprise_a1, enterprise_b, who
):
    mine = EnterpriseFactory(name="甲包保厂", cell=grid.village_a1)
    user = getattr(personas, who)
    mine.inspectors.add(user)
    login(client, user)
    page = client.get(reverse("inspections:pick")).content.decode()
    assert page.index("甲包保厂") < page.index(enterprise_a1.name)
    assert enterprise_b.name not in page
    found = client.get(reverse("inspections:pick"), {"q": "机械"}).content.decode()
    assert enterprise_a1.name in found and "甲包保厂" not in found


@pytest.mark.parametrize("who", ["county", "admin"])
def test_the_pick_page_is_for_those_who_record_inspections(client, personas, who):
    login(client, getattr(personas, who))
    allowed = who == "county"
    assert client.get(reverse("inspections:pick")).status_code == (200 if allowed else 403)
