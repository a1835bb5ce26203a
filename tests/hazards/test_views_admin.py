"""The admin shows hazards, their history and orders read-only."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from hazards import workflow
from hazards.models import Hazard, HazardEvent
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "pass-12345")


@pytest.fixture
def hazard(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    workflow.issue_order(
        hazard, by=personas.supervisor, deadline=hazard.deadline, requirements="督办"
    )
    return hazard


@pytest.mark.parametrize("model", ["hazard", "hazardevent", "supervisionorder", "hazardphoto"])
def test_the_admin_lists_but_cannot_add_change_or_delete(
    client, root, hazard, model, personas, enterprise_a1
):
    fixed = make_hazard(enterprise_a1, personas.inspector, "fixed")
    login(client, root)
    assert client.get(reverse(f"admin:hazards_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:hazards_{model}_add")).status_code == 403
    obj_pk = {"hazard": hazard.pk, "hazardevent": hazard.events.first().pk}.get(model)
    if obj_pk is None:
        obj_pk = (hazard.orders.first() if model == "supervisionorder" else fixed.photos.first()).pk
    change = reverse(f"admin:hazards_{model}_change", args=[obj_pk])
    assert client.get(change).status_code == 200  # view only
    before = Hazard.objects.filter(pk=hazard.pk).values().get()
    response = client.post(change, {"status": "closed", "note": "改"})
    assert response.status_code == 403
    delete = reverse(f"admin:hazards_{model}_delete", args=[obj_pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Hazard.objects.filter(pk=hazard.pk).values().get() == before
    assert HazardEvent.objects.filter(hazard=hazard).count() == 3
