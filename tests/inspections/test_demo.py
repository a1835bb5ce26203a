import time

import pytest
from django.db import transaction

from core import demo as core_demo
from hazards.models import Hazard, HazardEvent, SupervisionOrder
from inspections import demo
from inspections.models import EnforcementAction, Inspection


def _snapshot():
    return (
        list(Inspection.objects.order_by("id").values_list("enterprise__uscc", "date", "kind")),
        list(Hazard.objects.order_by("id").values_list("number", "status", "level")),
        list(EnforcementAction.objects.order_by("id").values_list("kind", "fine_yuan")),
    )


def _build(seed):
    county = core_demo.build(seed)
    started = time.monotonic()
    stats = demo.build_activity(county)
    return stats, time.monotonic() - started


@pytest.mark.django_db
def test_the_demo_activity_has_hazards_in_every_state_is_fast_and_deterministic():
    with transaction.atomic():
        _build(7)
        first = _snapshot()
        transaction.set_rollback(True)
    stats, seconds = _build(7)
    assert seconds < 60
    assert _snapshot() == first
    assert stats["inspections"] == Inspection.objects.count() > 50
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert statuses == {"found", "deadline", "fixed", "closed", "void"}
    assert Hazard.objects.overdue().exists()
    assert Hazard.objects.filter(level="major").exists()
    assert Hazard.objects.filter(referred_at__isnull=False).exists()
    assert Hazard.objects.filter(listing_level="county").exists()
    assert SupervisionOrder.objects.filter(kind="order").exists()
    for action in ("extend_deadline", "approve_extension", "reject_fix", "close_out"):
        assert HazardEvent.objects.filter(action=action).exists(), action
    assert EnforcementAction.objects.filter(fine_yuan__gt=0).exists()
    assert set(EnforcementAction.objects.values_list("kind", flat=True)) >= {"document", "case"}
    assert Inspection.objects.filter(status="submitted").exists()
    assert Inspection.objects.filter(status="draft").exists()
    # 企业自查 of qy1's enterprise: submitted, one hazard of source 企业自查 with its 五定,
    # registered by the account; never a counted inspection.
    own = Inspection.objects.get(kind="self")
    assert own.status == "submitted" and own.created_by.username == "qy1"
    assert own.enterprise == own.created_by.enterprise_account.enterprise
    assert not Inspection.objects.counted().filter(pk=own.pk).exists()
    found = Hazard.objects.get(source="self")
    assert (found.inspection, found.status, found.photos.count()) == (own, "deadline", 1)
    for hazard in Hazard.objects.prefetch_related("events"):
        assert hazard.status == list(hazard.events.all())[-1].to_status, hazard.number


@pytest.mark.django_db
def test_the_demo_groups_go_out_to_several_enterprises_on_one_outing():
    from django.db.models import Count

    from inspections.models import InspectionGroup, Outing

    _build(7)
    counted = Inspection.objects.counted()
    shared = Outing.objects.annotate(n=Count("inspections")).filter(n__gt=1)
    assert shared.exists()
    # Fewer groups than inspections: the same people out again are the same group.
    assert 0 < InspectionGroup.objects.count() < counted.count()
    assert not counted.filter(outing=None).exists()
