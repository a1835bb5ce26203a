"""Random walks through the workflow (hypothesis): whatever people press, in any order,
the history and the status never disagree.

Invariants checked after every step:
- the status always equals the last event's ``to_status``;
- a successful call appends exactly one event; ``register`` with ``fixed_on_spot`` is
  the one call that appends two (register: → FOUND, then report_fixed: FOUND → FIXED);
- a refused call changes neither the row nor the history;
- CLOSED and VOID are terminal: nothing succeeds from them;
- every event goes from the previous event's ``to_status``.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazards import workflow
from hazards.models import TERMINAL_STATES, Hazard, HazardEvent, Level
from tests.factories import processed_photo
from tests.hazards.test_workflow_matrix import ACTIONS, ROLES, _call

pytestmark = pytest.mark.django_db

REFUSALS = (workflow.WorkflowError, Http404, PermissionDenied)
ACTORS = [*ROLES, "inspector2", "supervisor2"]


def _state(hazard):
    return (
        Hazard.objects.filter(pk=hazard.pk).values().get(),
        list(
            HazardEvent.objects.filter(hazard_id=hazard.pk)
            .order_by("at", "id")
            .values_list("action", "from_status", "to_status")
        ),
    )


def _register(enterprise, by, major, on_the_spot):
    extra = {}
    if major:
        extra = {"basis_standard": "重大事故隐患判定标准", "basis_clause": "第三条"}
    if on_the_spot:
        extra.update(fixed_on_spot=True, fix_note="当场整改", after_photos=[processed_photo()])
    return workflow.register(
        enterprise=enterprise,
        by=by,
        level=Level.MAJOR if major else Level.GENERAL,
        category="condition",
        description="随机游走中的隐患",
        found_on=timezone.localdate(),
        **extra,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    major=st.booleans(),
    on_the_spot=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), min_size=1, max_size=14
    ),
)
def test_status_and_history_never_disagree_on_a_random_walk(
    personas, enterprise_a1, major, on_the_spot, steps
):
    registrar = personas.inspector
    try:
        hazard = _register(enterprise_a1, registrar, major, on_the_spot)
    except workflow.WorkflowError:
        assert major and on_the_spot  # a major hazard is never fixed on the spot
        return
    row, history = _state(hazard)
    assert len(history) == (2 if on_the_spot else 1)
    assert history[0][:2] == ("register", "")
    for action, actor in steps:
        hazard.refresh_from_db()
        before_row, before_history = _state(hazard)
        was_terminal = hazard.status in TERMINAL_STATES
        try:
            _call(action, hazard, getattr(personas, actor))
        except REFUSALS:
            assert _state(hazard) == (before_row, before_history)
            continue
        assert not was_terminal, f"{action} succeeded from {before_row['status']}"
        row, history = _state(hazard)
        assert len(history) == len(before_history) + 1
        assert history[-1][0] == action
        assert history[-1][1] == before_row["status"]
        assert row["status"] == history[-1][2]
    row, history = _state(hazard)
    assert row["status"] == history[-1][2]
    for previous, event in zip(history, history[1:], strict=False):
        assert event[1] == previous[2]
