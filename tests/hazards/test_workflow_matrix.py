"""Every state × every page action × every role: allowed, or refused with nothing changed.

The expected table below is written out by hand from docs/domain.md, not derived from
``workflow.RULES``, so a change of the rules has to change this table too.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hazards import workflow
from hazards.models import Hazard, HazardEvent, HazardPhoto, Status, SupervisionOrder
from tests.factories import make_criterion, make_hazard, make_standard, processed_photo

S = Status
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def _requested(enterprise, personas):
    hazard = make_hazard(enterprise, personas.inspector, "deadline")
    workflow.request_extension(
        hazard, by=personas.inspector, until=hazard.deadline + 10 * DAY, reason="等待配件"
    )
    return hazard


def _hinted(enterprise, personas):
    """A 一般 hazard whose description carries the keywords of two library items: two
    hints "可能构成重大事故隐患" to confirm or dismiss."""
    standard = make_standard("HINT")
    make_criterion(standard, "（一）", keywords="测试提示甲")
    make_criterion(standard, "（二）", keywords="测试提示乙")
    return make_hazard(enterprise, personas.inspector, description="测试提示甲和测试提示乙的情形")


# Scenario name → builder(enterprise, personas). FIXED hazards are reported by the inspector.
SCENARIOS = {
    "found": lambda e, p: make_hazard(e, p.inspector),
    "found_hinted": _hinted,
    "found_major": lambda e, p: make_hazard(e, p.inspector, level="major"),
    "deadline": lambda e, p: make_hazard(e, p.inspector, "deadline"),
    "deadline_overdue": lambda e, p: make_hazard(
        e, p.inspector, "deadline", at=timezone.now() - 40 * DAY
    ),
    "deadline_extension_requested": _requested,
    "deadline_major": lambda e, p: make_hazard(e, p.inspector, "deadline", level="major"),
    "fixed": lambda e, p: make_hazard(e, p.inspector, "fixed"),
    "fixed_major": lambda e, p: make_hazard(e, p.inspector, "fixed", level="major"),
    "closed": lambda e, p: make_hazard(e, p.inspector, "closed"),
    "void": lambda e, p: make_hazard(e, p.inspector, "void"),
}

ROLES = ["inspector", "supervisor", "county", "admin", "other_supervisor"]
ACTIONS = [
    "set_deadline",
    "request_extension",
    "approve_extension",
    "decline_extension",
    "extend_deadline",
    "report_fixed",
    "reject_fix",
    "close_out",
    "refer_to_county",
    "issue_order",
    "void",
    "amend",
    "acknowledge",  # the enterprise's own account only: no role of this table
    "answer_major_hint",
]

INS, SUP, C = "inspector", "supervisor", "county"
FIELD = {INS, SUP, C}
BOSSES = {SUP, C}

# (scenario, action) → the personas who may take it. Anything not listed: nobody.
ALLOWED = {
    ("found", "set_deadline"): FIELD,
    ("found", "report_fixed"): FIELD,  # 立查立改 after registration
    ("found", "void"): BOSSES,
    ("found_hinted", "set_deadline"): FIELD,
    ("found_hinted", "report_fixed"): FIELD,
    ("found_hinted", "void"): BOSSES,
    ("found_hinted", "amend"): BOSSES,
    # 可能构成重大事故隐患: only a 一般 hazard whose text matches a library item's keywords.
    ("found_hinted", "answer_major_hint"): FIELD,
    ("found_major", "set_deadline"): FIELD,
    ("found_major", "refer_to_county"): {SUP},
    ("found_major", "issue_order"): BOSSES,
    ("found_major", "void"): BOSSES,
    ("deadline", "request_extension"): {INS},
    ("deadline", "extend_deadline"): BOSSES,
    ("deadline", "report_fixed"): FIELD,
    ("deadline", "void"): BOSSES,
    ("deadline_overdue", "request_extension"): {INS},
    ("deadline_overdue", "extend_deadline"): BOSSES,
    ("deadline_overdue", "report_fixed"): FIELD,
    ("deadline_overdue", "issue_order"): BOSSES,
    ("deadline_overdue", "void"): BOSSES,
    ("deadline_extension_requested", "approve_extension"): BOSSES,
    ("deadline_extension_requested", "decline_extension"): BOSSES,
    ("deadline_extension_requested", "extend_deadline"): BOSSES,
    ("deadline_extension_requested", "report_fixed"): FIELD,
    ("deadline_extension_requested", "void"): BOSSES,
    ("deadline_major", "request_extension"): {INS},
    ("deadline_major", "extend_deadline"): BOSSES,
    ("deadline_major", "report_fixed"): FIELD,
    ("deadline_major", "refer_to_county"): {SUP},
    ("deadline_major", "issue_order"): BOSSES,
    ("deadline_major", "void"): BOSSES,
    ("fixed", "reject_fix"): BOSSES,
    ("fixed", "close_out"): BOSSES,  # the inspector reported the fix: never the closer
    ("fixed", "void"): BOSSES,
    ("fixed_major", "reject_fix"): BOSSES,
    ("fixed_major", "close_out"): {C},
    ("fixed_major", "refer_to_county"): {SUP},
    ("fixed_major", "void"): BOSSES,
    # 更正隐患信息: supervisors correct the facts of any open hazard (not CLOSED/VOID).
    ("found", "amend"): BOSSES,
    ("found_major", "amend"): BOSSES,
    ("deadline", "amend"): BOSSES,
    ("deadline_overdue", "amend"): BOSSES,
    ("deadline_extension_requested", "amend"): BOSSES,
    ("deadline_major", "amend"): BOSSES,
    ("fixed", "amend"): BOSSES,
    ("fixed_major", "amend"): BOSSES,
}

TARGET = {
    "set_deadline": S.DEADLINE,
    "report_fixed": S.FIXED,
    "reject_fix": S.DEADLINE,
    "close_out": S.CLOSED,
    "void": S.VOID,
}


def _call(action, hazard, user):
    today = timezone.localdate()
    later = max(hazard.deadline or today, today) + 10 * DAY
    calls = {
        "set_deadline": lambda: workflow.set_deadline(
            hazard,
            by=user,
            deadline=today + 30 * DAY,
            measures="更换接地线",
            responsible_person="王厂长",
            funds_yuan=1000,
            contingency_plan="停用配电箱",
        ),
        "request_extension": lambda: workflow.request_extension(
            hazard, by=user, until=later, reason="等待配件"
        ),
        "approve_extension": lambda: workflow.approve_extension(hazard, by=user, note="同意"),
        "decline_extension": lambda: workflow.decline_extension(hazard, by=user, note="不同意"),
        "extend_deadline": lambda: workflow.extend_deadline(
            hazard, by=user, until=later, reason="汛期停工"
        ),
        "report_fixed": lambda: workflow.report_fixed(
            hazard, by=user, fixed_on=today, note="已整改", after_photos=[processed_photo()]
        ),
        "reject_fix": lambda: workflow.reject_fix(
            hazard, by=user, new_deadline=today + 20 * DAY, note="复查不合格"
        ),
        "close_out": lambda: workflow.close_out(
            hazard, by=user, acceptance_note="复查合格", evidence_photos=[processed_photo()]
        ),
        "refer_to_county": lambda: workflow.refer_to_county(hazard, by=user, note="请县局验收"),
        "issue_order": lambda: workflow.issue_order(
            hazard, by=user, deadline=today + 7 * DAY, requirements="限期整改到位"
        ),
        "void": lambda: workflow.void(hazard, by=user, reason="误报"),
        "amend": lambda: workflow.amend(hazard, by=user, note="部位登记有误", location="二号车间"),
        "acknowledge": lambda: workflow.acknowledge(hazard, by=user, note="已收到"),
        "answer_major_hint": lambda: workflow.answer_major_hint(
            hazard,
            by=user,
            criterion=next(iter(workflow.major_hints(hazard)), None) or make_criterion(),
            decision="dismiss",
            note="不构成重大隐患",
        ),
    }
    return calls[action]()


def _snapshot(hazard):
    return (
        Hazard.objects.filter(pk=hazard.pk).values().get(),
        HazardEvent.objects.filter(hazard_id=hazard.pk).count(),
        HazardPhoto.objects.filter(hazard_id=hazard.pk).count(),
        SupervisionOrder.objects.filter(hazard_id=hazard.pk).count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_action_is_allowed_exactly_where_design_says(
    personas, enterprise_a1, scenario, action, role
):
    hazard = SCENARIOS[scenario](enterprise_a1, personas)
    user = getattr(personas, role)
    allowed = role in ALLOWED.get((scenario, action), set())
    offered = action in workflow.available_actions(hazard, user)
    assert offered == allowed, "available_actions disagrees with the table"
    source = hazard.status
    before = _snapshot(hazard)
    if allowed:
        _call(action, hazard, user)
        hazard.refresh_from_db()
        assert hazard.status == TARGET.get(action, source)
        last = HazardEvent.objects.filter(hazard=hazard).order_by("-at", "-id").first()
        assert (last.action, last.from_status, last.to_status, last.actor) == (
            action,
            source,
            hazard.status,
            user,
        )
        assert HazardEvent.objects.filter(hazard=hazard).count() == before[1] + 1
        return
    expected = Http404 if role == "other_supervisor" else (workflow.WorkflowError,)
    with pytest.raises(expected) as exc:
        _call(action, hazard, user)
    if role == "admin":
        assert isinstance(exc.value, workflow.NotAllowed)
    if isinstance(exc.value, workflow.WorkflowError):
        assert exc.value.message
        assert not isinstance(exc.value, workflow.StaleTransition)
    assert _snapshot(hazard) == before


def test_the_table_names_only_known_scenarios_actions_and_roles():
    for scenario, action in ALLOWED:
        assert scenario in SCENARIOS
        assert action in ACTIONS
    assert set(ACTIONS) == set(workflow.PAGE_ACTIONS)
    assert all(r in ROLES for who in ALLOWED.values() for r in who)


def test_a_user_without_a_role_is_refused(personas, enterprise_a1, django_user_model):
    from grid.models import Assignment

    nobody = django_user_model.objects.create_user("nobody", password="x")
    Assignment.objects.create(user=nobody, cell=enterprise_a1.cell)
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    before = _snapshot(hazard)
    assert workflow.available_actions(hazard, nobody) == []
    # The scope check's bare 403, or the workflow's role refusal.
    with pytest.raises((PermissionDenied, workflow.NotAllowed), match="^$|您的角色不能执行"):
        _call("close_out", hazard, nobody)
    assert _snapshot(hazard) == before
