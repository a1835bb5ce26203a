"""No hazard is registered on an enterprise that is 关闭注销, not even by a direct POST."""

import pytest
from django.urls import reverse

from enterprises.models import EnterpriseStatus
from hazards import workflow
from hazards.models import Hazard
from tests.conftest import login
from tests.factories import make_hazard
from tests.hazards.test_views_register import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(enterprise_a1):
    enterprise_a1.status = EnterpriseStatus.CLOSED
    enterprise_a1.save(update_fields=["status"])
    return enterprise_a1


def test_registering_on_a_closed_enterprise_is_refused(personas, closed):
    with pytest.raises(workflow.WorkflowError, match="该企业已关闭注销，不能登记隐患"):
        make_hazard(closed, personas.supervisor)
    assert not Hazard.objects.exists()


def test_a_direct_post_on_a_closed_enterprise_is_refused_with_the_message(client, personas, closed):
    response = login(client, personas.inspector).post(
        f"{reverse('hazards:register')}?enterprise={closed.pk}", form_data()
    )
    assert response.status_code == 400
    assert "该企业已关闭注销，不能登记隐患" in response.content.decode()
    assert not Hazard.objects.exists()


@pytest.mark.parametrize("status", [EnterpriseStatus.SUSPENDED, EnterpriseStatus.SEASONAL])
def test_a_suspended_enterprise_still_has_hazards_registered(personas, enterprise_a1, status):
    enterprise_a1.status = status
    enterprise_a1.save(update_fields=["status"])
    assert make_hazard(enterprise_a1, personas.inspector).status == "found"
