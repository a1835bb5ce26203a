"""申请延期 by the enterprise: on its own hazard under a deadline, with a reason and a later
date; the township approves or declines as for any request. Refused elsewhere, with
nothing changed. And the 五定 of its own 企业自查 findings, never of the inspectors'."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseAccount
from grid import roles
from hazards import workflow
from hazards.models import Hazard, HazardEvent, Source, Status
from tests.conftest import login
from tests.factories import UserFactory, make_hazard

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def own(personas):
    return personas.enterprise  # 东村机械厂 (enterprise_a1)


@pytest.fixture
def neighbour(enterprise_a2):
    user = UserFactory(username="qy_xicun", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise_a2, must_change_password=False
    )
    return user


def snapshot(hazard):
    return (
        Hazard.objects.filter(pk=hazard.pk).values().get(),
        HazardEvent.objects.filter(hazard=hazard).count(),
    )


def ask(hazard, by, days=15, reason="设备订货周期长"):
    return workflow.request_extension(
        hazard, by=by, until=hazard.deadline + days * DAY, reason=reason
    )


def test_the_enterprise_asks_and_the_township_approves(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    deadline = hazard.deadline
    event = ask(hazard, own)
    hazard.refresh_from_db()
    assert (event.action, event.actor, event.note) == ("request_extension", own, "设备订货周期长")
    assert hazard.extension_requested_until == deadline + 15 * DAY
    assert hazard.deadline == deadline and hazard.status == Status.DEADLINE
    assert "approve_extension" in workflow.available_actions(hazard, personas.supervisor)
    workflow.approve_extension(hazard, by=personas.supervisor, note="同意")
    hazard.refresh_from_db()
    assert hazard.deadline == deadline + 15 * DAY and hazard.original_deadline == deadline


def test_the_enterprise_asks_on_the_hazard_page(client, own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, own)
    page = client.get(reverse("hazards:detail", args=[hazard.pk]))
    assert "申请延期" in page.content.decode()
    until = (hazard.deadline + 10 * DAY).isoformat()
    response = client.post(
        reverse("hazards:request_extension", args=[hazard.pk]),
        {"until": until, "reason": "等待配件"},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.extension_requested_until.isoformat() == until


def test_the_enterprise_may_not_approve_its_own_request(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    ask(hazard, own)
    hazard.refresh_from_db()
    before = snapshot(hazard)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve_extension(hazard, by=own)
    with pytest.raises(workflow.NotAllowed):
        workflow.extend_deadline(hazard, by=own, until=hazard.deadline + 30 * DAY, reason="x")
    assert snapshot(hazard) == before


def test_another_enterprises_hazard_does_not_exist_for_it(
    client, neighbour, personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    with pytest.raises(Http404):
        ask(hazard, neighbour)
    login(client, neighbour)
    response = client.post(
        reverse("hazards:request_extension", args=[hazard.pk]),
        {"until": (hazard.deadline + 10 * DAY).isoformat(), "reason": "等待配件"},
    )
    assert response.status_code == 404
    assert snapshot(hazard) == before


@pytest.mark.parametrize("state", ["found", "fixed", "closed", "void"])
def test_only_a_hazard_under_a_deadline_can_be_extended(own, personas, enterprise_a1, state):
    hazard = make_hazard(enterprise_a1, personas.inspector, state)
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError, match="不能执行“申请延期”"):
        workflow.request_extension(
            hazard, by=own, until=timezone.localdate() + 30 * DAY, reason="等待配件"
        )
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [
        (0, "等待配件", "申请延期的日期须晚于当前整改期限"),
        (-3, "等待配件", "申请延期的日期须晚于当前整改期限"),
        (10, "  ", "请填写延期理由"),
    ],
)
def test_a_bad_request_is_refused_in_chinese(own, personas, enterprise_a1, days, reason, message):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError, match=message):
        ask(hazard, own, days=days, reason=reason)
    assert snapshot(hazard) == before


def test_one_request_at_a_time(own, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    ask(hazard, own)
    hazard.refresh_from_db()
    before = snapshot(hazard)
    assert "request_extension" not in workflow.available_actions(hazard, own)
    with pytest.raises(workflow.WorkflowError, match="已有一条待审批的延期申请"):
        ask(hazard, own, days=20)
    assert snapshot(hazard) == before


# --- the 五定 of its own findings ------------------------------------------------------------


def five_fixes():
    return {
        "deadline": timezone.localdate() + 20 * DAY,
        "measures": "更换灭火器",
        "responsible_person": "王安全",
    }


def test_the_enterprise_sets_the_five_fixes_of_its_own_finding(own, enterprise_a1):
    hazard = make_hazard(enterprise_a1, own)
    assert hazard.source == Source.SELF
    assert "set_deadline" in workflow.available_actions(hazard, own)
    workflow.set_deadline(hazard, by=own, **five_fixes())
    hazard.refresh_from_db()
    assert hazard.status == Status.DEADLINE and hazard.responsible_person == "王安全"


@pytest.mark.parametrize("source", [Source.TOWNSHIP, Source.COUNTY, Source.REPORT])
def test_never_the_five_fixes_of_a_hazard_the_inspectors_found(
    own, personas, enterprise_a1, source
):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    Hazard.objects.filter(pk=hazard.pk).update(source=source)
    hazard.refresh_from_db()
    before = snapshot(hazard)
    assert "set_deadline" not in workflow.available_actions(hazard, own)
    with pytest.raises(workflow.NotAllowed, match="企业只能为本企业自查发现的隐患制定五定"):
        workflow.set_deadline(hazard, by=own, **five_fixes())
    assert snapshot(hazard) == before
