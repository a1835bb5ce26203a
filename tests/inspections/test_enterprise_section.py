from django.urls import reverse

from inspections import selectors, services
from tests.conftest import login
from tests.factories import today
from tests.inspections.conftest import start_inspection


def test_enterprise_activity_lists_inspections_open_hazards_and_enforcement(
    personas, inspection, enterprise_a1
):
    item = inspection.items.get(position=3)
    services.record_result(item, by=personas.inspector, result="fail")
    hazard = services.create_hazard(item, by=personas.inspector, **services.hazard_prefill(item))
    services.record_enforcement(
        by=personas.supervisor, kind="case", enterprise=enterprise_a1, on=today(), fine_yuan=800
    )
    activity = selectors.enterprise_activity(personas.supervisor, enterprise_a1)
    assert activity["inspections"] == [inspection]
    assert activity["open_hazards"] == [hazard]
    assert activity["enforcement_count"] == 1 and activity["fines"] == 800
    assert selectors.enterprise_activity(personas.other_supervisor, enterprise_a1) is None


def test_the_enterprise_page_loads_the_section(client, personas, inspection, enterprise_a1):
    section = reverse("inspections:enterprise_section", args=[enterprise_a1.pk])
    url = reverse("enterprises:detail", args=[enterprise_a1.pk])
    login(client, personas.supervisor)
    assert section in client.get(url).content.decode()
    body = client.get(section).content.decode()
    assert 'id="enterprise-activity"' in body
    assert reverse("inspections:detail", args=[inspection.pk]) in body


def test_the_section_answers_404_to_another_township(client, personas, enterprise_a1):
    login(client, personas.other_supervisor)
    section = reverse("inspections:enterprise_section", args=[enterprise_a1.pk])
    assert client.get(section).status_code == 404


def test_a_closed_enterprise_cannot_be_inspected(personas, enterprise_a1, checklist):
    import pytest

    enterprise_a1.status = "closed"
    enterprise_a1.save()
    with pytest.raises(services.InspectionError, match="已关闭注销"):
        start_inspection(enterprise_a1, personas.inspector, checklist)


def test_the_inspection_list_filters_by_enterprise_id(client, personas, inspection, enterprise_a2):
    login(client, personas.supervisor)
    other = start_inspection(enterprise_a2, personas.supervisor, inspection.template)
    body = client.get(
        reverse("inspections:list") + f"?enterprise={inspection.enterprise_id}"
    ).content.decode()
    assert reverse("inspections:detail", args=[inspection.pk]) in body
    assert reverse("inspections:detail", args=[other.pk]) not in body
