"""整改通知书 for one hazard or several of one enterprise."""

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db
SEVERAL = reverse("hazards:notice_enterprise")


@pytest.mark.parametrize(
    "who,status",
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_inspector", 404),
    ],
)
def test_the_notice_of_one_hazard_per_role(client, personas, enterprise_a1, who, status):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    response = login(client, getattr(personas, who)).get(
        reverse("hazards:notice", args=[hazard.pk])
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        for text in [
            "整改通知书",
            hazard.number,
            "加装漏电保护",
            "张三",
            "企业负责人（签字）",
            "print-form",
        ]:
            assert text in body, text


def test_several_hazards_of_one_enterprise_on_one_notice(
    client, personas, enterprise_a1, enterprise_a2
):
    p = personas
    h1 = make_hazard(enterprise_a1, p.inspector, "deadline")
    h2 = make_hazard(enterprise_a1, p.inspector, "found")
    closed = make_hazard(enterprise_a1, p.inspector, "closed")
    elsewhere = make_hazard(enterprise_a2, p.supervisor, "deadline")
    login(client, p.supervisor)
    body = client.get(SEVERAL, {"enterprise": enterprise_a1.pk}).content.decode()
    assert h1.number in body and h2.number in body
    assert closed.number not in body and elsewhere.number not in body
    body = client.get(
        SEVERAL, {"enterprise": enterprise_a1.pk, "ids": f"{h1.pk},{elsewhere.pk}"}
    ).content.decode()
    assert h1.number in body
    assert h2.number not in body and elsewhere.number not in body


def test_a_notice_with_no_matching_hazard_is_404(client, personas, enterprise_a1, enterprise_a2):
    elsewhere = make_hazard(enterprise_a2, personas.supervisor, "deadline")
    response = login(client, personas.supervisor).get(
        SEVERAL, {"enterprise": enterprise_a1.pk, "ids": elsewhere.pk}
    )
    assert response.status_code == 404
    assert client.get(SEVERAL, {"enterprise": "x"}).status_code == 404
