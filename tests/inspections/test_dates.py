"""Issue 13, plausible dates: 检查日期 and 发现日期 within a year back and not after today;
整改期限, 延期 and 督办期限 not more than a year ahead. The horizons are settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards import workflow
from inspections import services
from inspections.models import Inspection
from tests.conftest import login
from tests.factories import make_hazard, today
from tests.inspections.conftest import start_inspection

pytestmark = pytest.mark.django_db


def test_an_inspection_a_year_back_is_accepted_and_older_is_refused(
    personas, enterprise_a1, checklist
):
    start_inspection(enterprise_a1, personas.inspector, checklist, on=today() - timedelta(365))
    with pytest.raises(services.InspectionError, match="检查日期不能早于"):
        start_inspection(enterprise_a1, personas.inspector, checklist, on=today() - timedelta(366))
    with pytest.raises(services.InspectionError, match="检查日期不能晚于今天"):
        start_inspection(enterprise_a1, personas.inspector, checklist, on=today() + timedelta(1))
    assert Inspection.objects.count() == 1


def test_the_horizon_is_a_setting(settings, personas, enterprise_a1, checklist):
    settings.HAZARDTRACK_PAST_DAYS = 30
    with pytest.raises(services.InspectionError, match="30 天以前的记录请通过台账导入"):
        start_inspection(enterprise_a1, personas.inspector, checklist, on=today() - timedelta(31))


def test_the_start_form_says_what_is_wrong_with_a_1900_date(
    client, personas, enterprise_a1, checklist
):
    login(client, personas.inspector)
    url = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    response = client.post(
        url,
        {
            "enterprise": enterprise_a1.pk,
            "kind": "routine",
            "template": checklist.pk,
            "inspectors": [personas.inspector.pk],
            "date": "1900-01-01",
        },
    )
    assert "检查日期不能早于" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_hazard_found_in_1900_is_refused(personas, enterprise_a1):
    with pytest.raises(workflow.WorkflowError, match="发现日期不能早于"):
        workflow.register(
            enterprise=enterprise_a1,
            by=personas.inspector,
            level="general",
            category="condition",
            description="消防通道堆放杂物",
            found_on=today().replace(year=1900),
        )


def test_a_deadline_in_2100_is_refused_and_a_year_ahead_accepted(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    five = {"measures": "清理", "responsible_person": "赵厂长"}
    with pytest.raises(workflow.WorkflowError, match="整改期限不能晚于"):
        workflow.set_deadline(
            hazard, by=personas.inspector, deadline=today().replace(year=2100), **five
        )
    hazard.refresh_from_db()
    workflow.set_deadline(
        hazard, by=personas.inspector, deadline=today() + timedelta(days=365), **five
    )
    hazard.refresh_from_db()
    with pytest.raises(workflow.WorkflowError, match="延期后的期限不能晚于"):
        workflow.extend_deadline(
            hazard, by=personas.supervisor, until=today() + timedelta(days=366), reason="雨季"
        )


def test_an_order_deadline_in_2100_is_refused(personas, enterprise_a1):
    hazard = make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        at=timezone.now() - timedelta(days=20),
        deadline=today() - timedelta(days=5),
    )
    with pytest.raises(workflow.WorkflowError, match="督办期限不能晚于"):
        workflow.issue_order(
            hazard, by=personas.supervisor, deadline=today().replace(year=2100), requirements="限期"
        )
    assert not hazard.orders.exists()
