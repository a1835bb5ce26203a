"""Every hazards URL with an id answers 404 to a user of another township."""

import pytest
from django.urls import reverse

from hazards import urls as hazard_urls
from hazards import workflow
from hazards.forms import ACTION_FORMS
from hazards.models import HazardPhoto
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "fixed", level="major")
    ordered = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    order = workflow.issue_order(
        ordered, by=personas.supervisor, deadline=ordered.deadline, requirements="立即整改"
    )
    photo = HazardPhoto.objects.filter(hazard=hazard).first()
    return {"hazard": hazard, "order": order, "photo": photo, "enterprise": enterprise_a1}


def _pk_for(pattern_name, records):
    if pattern_name.startswith("photo"):
        return records["photo"].pk
    if pattern_name == "order_detail":
        return records["order"].pk
    return records["hazard"].pk


def test_every_url_with_an_id_is_404_for_another_township(client, personas, records):
    login(client, personas.other_inspector)
    checked = []
    for pattern in hazard_urls.urlpatterns:
        name = pattern.name
        if "<int:pk>" not in str(pattern.pattern):
            continue
        url = reverse(f"hazards:{name}", args=[_pk_for(name, records)])
        if name in ACTION_FORMS:
            response = client.post(url, {"note": "x", "reason": "x", "acceptance_note": "x"})
        else:
            response = client.get(url)
        assert response.status_code == 404, (name, response.status_code)
        checked.append(name)
    assert len(checked) >= 15, checked  # detail, order, notice, photos and every action


@pytest.mark.parametrize("name", ["register", "notice_enterprise"])
def test_urls_taking_an_enterprise_are_404_for_another_township(client, personas, records, name):
    ent = records["enterprise"]
    response = login(client, personas.other_supervisor).get(
        reverse(f"hazards:{name}"), {"enterprise": ent.pk, "ids": records["hazard"].pk}
    )
    assert response.status_code == 404


def test_the_same_urls_answer_the_owners_township(client, personas, records):
    login(client, personas.supervisor)
    for name, pk in [
        ("detail", records["hazard"].pk),
        ("notice", records["hazard"].pk),
        ("order_detail", records["order"].pk),
        ("photo", records["photo"].pk),
        ("photo_thumb", records["photo"].pk),
    ]:
        response = client.get(reverse(f"hazards:{name}", args=[pk]))
        assert response.status_code == 200, name
