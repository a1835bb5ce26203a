"""The rules of docs/domain.md, one test each: who may do what, with what, and what it records."""

import datetime

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from hazards import workflow
from hazards.models import Hazard, HazardEvent, HazardPhoto, Level, Status, SupervisionOrder
from inspections.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from tests.factories import make_hazard, processed_photo

S = Status
pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def events(hazard):
    return list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id"))


def snapshot(hazard):
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    return row, HazardEvent.objects.filter(hazard_id=hazard.pk).count()


def deadline_kwargs(**overrides):
    return {
        "deadline": today() + 10 * DAY,
        "measures": "更换接地线",
        "responsible_person": "王厂长",
        "funds_yuan": 3000,
        "contingency_plan": "停用配电箱，设置警示标志",
        **overrides,
    }


def major_ready_to_close(enterprise, inspector, county):
    """A major hazard with its 判定依据 and full plan, reported fixed with an after-photo."""
    hazard = make_hazard(enterprise, inspector, "deadline", level="major")
    workflow.report_fixed(
        hazard, by=inspector, fixed_on=today(), note="已整改", after_photos=[processed_photo()]
    )
    return hazard


# --- register -------------------------------------------------------------------------------


def test_registering_a_hazard_numbers_it_by_year_and_writes_one_event(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    assert hazard.status == S.FOUND
    assert hazard.number == f"YH{today().year}-000001"
    assert hazard.township_id == enterprise_a1.township_id
    assert hazard.cell_id == enterprise_a1.cell_id
    [event] = events(hazard)
    assert (event.action, event.from_status, event.to_status) == ("register", "", S.FOUND)
    assert event.actor == personas.inspector


def test_registering_fixed_on_the_spot_writes_two_events_register_and_report_fixed(
    personas, enterprise_a1
):
    """立查立改 is two transitions in one call: FOUND (register) then FIXED (report_fixed)."""
    hazard = workflow.register(
        enterprise=enterprise_a1,
        by=personas.inspector,
        level=Level.GENERAL,
        category="condition",
        description="灭火器过期",
        found_on=today(),
        fixed_on_spot=True,
        fix_note="当场更换灭火器",
        after_photos=[processed_photo()],
    )
    assert hazard.status == S.FIXED
    assert hazard.fixed_on == today()
    assert [(e.action, e.from_status, e.to_status) for e in events(hazard)] == [
        ("register", "", S.FOUND),
        ("report_fixed", S.FOUND, S.FIXED),
    ]
    assert hazard.photos.filter(kind=HazardPhoto.Kind.AFTER).count() == 1


def test_fixed_on_the_spot_needs_an_after_photo(personas, enterprise_a1):
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.register(
            enterprise=enterprise_a1,
            by=personas.inspector,
            level=Level.GENERAL,
            category="condition",
            description="灭火器过期",
            found_on=today(),
            fixed_on_spot=True,
        )
    assert "照片" in exc.value.message
    assert not Hazard.objects.exists()


def test_a_major_hazard_cannot_be_fixed_on_the_spot(personas, enterprise_a1):
    with pytest.raises(workflow.WorkflowError, match="重大隐患不能立查立改"):
        workflow.register(
            enterprise=enterprise_a1,
            by=personas.inspector,
            level=Level.MAJOR,
            category="condition",
            description="粉尘涉爆除尘系统未设置泄爆装置",
            found_on=today(),
            basis_standard="工贸行业重大事故隐患判定标准",
            basis_clause="第三条",
            fixed_on_spot=True,
            after_photos=[processed_photo()],
        )
    assert not Hazard.objects.exists()


def test_a_major_hazard_needs_its_basis_when_registered(personas, enterprise_a1):
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.register(
            enterprise=enterprise_a1,
            by=personas.inspector,
            level=Level.MAJOR,
            category="condition",
            description="粉尘涉爆",
            found_on=today(),
        )
    assert "判定依据" in exc.value.message


@pytest.mark.parametrize(
    ("field", "value"), [("category", "nonsense"), ("subject", "nonsense"), ("level", "big")]
)
def test_registering_with_an_unknown_choice_is_refused_with_a_message(
    personas, enterprise_a1, field, value
):
    kwargs = {
        "level": Level.GENERAL,
        "category": "condition",
        "subject": "fire",
        field: value,
    }
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.register(
            enterprise=enterprise_a1,
            by=personas.inspector,
            description="配电箱未接地",
            found_on=today(),
            **kwargs,
        )
    assert exc.value.message.startswith("请选择")
    assert not Hazard.objects.exists()


def test_a_found_date_in_the_future_is_refused(personas, enterprise_a1):
    with pytest.raises(workflow.WorkflowError, match="发现日期不能晚于今天"):
        make_hazard(enterprise_a1, personas.inspector, found_on=today() + DAY)


def test_registering_at_an_enterprise_outside_the_scope_is_not_found(personas, enterprise_b):
    with pytest.raises(Http404, match="not found"):
        make_hazard(enterprise_b, personas.inspector)
    assert not Hazard.objects.exists()


def test_an_administrator_cannot_register_hazards(personas, enterprise_a1):
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行“登记隐患”操作"):
        make_hazard(enterprise_a1, personas.admin)


# --- recurrence -----------------------------------------------------------------------------


@pytest.fixture
def checklist_item():
    template = ChecklistTemplate.objects.create(name="工贸企业检查表")
    category = ChecklistCategory.objects.create(template=template, number=1, name="电气安全")
    return ChecklistItem.objects.create(category=category, number=1, text="配电箱接地良好")


def _closed_on(enterprise, personas, item, closed_on):
    at = timezone.make_aware(datetime.datetime.combine(closed_on, datetime.time(10)))
    return make_hazard(
        enterprise,
        personas.supervisor,
        "closed",
        at=at,
        fixed_on=closed_on,
        checklist_item=item,
        closer=personas.supervisor2,
    )


def test_a_hazard_of_the_same_item_within_90_days_of_a_close_out_is_flagged(
    personas, enterprise_a1, checklist_item
):
    earlier = _closed_on(enterprise_a1, personas, checklist_item, today() - 90 * DAY)
    assert earlier.closed_on == today() - 90 * DAY
    again = make_hazard(enterprise_a1, personas.inspector, checklist_item=checklist_item)
    assert again.is_recurrence is True
    assert events(again)[0].data["is_recurrence"] is True


def test_a_hazard_of_the_same_item_91_days_after_the_close_out_is_not_flagged(
    personas, enterprise_a1, checklist_item
):
    _closed_on(enterprise_a1, personas, checklist_item, today() - 91 * DAY)
    again = make_hazard(enterprise_a1, personas.inspector, checklist_item=checklist_item)
    assert again.is_recurrence is False


def test_recurrence_counts_only_the_same_enterprise_and_the_same_item(
    personas, enterprise_a1, enterprise_a2, checklist_item
):
    _closed_on(enterprise_a2, personas, checklist_item, today() - 5 * DAY)
    other_item = ChecklistItem.objects.create(
        category=checklist_item.category, number=2, text="电缆无破损"
    )
    _closed_on(enterprise_a1, personas, other_item, today() - 5 * DAY)
    again = make_hazard(enterprise_a1, personas.inspector, checklist_item=checklist_item)
    assert again.is_recurrence is False


def test_an_open_hazard_of_the_same_item_is_not_a_recurrence(
    personas, enterprise_a1, checklist_item
):
    make_hazard(enterprise_a1, personas.inspector, "fixed", checklist_item=checklist_item)
    again = make_hazard(enterprise_a1, personas.inspector, checklist_item=checklist_item)
    assert again.is_recurrence is False


# --- deadline and extensions ----------------------------------------------------------------


def test_setting_the_deadline_keeps_it_as_the_original_deadline(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    workflow.set_deadline(hazard, by=personas.inspector, **deadline_kwargs())
    assert hazard.status == S.DEADLINE
    assert hazard.deadline == hazard.original_deadline == today() + 10 * DAY
    event = events(hazard)[-1]
    assert event.data["deadline"] == (today() + 10 * DAY).isoformat()
    assert event.data["measures"] == "更换接地线"


def test_a_deadline_before_today_is_refused(personas, enterprise_a1):
    # Found earlier, so yesterday is after the found date and only "before today" refuses.
    hazard = make_hazard(enterprise_a1, personas.inspector, found_on=today() - 10 * DAY)
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError, match="整改期限不能早于今天"):
        workflow.set_deadline(
            hazard, by=personas.inspector, **deadline_kwargs(deadline=today() - DAY)
        )
    assert snapshot(hazard) == before


def test_a_major_hazard_plan_needs_funds_and_a_contingency_plan(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, level="major")
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.set_deadline(hazard, by=personas.inspector, **deadline_kwargs(funds_yuan=None))
    assert "资金" in exc.value.message
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.set_deadline(
            hazard, by=personas.inspector, **deadline_kwargs(contingency_plan=" ")
        )
    assert "预案" in exc.value.message


def test_negative_or_unreadable_funds_are_refused_with_a_message(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    for funds in (-1, "很多"):
        with pytest.raises(workflow.WorkflowError) as exc:
            workflow.set_deadline(
                hazard, by=personas.inspector, **deadline_kwargs(funds_yuan=funds)
            )
        assert "资金" in exc.value.message
    assert hazard.status == S.FOUND


def test_an_approved_extension_moves_the_deadline_and_keeps_the_original(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    original = hazard.deadline
    workflow.request_extension(
        hazard, by=personas.inspector, until=original + 20 * DAY, reason="等待配件"
    )
    assert hazard.deadline == original
    assert hazard.extension_requested_until == original + 20 * DAY
    workflow.approve_extension(hazard, by=personas.supervisor, note="同意")
    assert hazard.status == S.DEADLINE
    assert hazard.deadline == original + 20 * DAY
    assert hazard.original_deadline == original
    assert hazard.extension_requested_until is None
    assert events(hazard)[-1].data["previous_deadline"] == original.isoformat()


def test_a_declined_extension_keeps_the_deadline(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    original = hazard.deadline
    workflow.request_extension(
        hazard, by=personas.inspector, until=original + 20 * DAY, reason="等待配件"
    )
    with pytest.raises(workflow.WorkflowError, match="请填写不予延期的理由"):
        workflow.decline_extension(hazard, by=personas.supervisor, note="")
    workflow.decline_extension(hazard, by=personas.supervisor, note="配件可就近采购")
    assert hazard.deadline == original
    assert hazard.extension_requested_until is None


def test_a_supervisor_extends_directly_and_the_original_deadline_stays(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    original = hazard.deadline
    workflow.extend_deadline(
        hazard, by=personas.supervisor, until=original + 5 * DAY, reason="汛期停工"
    )
    workflow.extend_deadline(
        hazard, by=personas.supervisor, until=original + 9 * DAY, reason="再次延期"
    )
    assert hazard.deadline == original + 9 * DAY
    assert hazard.original_deadline == original


def test_an_extension_to_a_date_already_past_is_refused(personas, enterprise_a1):
    """An overdue hazard extended to yesterday would still be overdue: refuse it."""
    at = timezone.now() - 40 * DAY
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at)
    assert hazard.is_overdue()
    past = today() - DAY
    assert past > hazard.deadline
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError, match="延期后的期限不能早于今天"):
        workflow.extend_deadline(hazard, by=personas.supervisor, until=past, reason="补办")
    with pytest.raises(workflow.WorkflowError, match="延期后的期限不能早于今天"):
        workflow.request_extension(hazard, by=personas.inspector, until=past, reason="补办")
    assert snapshot(hazard) == before


def test_an_extension_request_whose_date_has_passed_cannot_be_approved(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    workflow.request_extension(
        hazard, by=personas.inspector, until=hazard.deadline + DAY, reason="等待配件"
    )
    with time_machine.travel(hazard.deadline + 5 * DAY, tick=False):
        with pytest.raises(workflow.WorkflowError, match="申请延期的日期已过"):
            workflow.approve_extension(hazard, by=personas.supervisor)
        workflow.decline_extension(hazard, by=personas.supervisor, note="申请已过期")
    assert hazard.extension_requested_until is None


def test_an_inspector_cannot_extend_a_deadline_and_a_supervisor_need_not_ask(
    personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行“延期”操作"):
        workflow.extend_deadline(
            hazard, by=personas.inspector, until=hazard.deadline + DAY, reason="x"
        )
    with pytest.raises(workflow.NotAllowed, match="您的角色不能执行“申请延期”操作"):
        workflow.request_extension(
            hazard, by=personas.supervisor, until=hazard.deadline + DAY, reason="x"
        )


def test_a_second_extension_request_waits_for_the_first(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    workflow.request_extension(
        hazard, by=personas.inspector, until=hazard.deadline + DAY, reason="等待配件"
    )
    with pytest.raises(workflow.WorkflowError, match="已有一条待审批的延期申请"):
        workflow.request_extension(
            hazard, by=personas.inspector2, until=hazard.deadline + 2 * DAY, reason="x"
        )


# --- report fixed and reject ----------------------------------------------------------------


def test_reporting_a_fix_needs_an_after_photo(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.report_fixed(
            hazard, by=personas.inspector, fixed_on=today(), note="已整改", after_photos=[]
        )
    assert "照片" in exc.value.message
    assert snapshot(hazard) == before


def test_a_fix_dated_in_the_future_or_before_the_find_is_refused(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    for fixed_on, refusal in (
        (today() + DAY, "整改完成日期不能晚于今天"),
        (hazard.found_on - DAY, "整改完成日期不能早于发现日期"),
    ):
        with pytest.raises(workflow.WorkflowError, match=refusal):
            workflow.report_fixed(
                hazard,
                by=personas.inspector,
                fixed_on=fixed_on,
                note="已整改",
                after_photos=[processed_photo()],
            )
    assert hazard.status == S.DEADLINE


def test_a_major_hazard_cannot_skip_its_plan_by_being_reported_fixed_from_found(
    personas, enterprise_a1, enterprise_a2
):
    """Without the 五定 a major hazard could never be closed: the fix must wait for the plan."""
    hazard = make_hazard(enterprise_a1, personas.inspector, level="major")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.report_fixed(
            hazard,
            by=personas.inspector,
            fixed_on=today(),
            note="已整改",
            after_photos=[processed_photo()],
        )
    assert "治理方案" in exc.value.message
    assert snapshot(hazard) == before
    assert "report_fixed" not in workflow.available_actions(hazard, personas.inspector)
    general = make_hazard(enterprise_a2, personas.supervisor)
    assert "report_fixed" in workflow.available_actions(general, personas.supervisor)


def test_rejecting_a_fix_clears_the_fix_and_sets_a_new_deadline(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    original = hazard.original_deadline
    workflow.reject_fix(
        hazard, by=personas.supervisor, new_deadline=today() + 7 * DAY, note="接地电阻不合格"
    )
    assert hazard.status == S.DEADLINE
    assert hazard.fixed_on is None
    assert hazard.fixed_by is None
    assert hazard.fix_note == ""
    assert hazard.deadline == today() + 7 * DAY
    assert hazard.original_deadline == original
    event = events(hazard)[-1]
    assert (event.action, event.from_status, event.to_status) == (
        "reject_fix",
        S.FIXED,
        S.DEADLINE,
    )
    assert event.data["fixed_on"] is None


def test_rejecting_a_fix_needs_a_reason_and_a_deadline_not_in_the_past(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed", found_on=today() - 10 * DAY)
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError, match="请填写验收不通过的原因"):
        workflow.reject_fix(hazard, by=personas.supervisor, new_deadline=today(), note=" ")
    with pytest.raises(workflow.WorkflowError, match="整改期限不能早于今天"):
        workflow.reject_fix(
            hazard, by=personas.supervisor, new_deadline=today() - DAY, note="不合格"
        )
    assert snapshot(hazard) == before


def test_a_rejected_on_the_spot_fix_gets_its_first_deadline_as_the_original(
    personas, enterprise_a1
):
    hazard = workflow.register(
        enterprise=enterprise_a1,
        by=personas.inspector,
        level=Level.GENERAL,
        category="condition",
        description="灭火器过期",
        found_on=today(),
        fixed_on_spot=True,
        after_photos=[processed_photo()],
    )
    workflow.reject_fix(
        hazard, by=personas.supervisor, new_deadline=today() + 3 * DAY, note="型号不符"
    )
    assert hazard.deadline == hazard.original_deadline == today() + 3 * DAY


# --- close out ------------------------------------------------------------------------------


def test_the_reporter_of_a_fix_cannot_close_it_out(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.supervisor, "fixed")
    assert hazard.fixed_by == personas.supervisor
    before = snapshot(hazard)
    with pytest.raises(workflow.NotAllowed) as exc:
        workflow.close_out(hazard, by=personas.supervisor, acceptance_note="合格")
    assert "复查" in exc.value.message
    assert snapshot(hazard) == before
    assert "close_out" not in workflow.available_actions(hazard, personas.supervisor)
    workflow.close_out(hazard, by=personas.supervisor2, acceptance_note="合格")
    assert hazard.status == S.CLOSED
    assert hazard.closed_by == personas.supervisor2
    assert hazard.closed_on == today()


def test_closing_a_general_hazard_needs_an_acceptance_note(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    with pytest.raises(workflow.WorkflowError, match="请填写复查验收意见"):
        workflow.close_out(hazard, by=personas.supervisor, acceptance_note="  ")
    assert hazard.status == S.FIXED


def test_a_township_supervisor_cannot_close_a_major_hazard_but_can_refer_it(
    personas, enterprise_a1
):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    before = snapshot(hazard)
    with pytest.raises(workflow.NotAllowed) as exc:
        workflow.close_out(
            hazard,
            by=personas.supervisor,
            acceptance_note="合格",
            evidence_photos=[processed_photo()],
        )
    assert "县级" in exc.value.message
    assert snapshot(hazard) == before
    assert workflow.available_actions(hazard, personas.supervisor) == [
        "reject_fix",
        "refer_to_county",
        "void",
        "amend",
    ]
    workflow.refer_to_county(hazard, by=personas.supervisor, note="请县局验收")
    assert hazard.status == S.FIXED
    assert hazard.referred_at is not None
    with pytest.raises(workflow.WorkflowError, match="该重大隐患已移送县级"):
        workflow.refer_to_county(hazard, by=personas.supervisor2, note="再次移送")


def test_a_general_hazard_is_not_referred_to_the_county(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    with pytest.raises(workflow.WorkflowError, match="只有重大隐患需要移送县级"):
        workflow.refer_to_county(hazard, by=personas.supervisor, note="移送")


def test_the_county_closes_a_major_hazard_with_basis_plan_note_and_evidence(
    personas, enterprise_a1
):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    workflow.close_out(
        hazard,
        by=personas.county,
        acceptance_note="经专家评估，隐患已消除",
        evidence_photos=[processed_photo()],
    )
    assert hazard.status == S.CLOSED
    assert hazard.acceptance_note == "经专家评估，隐患已消除"
    assert hazard.photos.filter(kind=HazardPhoto.Kind.EVIDENCE).count() == 1
    event = events(hazard)[-1]
    assert (event.action, event.to_status, event.actor) == ("close_out", S.CLOSED, personas.county)
    assert event.photos.count() == 1


def test_the_after_photo_of_the_fix_is_enough_evidence_for_a_major_close_out(
    personas, enterprise_a1
):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    workflow.close_out(hazard, by=personas.county, acceptance_note="验收合格")
    assert hazard.status == S.CLOSED


@pytest.mark.parametrize(
    ("blank", "named"),
    [
        ("basis_standard", "判定依据"),
        ("basis_clause", "判定依据"),
        ("measures", "整改措施"),
        ("responsible_person", "整改责任人"),
        ("funds_yuan", "整改资金"),
        ("contingency_plan", "应急预案"),
    ],
)
def test_a_major_close_out_names_each_missing_item_and_changes_nothing(
    personas, enterprise_a1, blank, named
):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    # Fields editable on the hazard page (not workflow fields) may be emptied later.
    Hazard.objects.filter(pk=hazard.pk).update(**{blank: None if blank == "funds_yuan" else ""})
    hazard.refresh_from_db()
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="合格")
    assert named in exc.value.message
    assert snapshot(hazard) == before


def test_a_major_close_out_needs_the_acceptance_note(personas, enterprise_a1):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="")
    assert "验收/评估意见" in exc.value.message
    assert snapshot(hazard) == before


def test_a_major_close_out_without_any_photo_or_attachment_is_refused(personas, enterprise_a1):
    hazard = major_ready_to_close(enterprise_a1, personas.inspector, personas.county)
    HazardPhoto.objects.filter(hazard=hazard).update(kind=HazardPhoto.Kind.BEFORE)
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.county, acceptance_note="合格")
    assert "照片" in exc.value.message
    assert snapshot(hazard) == before


def test_a_second_close_out_gets_a_message_and_writes_no_event(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    workflow.close_out(hazard, by=personas.supervisor, acceptance_note="合格")
    count = HazardEvent.objects.count()
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.close_out(hazard, by=personas.supervisor2, acceptance_note="合格")
    assert "已销号" in exc.value.message
    assert HazardEvent.objects.count() == count


# --- void -----------------------------------------------------------------------------------


def test_voiding_needs_a_reason(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.void(hazard, by=personas.supervisor, reason="  ")
    assert "理由" in exc.value.message
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    "action",
    ["set_deadline", "report_fixed", "reject_fix", "close_out", "void", "refer_to_county"],
)
def test_a_voided_hazard_takes_no_further_action(personas, enterprise_a1, action):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    workflow.void(hazard, by=personas.supervisor, reason="重复登记")
    assert hazard.status == S.VOID
    assert hazard.void_reason == "重复登记"
    assert workflow.available_actions(hazard, personas.supervisor) == []
    assert workflow.available_actions(hazard, personas.county) == []
    # 移送县级 is a supervisor's action: the county user meets the role refusal first.
    refusal = "您的角色不能执行" if action == "refer_to_county" else "当前状态为“已作废”"
    with pytest.raises(workflow.WorkflowError, match=refusal):
        workflow.check(hazard, action, personas.county)


# --- supervision orders and overdue ---------------------------------------------------------


def test_a_supervision_order_is_refused_for_a_general_hazard_that_is_not_overdue(
    personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    before = snapshot(hazard)
    with pytest.raises(workflow.WorkflowError) as exc:
        workflow.issue_order(
            hazard, by=personas.supervisor, deadline=today() + 3 * DAY, requirements="立即整改"
        )
    assert "逾期" in exc.value.message
    assert snapshot(hazard) == before
    assert not SupervisionOrder.objects.exists()


def test_a_supervision_order_for_an_overdue_hazard_is_numbered_and_recorded(
    personas, enterprise_a1
):
    at = timezone.now() - 40 * DAY
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at)
    order = workflow.issue_order(
        hazard, by=personas.supervisor, deadline=today() + 3 * DAY, requirements="三日内整改"
    )
    assert order.number == f"DB{today().year}-0001"
    assert order.level == SupervisionOrder.IssuingLevel.TOWNSHIP
    assert order.township_id == hazard.township_id
    event = events(hazard)[-1]
    assert (event.action, event.from_status, event.to_status) == (
        "issue_order",
        S.DEADLINE,
        S.DEADLINE,
    )
    assert event.data["order"] == order.number


def test_a_major_hazard_can_be_listed_by_the_county(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    order = workflow.issue_order(
        hazard,
        by=personas.county,
        deadline=today() + 30 * DAY,
        requirements="挂牌督办",
        kind=SupervisionOrder.Kind.LISTING,
        document_number="县安办〔2026〕3号",
    )
    assert order.level == SupervisionOrder.IssuingLevel.COUNTY
    assert hazard.listing_level == "county"


def test_a_general_hazard_cannot_be_listed(personas, enterprise_a1):
    at = timezone.now() - 40 * DAY
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", at=at)
    with pytest.raises(workflow.WorkflowError, match="挂牌督办只适用于重大隐患"):
        workflow.issue_order(
            hazard,
            by=personas.county,
            deadline=today() + 30 * DAY,
            requirements="挂牌督办",
            kind=SupervisionOrder.Kind.LISTING,
        )
    assert not SupervisionOrder.objects.exists()


def test_overdue_is_decided_by_the_date_in_shanghai_not_in_utc(personas, enterprise_a1):
    """2026-03-01 00:30 in Shanghai is still 28 February in UTC."""
    with time_machine.travel(datetime.datetime(2026, 2, 20, 10, tzinfo=datetime.UTC)):
        hazard = make_hazard(
            enterprise_a1, personas.inspector, "deadline", deadline=datetime.date(2026, 2, 28)
        )
    with time_machine.travel("2026-02-28 23:30 +0800", tick=False):
        assert not hazard.is_overdue()
        assert not Hazard.objects.overdue().exists()
        assert "issue_order" not in workflow.available_actions(hazard, personas.supervisor)
    with time_machine.travel("2026-03-01 00:30 +0800", tick=False):
        assert timezone.now().date() == datetime.date(2026, 2, 28)
        assert hazard.is_overdue()
        assert hazard.overdue_days() == 1
        assert list(Hazard.objects.overdue()) == [hazard]
        assert "issue_order" in workflow.available_actions(hazard, personas.supervisor)
        order = workflow.issue_order(
            hazard,
            by=personas.supervisor,
            deadline=datetime.date(2026, 3, 1),
            requirements="当日整改",
        )
        assert order.issued_on == datetime.date(2026, 3, 1)


def test_the_close_out_date_is_the_local_date(personas, enterprise_a1):
    with time_machine.travel("2026-03-01 00:30 +0800", tick=False):
        hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
        workflow.close_out(hazard, by=personas.supervisor, acceptance_note="合格")
        assert hazard.closed_on == datetime.date(2026, 3, 1)
        assert hazard.fixed_on == datetime.date(2026, 3, 1)


# --- scope ----------------------------------------------------------------------------------


def test_a_user_of_another_township_gets_not_found_and_no_actions(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    before = snapshot(hazard)
    with pytest.raises(Http404, match="not found"):
        workflow.close_out(hazard, by=personas.other_supervisor, acceptance_note="合格")
    assert workflow.available_actions(hazard, personas.other_supervisor) == []
    assert snapshot(hazard) == before


def test_every_refusal_carries_a_chinese_message_and_its_http_status():
    assert workflow.WorkflowError("x").status_code == 400
    assert workflow.NotAllowed("x").status_code == 403
    assert workflow.StaleTransition("x").status_code == 409
    assert issubclass(workflow.StaleTransition, workflow.WorkflowError)
    assert str(workflow.label("close_out")) == "销号"


def test_the_history_of_a_fix_records_no_extension_fields_when_none_was_pending(
    personas, enterprise_a1
):
    hazard = make_hazard(enterprise_a1, personas.inspector, state="fixed")
    event = hazard.events.get(action="report_fixed")
    assert "extension_requested_until" not in event.data
    assert "extension_reason" not in event.data


def test_a_fix_withdraws_a_pending_extension_request_and_says_so(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, state="deadline")
    workflow.request_extension(
        hazard,
        by=personas.inspector,
        until=hazard.deadline + datetime.timedelta(days=10),
        reason="设备到货延迟",
    )
    workflow.report_fixed(
        hazard,
        by=personas.inspector,
        fixed_on=timezone.localdate(),
        note="已更换",
        after_photos=[processed_photo()],
    )
    hazard.refresh_from_db()
    assert hazard.extension_requested_until is None
    assert hazard.events.get(action="report_fixed").data["extension_requested_until"] is None
