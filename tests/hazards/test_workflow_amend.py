"""更正隐患信息: supervisors correct an open hazard's facts, so an imported major hazard
(which arrives without its 判定依据) can be closed out by the county."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards import workflow
from hazards.models import Hazard, HazardEvent, Status
from tests.conftest import login
from tests.factories import make_criterion, make_hazard, processed_photo

pytestmark = pytest.mark.django_db

BASIS = {"basis_standard": "《重大事故隐患判定标准》", "basis_clause": "第四条第（一）项"}


def today():
    return timezone.localdate()


def snapshot(hazard):
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    return row, HazardEvent.objects.filter(hazard_id=hazard.pk).count()


def imported_major(enterprise, by):
    """An open major hazard from an old ledger: deadline and 五定 but no 判定依据."""
    record = workflow.ImportRecord(
        line=2,
        number="",
        uscc=enterprise.uscc,
        enterprise_id=enterprise.pk,
        cell_id=enterprise.cell_id,
        township_id=enterprise.township_id,
        industry=enterprise.industry,
        description="液氨储罐区未设置泄漏报警装置",
        location="储罐区",
        level="major",
        category="condition",
        found_on=today() - timedelta(days=10),
        finder_names="老张",
        measures="加装泄漏报警并联锁",
        responsible_person="王厂长",
        funds_yuan=Decimal("20000"),
        deadline=today() + timedelta(days=10),
        fixed_on=None,
        closed_on=None,
    )
    workflow.import_records([record], by=by)
    return Hazard.objects.get(enterprise=enterprise, description=record.description)


def test_a_county_officer_completes_an_imported_major_hazard_and_can_then_close_it_out(
    personas, enterprise_a1
):
    hazard = imported_major(enterprise_a1, personas.county)
    assert hazard.status == Status.DEADLINE
    workflow.report_fixed(
        hazard,
        by=personas.inspector,
        fixed_on=today(),
        note="已加装报警",
        after_photos=[processed_photo()],
    )
    with pytest.raises(workflow.WorkflowError, match="判定标准库中的判定依据条款") as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="复查合格")
    assert "更正隐患信息" in exc.value.message

    assert "amend" in workflow.available_actions(hazard, personas.county)
    workflow.amend(hazard, by=personas.county, note="选择判定依据条款", criteria=[make_criterion()])
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="复查合格")
    assert "应急预案" in exc.value.message

    event = workflow.amend(
        hazard,
        by=personas.county,
        note="补录原始档案中的判定依据和应急预案",
        contingency_plan="报警未装好前停用储罐，设警戒区",
        **BASIS,
    )

    hazard.refresh_from_db()
    assert (hazard.basis_standard, hazard.basis_clause) == tuple(BASIS.values())
    assert hazard.status == Status.FIXED
    assert (event.action, event.from_status, event.to_status) == ("amend", "fixed", "fixed")
    workflow.close_out(hazard, by=personas.county, acceptance_note="复查合格，同意销号")
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED


def test_the_event_records_each_changed_fact_before_and_after_and_nothing_else(
    personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    count = HazardEvent.objects.filter(hazard=hazard).count()
    event = workflow.amend(
        hazard,
        by=personas.supervisor,
        note="现场复核",
        description=hazard.description,  # unchanged: not recorded
        location="二号车间",
        funds_yuan="300.50",
        category="management",
    )
    assert HazardEvent.objects.filter(hazard=hazard).count() == count + 1
    assert event.note == "现场复核"
    assert event.actor == personas.supervisor
    assert event.data == {
        "before": {"category": "condition", "funds_yuan": None, "location": "一号车间"},
        "after": {"category": "management", "funds_yuan": "300.50", "location": "二号车间"},
    }
    hazard.refresh_from_db()
    assert (hazard.location, hazard.funds_yuan, hazard.category) == (
        "二号车间",
        Decimal("300.50"),
        "management",
    )


@pytest.mark.parametrize("role", ["inspector", "admin"])
def test_inspectors_and_the_admin_may_not_amend(personas, enterprise_a1, role):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found", level="major")
    before = snapshot(hazard)
    user = getattr(personas, role)
    assert "amend" not in workflow.available_actions(hazard, user)
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行“更正隐患信息”操作"):
        workflow.amend(hazard, by=user, note="更正", location="二号车间")
    assert snapshot(hazard) == before


@pytest.mark.parametrize("state", ["closed", "void"])
def test_a_closed_or_voided_hazard_cannot_be_amended(personas, enterprise_a1, state):
    hazard = make_hazard(enterprise_a1, personas.inspector, state)
    before = snapshot(hazard)
    assert "amend" not in workflow.available_actions(hazard, personas.county)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.amend(hazard, by=personas.county, note="更正", location="二号车间")
    assert not isinstance(exc.value, workflow.NotAllowed | workflow.StaleTransition)
    assert "不能执行" in exc.value.message
    assert snapshot(hazard) == before


def test_a_stale_instance_is_refused_and_writes_no_event(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    stale = Hazard.objects.get(pk=hazard.pk)
    workflow.amend(hazard, by=personas.supervisor, note="更正部位", location="二号车间")
    before = snapshot(hazard)
    with pytest.raises(workflow.StaleTransition, match="该隐患已被他人处理"):
        workflow.amend(stale, by=personas.county, note="更正描述", description="另一种说法")
    assert snapshot(hazard) == before
    assert Hazard.objects.get(pk=hazard.pk).location == "二号车间"


def test_nothing_changed_is_refused(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.amend(
            hazard,
            by=personas.supervisor,
            note="复核",
            description=f"  {hazard.description} ",
            location=hazard.location,
        )
    assert exc.value.message == "没有需要更正的内容。"
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    "facts",
    [
        {"basis_standard": ""},
        {"basis_clause": "   "},
        {"basis_standard": "", "basis_clause": ""},
    ],
)
def test_the_basis_of_a_major_hazard_cannot_be_emptied(personas, enterprise_a1, facts):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found", level="major")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.amend(hazard, by=personas.county, note="更正", **facts)
    assert "判定依据" in exc.value.message
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"note": ""}, "请填写更正理由。"),
        ({"description": " "}, "请填写隐患描述。"),
        ({"category": "nonsense"}, "请选择隐患类别。"),
        ({"subject": "nonsense"}, "请选择专业类别。"),
        ({"funds_yuan": "-1"}, "整改资金不能为负数。"),
        ({"funds_yuan": "abc"}, "整改资金须为数字（元）。"),
        ({"measures": ""}, "请填写整改措施。"),
        ({"level": "general"}, "隐患等级、状态和日期不能在此更正（level）。"),
        ({"deadline": "2030-01-01"}, "隐患等级、状态和日期不能在此更正（deadline）。"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    personas, enterprise_a1, facts, message
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    kwargs = {"note": "更正", "location": "二号车间", **facts}
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.amend(hazard, by=personas.supervisor, **kwargs)
    assert exc.value.message == message
    assert snapshot(hazard) == before


def test_the_plan_of_a_major_hazard_keeps_its_funds_and_contingency_plan(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    before = snapshot(hazard)
    for facts, refusal in (
        ({"funds_yuan": None}, "重大隐患治理方案须写明整改资金"),
        ({"contingency_plan": ""}, "重大隐患治理方案须写明应急预案"),
    ):
        with pytest.raises(workflow.WorkflowError, match=refusal):
            workflow.amend(hazard, by=personas.county, note="更正", **facts)
    assert snapshot(hazard) == before


# --- the page -------------------------------------------------------------------------------


def form_data(hazard, **changes):
    from hazards.views import version_of

    data = {
        "seen": version_of(hazard),
        "description": hazard.description,
        "location": hazard.location,
        "category": hazard.category,
        "subject": hazard.subject,
        "basis_standard": hazard.basis_standard,
        "basis_clause": hazard.basis_clause,
        "stop_scope": hazard.stop_scope,
        "measures": hazard.measures,
        "responsible_person": hazard.responsible_person,
        "funds_yuan": "" if hazard.funds_yuan is None else str(hazard.funds_yuan),
        "contingency_plan": hazard.contingency_plan,
        "note": "补录判定依据",
    }
    return {**data, **changes}


def test_the_detail_page_offers_the_amend_form_prefilled(client, personas, enterprise_a1):
    hazard = imported_major(enterprise_a1, personas.county)
    login(client, personas.county)
    response = client.get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("hazards:amend", args=[hazard.pk]) in html
    assert 'id="id_amend_basis_standard"' in html
    assert 'id="id_amend_measures"' in html
    assert "加装泄漏报警并联锁</textarea>" in html
    assert 'id="id_amend_responsible_person"' in html and 'value="王厂长"' in html


def test_the_detail_page_does_not_offer_amend_to_an_inspector(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, personas.inspector)
    response = client.get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 200
    assert reverse("hazards:amend", args=[hazard.pk]) not in response.content.decode()


def test_a_county_officer_amends_from_the_page(client, personas, enterprise_a1):
    hazard = imported_major(enterprise_a1, personas.county)
    login(client, personas.county)
    response = client.post(reverse("hazards:amend", args=[hazard.pk]), form_data(hazard, **BASIS))
    assert response.status_code == 302
    assert response.url == reverse("hazards:detail", args=[hazard.pk])
    hazard.refresh_from_db()
    assert (hazard.basis_standard, hazard.basis_clause) == tuple(BASIS.values())
    event = HazardEvent.objects.filter(hazard=hazard).latest("at", "id")
    assert event.action == "amend"
    assert event.data["before"] == {"basis_clause": "", "basis_standard": ""}
    page = client.get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "更正隐患信息" in page
    assert "判定依据（标准）：— → 《重大事故隐患判定标准》" in page


def test_an_unchanged_form_answers_400_and_changes_nothing(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    before = snapshot(hazard)
    login(client, personas.supervisor)
    response = client.post(reverse("hazards:amend", args=[hazard.pk]), form_data(hazard))
    assert response.status_code == 400
    assert "没有需要更正的内容。" in response.content.decode()
    assert snapshot(hazard) == before


def test_an_inspector_gets_403(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    before = snapshot(hazard)
    login(client, personas.inspector)
    response = client.post(
        reverse("hazards:amend", args=[hazard.pk]), form_data(hazard, location="二号车间")
    )
    assert response.status_code == 403
    assert snapshot(hazard) == before


def test_another_townships_supervisor_gets_404(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    before = snapshot(hazard)
    login(client, personas.other_supervisor)
    response = client.post(
        reverse("hazards:amend", args=[hazard.pk]), form_data(hazard, location="二号车间")
    )
    assert response.status_code == 404
    assert snapshot(hazard) == before


def test_a_form_from_before_another_change_answers_409(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    data = form_data(hazard, location="二号车间")
    workflow.amend(hazard, by=personas.county, note="更正描述", description="电线裸露")
    before = snapshot(hazard)
    login(client, personas.supervisor)
    response = client.post(reverse("hazards:amend", args=[hazard.pk]), data)
    assert response.status_code == 409
    assert snapshot(hazard) == before
