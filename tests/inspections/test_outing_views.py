"""今日出动 on the phone (issue 12): start today's outing once, then inspect one enterprise
after another; each inspection belongs to the outing, its people preset."""

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Inspection, InspectionGroup, Outing
from tests.conftest import login
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(grid, personas):
    group = InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    group.members.add(personas.inspector, personas.inspector2)
    return group


@pytest.mark.parametrize(
    "role, status",
    [("inspector", 200), ("supervisor", 200), ("county", 200), ("admin", 403)],
)
def test_the_outing_page_per_role(client, personas, team, role, status):
    login(client, getattr(personas, role))
    assert client.get(reverse("inspections:outing")).status_code == status


def test_the_phone_journey_inspects_two_enterprises_in_one_outing(
    client, grid, personas, team, enterprise_a1, checklist
):
    neighbour = EnterpriseFactory(name="东村砖厂", cell=grid.village_a1)
    login(client, personas.inspector)
    response = client.post(
        reverse("inspections:outing"),
        {
            "group": team.pk,
            "present": [personas.inspector.pk, personas.inspector2.pk],
            "guest_names": "王专家",
        },
    )
    assert response.status_code == 302 and response.url == reverse("inspections:pick")
    outing = Outing.objects.get()
    assert outing.person_count == 3
    assert "今日出动：第12检查组" in client.get(reverse("inspections:pick")).content.decode()
    for enterprise in (enterprise_a1, neighbour):
        url = reverse("inspections:start") + f"?enterprise={enterprise.pk}"
        form = client.get(url).context["form"]
        assert set(form.initial["inspectors"]) == {personas.inspector.pk, personas.inspector2.pk}
        response = client.post(
            url,
            {
                "enterprise": enterprise.pk,
                "kind": "routine",
                "template": checklist.pk,
                "inspectors": form.initial["inspectors"],
                "date": timezone.localdate().isoformat(),
            },
        )
        assert response.status_code == 302
    assert list(Inspection.objects.values_list("outing_id", flat=True)) == [outing.pk] * 2
    assert Outing.objects.count() == 1


def test_the_next_outing_defaults_to_the_last_group_and_people(client, personas, team):
    login(client, personas.inspector)
    client.post(
        reverse("inspections:outing"),
        {"group": team.pk, "present": [personas.inspector.pk, personas.inspector2.pk]},
    )
    form = client.get(reverse("inspections:outing")).context["form"]
    assert form.initial["group"] == team.pk
    assert set(form.initial["present"]) == {personas.inspector.pk, personas.inspector2.pk}


def test_an_outing_with_nobody_is_refused_with_a_message(client, personas, team):
    login(client, personas.inspector)
    response = client.post(reverse("inspections:outing"), {"group": team.pk})
    assert response.status_code == 400
    assert "请选择出动人员" in response.content.decode()
    assert not Outing.objects.exists()
