"""A stale instance never lands: the hazard is loaded twice, one copy acts, the other is
refused with StaleTransition and writes nothing (healthchecks-style, deterministic)."""

import pytest
import time_machine
from django.utils import timezone

from hazards import workflow
from hazards.models import Hazard, HazardEvent, HazardPhoto, SupervisionOrder
from tests.hazards.test_workflow_matrix import SCENARIOS, _call

pytestmark = pytest.mark.django_db


# action → (scenario, first actor, second actor)
CASES = {
    "set_deadline": ("found", "inspector", "inspector2"),
    "request_extension": ("deadline", "inspector", "inspector2"),
    "approve_extension": ("deadline_extension_requested", "supervisor", "supervisor2"),
    "decline_extension": ("deadline_extension_requested", "supervisor", "supervisor2"),
    "extend_deadline": ("deadline", "supervisor", "supervisor2"),
    "report_fixed": ("deadline", "inspector", "inspector2"),
    "reject_fix": ("fixed", "supervisor", "supervisor2"),
    "close_out": ("fixed", "supervisor", "supervisor2"),
    "refer_to_county": ("fixed_major", "supervisor", "supervisor2"),
    "issue_order": ("deadline_overdue", "supervisor", "supervisor2"),
    "void": ("deadline", "supervisor", "supervisor2"),
    "amend": ("fixed_major", "supervisor", "county"),
    # Two hints: the second copy answers the other one, and meets the first copy's change.
    "answer_major_hint": ("found_hinted", "inspector", "inspector2"),
}


def _written(hazard_id):
    return (
        Hazard.objects.filter(pk=hazard_id).values().get(),
        HazardEvent.objects.filter(hazard_id=hazard_id).count(),
        HazardPhoto.objects.filter(hazard_id=hazard_id).count(),
        SupervisionOrder.objects.filter(hazard_id=hazard_id).count(),
    )


# 签收 (the enterprise's own account) has its own stale case, with an enterprise persona:
# tests/hazards/test_enterprise_actions.py::test_acknowledging_a_stale_copy_is_refused_and_writes_nothing
ELSEWHERE = {"acknowledge"}


def test_every_page_action_has_a_stale_case():
    assert set(CASES) | ELSEWHERE == set(workflow.PAGE_ACTIONS)


@pytest.mark.parametrize("frozen", [False, True], ids=["clock_running", "clock_frozen"])
@pytest.mark.parametrize("action", list(CASES))
def test_the_second_of_two_copies_is_refused_as_stale_and_writes_nothing(
    personas, enterprise_a1, action, frozen
):
    scenario, first, second = CASES[action]
    with time_machine.travel(timezone.now(), tick=not frozen):
        hazard = SCENARIOS[scenario](enterprise_a1, personas)
        one = Hazard.objects.get(pk=hazard.pk)
        two = Hazard.objects.get(pk=hazard.pk)
        _call(action, one, getattr(personas, first))
        after_first = _written(hazard.pk)
        with pytest.raises(workflow.StaleTransition) as exc:
            _call(action, two, getattr(personas, second))
    assert "刷新" in exc.value.message
    assert exc.value.status_code == 409
    assert _written(hazard.pk) == after_first


@pytest.mark.parametrize(
    ("scenario", "first", "second"),
    [
        ("fixed", ("void", "supervisor"), ("close_out", "supervisor2")),
        ("fixed", ("reject_fix", "supervisor"), ("close_out", "supervisor2")),
        ("deadline", ("report_fixed", "inspector"), ("extend_deadline", "supervisor")),
        ("deadline_extension_requested", ("extend_deadline", "supervisor"), None),
        ("deadline_overdue", ("extend_deadline", "supervisor"), ("issue_order", "supervisor2")),
    ],
)
def test_a_copy_made_stale_by_another_action_is_refused_too(
    personas, enterprise_a1, scenario, first, second
):
    hazard = SCENARIOS[scenario](enterprise_a1, personas)
    one = Hazard.objects.get(pk=hazard.pk)
    two = Hazard.objects.get(pk=hazard.pk)
    _call(first[0], one, getattr(personas, first[1]))
    after_first = _written(hazard.pk)
    second = second or ("approve_extension", "supervisor2")
    with pytest.raises(workflow.StaleTransition, match="该隐患已被他人处理"):
        _call(second[0], two, getattr(personas, second[1]))
    assert _written(hazard.pk) == after_first
