"""Report data built cheaply.

Reports count hazards in given states; thousands of them through hazards.workflow would
take minutes. These builders ``bulk_create`` Hazard rows directly in the state wanted,
which bypasses the workflow (no events, no checks). That is acceptable ONLY in report
tests, for speed: every other area builds hazards through the workflow. The rows still
satisfy every database constraint of the model.
"""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hazards import states
from hazards.models import Hazard, HazardEvent, Level, Status, SupervisionOrder
from inspections.models import EnforcementAction, Inspection

_numbers = itertools.count(1)

D = datetime.date
PERIOD_FROM = D(2026, 1, 1)
PERIOD_TO = D(2026, 6, 30)
AS_OF = D(2026, 7, 15)
DEFAULT_FOUND = D(2026, 3, 1)


def bulk_hazards(
    enterprise,
    n,
    *,
    status=Status.FOUND,
    level=Level.GENERAL,
    found_on=DEFAULT_FOUND,
    deadline=None,
    original_deadline=None,
    fixed_on=None,
    closed_on=None,
    description="隐患描述",
    by=None,
):
    """``n`` hazards of ``enterprise`` in ``status`` (bulk_create: report tests only)."""
    if status in (Status.DEADLINE, Status.FIXED, Status.CLOSED) and deadline is None:
        deadline = found_on + datetime.timedelta(days=30)
    if deadline is not None and original_deadline is None:
        original_deadline = deadline
    if status in (Status.FIXED, Status.CLOSED) and fixed_on is None:
        fixed_on = found_on + datetime.timedelta(days=10)
    if status == Status.CLOSED and closed_on is None:
        closed_on = fixed_on + datetime.timedelta(days=2)
    now = timezone.now()
    rows = [
        Hazard(
            number=f"T{next(_numbers):08d}",
            enterprise=enterprise,
            cell_id=enterprise.cell_id,
            township_id=enterprise.township_id,
            industry=enterprise.industry,
            level=level,
            category="condition",
            description=description,
            location="车间",
            found_on=found_on,
            status=status,
            deadline=deadline,
            original_deadline=original_deadline,
            fixed_on=fixed_on,
            closed_on=closed_on,
            void_reason="误报" if status == Status.VOID else "",
            registered_by=by,
            created_at=now,
            updated_at=now,
        )
        for _ in range(n)
    ]
    created = Hazard.objects.bulk_create(rows, batch_size=500)
    # No events: their state intervals follow their own dates, as for an imported ledger.
    states.write_imported(created)
    return created


def bulk_inspection(enterprise, by, *, date, inspector_count=2):
    return Inspection.objects.create(
        enterprise=enterprise,
        cell_id=enterprise.cell_id,
        township_id=enterprise.township_id,
        date=date,
        inspector_count=inspector_count,
        representative="企业代表",
        status=Inspection.Status.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=by,
    )


def enforcement(enterprise, by, kind, *, date, fine_yuan=0):
    return EnforcementAction.objects.create(
        kind=kind,
        document_kind="rectify_order" if kind == EnforcementAction.Kind.DOCUMENT else "",
        enterprise=enterprise,
        cell_id=enterprise.cell_id,
        township_id=enterprise.township_id,
        date=date,
        fine_yuan=Decimal(fine_yuan),
        created_by=by,
    )


def order(hazard, by, *, issued_on):
    return SupervisionOrder.objects.create(
        number=f"DB{next(_numbers):08d}",
        level=SupervisionOrder.IssuingLevel.TOWNSHIP,
        hazard=hazard,
        cell_id=hazard.cell_id,
        township_id=hazard.township_id,
        authority="甲镇安委办",
        issued_on=issued_on,
        deadline=issued_on + datetime.timedelta(days=7),
        requirements="限期整改",
        issued_by=by,
    )


def event(hazard, by, action, from_status, to_status, note=""):
    return HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


@pytest.fixture
def seed004(grid, personas, enterprise_a1, enterprise_a2, enterprise_b):
    """Seed 004's shape in township A (1178 general, 1107 rectified → 93.97%; 5 major,
    4 rectified → 80.00%, one of the others FIXED but not CLOSED); township B has
    inspections and enforcement but no hazards."""
    by = personas.supervisor
    # General: 600 CLOSED + 507 FIXED = 1107 rectified; 71 not (40 overdue on AS_OF).
    bulk_hazards(enterprise_a1, 600, status=Status.CLOSED, found_on=D(2026, 2, 1))
    bulk_hazards(
        enterprise_a2,
        507,
        status=Status.FIXED,
        found_on=D(2026, 4, 1),
        deadline=D(2026, 4, 20),
        fixed_on=D(2026, 4, 25),  # after the original deadline: not on time
    )
    bulk_hazards(enterprise_a1, 40, status=Status.DEADLINE, deadline=D(2026, 5, 1))
    bulk_hazards(enterprise_a1, 30, status=Status.DEADLINE, deadline=D(2026, 8, 1))
    bulk_hazards(enterprise_a1, 1, status=Status.FOUND, found_on=D(2026, 6, 30))
    # Major: 4 CLOSED, 1 FIXED but not CLOSED (not rectified on the official forms).
    bulk_hazards(enterprise_a1, 4, status=Status.CLOSED, level=Level.MAJOR)
    bulk_hazards(enterprise_a1, 1, status=Status.FIXED, level=Level.MAJOR)
    # Never counted: VOID, and hazards found outside the period.
    bulk_hazards(enterprise_a1, 3, status=Status.VOID)
    bulk_hazards(enterprise_a1, 2, status=Status.CLOSED, found_on=D(2025, 12, 31))
    bulk_hazards(enterprise_b, 2, found_on=D(2026, 7, 1))

    bulk_inspection(enterprise_a1, by, date=D(2026, 2, 1), inspector_count=2)
    bulk_inspection(enterprise_a1, by, date=D(2026, 3, 1), inspector_count=3)
    bulk_inspection(enterprise_a2, by, date=D(2026, 3, 2), inspector_count=4)
    bulk_inspection(enterprise_b, personas.other_supervisor, date=D(2026, 5, 5))
    bulk_inspection(enterprise_b, personas.other_supervisor, date=D(2025, 5, 5))  # outside

    K = EnforcementAction.Kind
    for day in (1, 2, 3):
        enforcement(enterprise_a1, by, K.DOCUMENT, date=D(2026, 3, day))
    enforcement(enterprise_a1, by, K.TALK, date=D(2026, 3, 4))
    enforcement(enterprise_a1, by, K.CASE, date=D(2026, 3, 5), fine_yuan=200000)
    enforcement(enterprise_a2, by, K.CASE, date=D(2026, 3, 6), fine_yuan=12210)
    enforcement(enterprise_b, personas.other_supervisor, K.TALK, date=D(2026, 3, 7))
    overdue = Hazard.objects.filter(status=Status.DEADLINE, deadline=D(2026, 5, 1)).first()
    order(overdue, by, issued_on=D(2026, 5, 3))
    return SimpleNamespace(by=by)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboard caches its tables per scope and day: start every test without them
    (ids repeat between tests, so a stale entry could otherwise match)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
