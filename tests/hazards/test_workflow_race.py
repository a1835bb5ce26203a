"""Two supervisors press 销号 at the same moment: one CLOSED event, one clear message.

Runs on PostgreSQL only (real row locks, real concurrent connections):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/ht_x pytest tests/hazards/test_workflow_race.py``
"""

import threading

import pytest
from django.db import connection

from hazards import workflow
from hazards.models import Hazard, HazardEvent, Status
from tests.factories import make_hazard

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL (set DATABASE_URL)")


def _race(callables):
    """Run each callable in its own thread and connection, released together."""
    barrier = threading.Barrier(len(callables))
    results = [None] * len(callables)

    def run(i, fn):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", fn())
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test inspects
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_two_threads_closing_the_same_hazard_give_exactly_one_closed_event(
    personas, enterprise_a1, attempt
):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed")
    copies = [Hazard.objects.get(pk=hazard.pk) for _ in range(2)]
    closers = [personas.supervisor, personas.supervisor2]
    results = _race(
        [
            lambda h=h, u=u: workflow.close_out(h, by=u, acceptance_note="复查合格")
            for h, u in zip(copies, closers, strict=True)
        ]
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, workflow.StaleTransition)
    assert error.message
    assert HazardEvent.objects.filter(hazard=hazard, to_status=Status.CLOSED).count() == 1
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSED
    winner = next(value for kind, value in results if kind == "ok")
    assert hazard.closed_by_id == winner.actor_id


def test_two_threads_issuing_orders_for_the_same_hazard_give_exactly_one_order(
    personas, enterprise_a1
):
    from datetime import timedelta

    from django.utils import timezone

    from hazards.models import SupervisionOrder

    hazard = make_hazard(
        enterprise_a1, personas.inspector, "deadline", at=timezone.now() - timedelta(days=40)
    )
    copies = [Hazard.objects.get(pk=hazard.pk) for _ in range(2)]
    deadline = timezone.localdate() + timedelta(days=3)
    results = _race(
        [
            lambda h=h, u=u: workflow.issue_order(h, by=u, deadline=deadline, requirements="整改")
            for h, u in zip(copies, [personas.supervisor, personas.supervisor2], strict=True)
        ]
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert SupervisionOrder.objects.filter(hazard=hazard).count() == 1
    assert HazardEvent.objects.filter(hazard=hazard, action="issue_order").count() == 1
