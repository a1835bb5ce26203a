"""The enterprise admin, as the 管理员 role: every write goes through the service."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.conftest import login
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db


def test_an_enterprise_added_in_the_admin_goes_through_the_service(client, personas, grid):
    login(client, personas.admin)
    code = valid_uscc()
    response = client.post(
        reverse("admin:enterprises_enterprise_add"),
        {
            "name": "后台登记企业",
            "uscc": code.lower(),
            "industry": "machinery",
            "scale": "below",
            "risk": "blue",
            "status": "operating",
            "cell": grid.village_b1.pk,
            "address": "",
            "legal_representative": "",
            "safety_officer": "",
            "phone": "",
            "inspectors": [personas.other_inspector.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise = Enterprise.objects.get(name="后台登记企业")
    assert enterprise.uscc == code
    assert enterprise.township_id == grid.town_b.pk
    assert list(enterprise.inspectors.all()) == [personas.other_inspector]


def test_an_enterprise_in_a_work_area_is_refused_in_the_admin(client, personas, grid):
    login(client, personas.admin)
    response = client.post(
        reverse("admin:enterprises_enterprise_add"),
        {
            "name": "错网格企业",
            "uscc": valid_uscc(),
            "industry": "machinery",
            "scale": "below",
            "risk": "blue",
            "status": "operating",
            "cell": grid.area_a.pk,
        },
    )
    assert response.status_code == 200
    assert not Enterprise.objects.exists()


def test_the_enterprise_changelist_renders(client, personas, enterprise_a1, enterprise_b):
    response = login(client, personas.admin).get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 200
    assert "东村机械厂" in response.content.decode()
