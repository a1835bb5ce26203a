"""Once a major hazard is referred to the county or listed (挂牌督办), only county users
void it, extend its deadline or approve an extension (docs/domain.md, the workflow)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hazards import workflow
from hazards.models import ListingLevel, Status
from tests.factories import make_hazard

REFUSAL = "只有县级用户可以作废、延期或批准延期"
TODAY = timezone.localdate()


@pytest.fixture
def major(personas, enterprise_a1):
    return make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        level="major",
        deadline=TODAY + timedelta(days=30),
    )


def refer(hazard, personas):
    workflow.refer_to_county(hazard, by=personas.supervisor, note="重大隐患移送县级")
    hazard.refresh_from_db()


def list_it(hazard, personas):
    workflow.issue_order(
        hazard,
        by=personas.supervisor,
        kind="listing",
        deadline=TODAY + timedelta(days=20),
        requirements="挂牌督办，限期整改",
    )
    hazard.refresh_from_db()
    assert hazard.listing_level == ListingLevel.TOWNSHIP


@pytest.mark.parametrize("handover", [refer, list_it], ids=["referred", "listed"])
def test_a_township_supervisor_can_no_longer_void_or_extend(major, personas, handover):
    handover(major, personas)
    with pytest.raises(workflow.NotAllowed, match=REFUSAL):
        workflow.void(major, by=personas.supervisor, reason="误报")
    with pytest.raises(workflow.NotAllowed, match=REFUSAL):
        workflow.extend_deadline(
            major, by=personas.supervisor, until=TODAY + timedelta(days=60), reason="停产检修"
        )
    workflow.request_extension(
        major, by=personas.inspector, until=TODAY + timedelta(days=60), reason="设备采购周期长"
    )
    with pytest.raises(workflow.NotAllowed, match=REFUSAL):
        workflow.approve_extension(major, by=personas.supervisor)
    major.refresh_from_db()
    assert (major.status, major.deadline) == (Status.DEADLINE, TODAY + timedelta(days=30))
    assert not {"void", "extend_deadline", "approve_extension"} & set(
        workflow.available_actions(major, personas.supervisor)
    )


@pytest.mark.parametrize("handover", [refer, list_it], ids=["referred", "listed"])
def test_the_county_still_voids_extends_and_approves(major, personas, handover):
    handover(major, personas)
    workflow.request_extension(
        major, by=personas.inspector, until=TODAY + timedelta(days=60), reason="设备采购周期长"
    )
    assert {"void", "extend_deadline", "approve_extension"} <= set(
        workflow.available_actions(major, personas.county)
    )
    workflow.approve_extension(major, by=personas.county)
    workflow.extend_deadline(
        major, by=personas.county, until=TODAY + timedelta(days=90), reason="需停产检修"
    )
    workflow.void(major, by=personas.county, reason="复核为误报")
    major.refresh_from_db()
    assert major.status == Status.VOID


def test_a_major_hazard_not_yet_handed_over_stays_with_the_township(major, personas):
    workflow.extend_deadline(
        major, by=personas.supervisor, until=TODAY + timedelta(days=60), reason="停产检修"
    )
    workflow.void(major, by=personas.supervisor, reason="误报")
    major.refresh_from_db()
    assert major.status == Status.VOID
