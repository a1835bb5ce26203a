"""The front door: each role lands on the page it starts its day on."""

import pytest
from django.urls import reverse

from enterprises.models import EnterpriseAccount
from grid import roles
from tests.conftest import login
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("inspector", "hazards:my_work"),
        ("supervisor", "reports:dashboard"),
        ("county", "reports:dashboard"),
        ("admin", "reports:dashboard"),
    ],
)
def test_each_role_starts_on_its_page(client, personas, persona, start):
    response = login(client, getattr(personas, persona)).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(start)


def test_an_enterprise_account_starts_on_its_hazards(client, personas, enterprise_a1):
    user = UserFactory(username="qy_home", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise_a1, must_change_password=False
    )
    response = login(client, user).get(reverse("home"))
    assert response.url == reverse("hazards:list")
