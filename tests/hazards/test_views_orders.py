"""督办单: create, list (and the 挂牌督办 register), printable page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards import workflow
from hazards.models import HazardEvent, SupervisionOrder
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db
ORDERS = reverse("hazards:orders")


def ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def overdue(personas, enterprise_a1):
    return make_hazard(enterprise_a1, personas.inspector, "deadline", at=ago(20))


def create_url(hazard):
    return reverse("hazards:order_create", args=[hazard.pk])


def order_data(**extra):
    data = {
        "kind": "order",
        "deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "requirements": "限期整改到位",
        "authority": "",
        "document_number": "",
    }
    data.update(extra)
    return data


def test_the_form_is_prefilled_with_a_week_and_the_template_text(client, personas, overdue):
    response = login(client, personas.supervisor).get(create_url(overdue))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["deadline"].value() == timezone.localdate() + timedelta(days=7)
    assert "整改" in str(form["requirements"].value())


def test_a_supervisor_issues_an_order(client, personas, overdue):
    response = login(client, personas.supervisor).post(create_url(overdue), order_data())
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:order_detail", args=[order.pk])
    assert order.level == "township"
    assert order.authority == "乡镇安监站"
    assert HazardEvent.objects.filter(hazard=overdue, action="issue_order").count() == 1


@pytest.mark.parametrize(
    "who,status", [("inspector", 403), ("admin", 403), ("other_supervisor", 404)]
)
def test_others_may_not_issue_an_order(client, personas, overdue, who, status):
    login(client, getattr(personas, who))
    assert client.get(create_url(overdue)).status_code == status
    assert client.post(create_url(overdue), order_data()).status_code == status
    assert not SupervisionOrder.objects.exists()


def test_a_hazard_neither_overdue_nor_major_gets_no_order(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")
    response = login(client, personas.supervisor).post(create_url(hazard), order_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert not SupervisionOrder.objects.exists()


def test_a_general_hazard_cannot_be_listed(client, personas, overdue):
    response = login(client, personas.supervisor).post(
        create_url(overdue), order_data(kind="listing")
    )
    assert response.status_code == 400
    assert not SupervisionOrder.objects.exists()


def test_a_past_deadline_is_refused(client, personas, overdue):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(client, personas.supervisor).post(
        create_url(overdue), order_data(deadline=past)
    )
    assert response.status_code == 400
    assert "督办期限不能早于今天" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_the_county_lists_a_major_hazard_for_supervision(client, personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    response = login(client, personas.county).post(
        create_url(hazard), order_data(kind="listing", document_number="示安监督〔2026〕3号")
    )
    assert response.status_code == 302
    order = SupervisionOrder.objects.get()
    assert (order.kind, order.level, order.authority) == ("listing", "county", "县应急管理局")
    hazard.refresh_from_db()
    assert hazard.listing_level == "county"
    body = client.get(ORDERS, {"kind": "listing"}).content.decode()
    assert "挂牌督办台账" in body
    assert "示安监督〔2026〕3号" in body
    assert hazard.number in body


def _order(personas, enterprise, who="supervisor"):
    hazard = make_hazard(enterprise, personas.inspector, "deadline", level="major")
    return workflow.issue_order(
        hazard, by=getattr(personas, who), deadline=hazard.deadline, requirements="督办"
    )


@pytest.mark.parametrize(
    "who,sees",
    [
        ("inspector", True),
        ("supervisor", True),
        ("county", True),
        ("admin", True),
        ("other_inspector", False),
    ],
)
def test_the_order_list_per_role(client, personas, enterprise_a1, who, sees):
    order = _order(personas, enterprise_a1)
    response = login(client, getattr(personas, who)).get(ORDERS)
    assert response.status_code == 200
    assert (order.number in response.content.decode()) is sees


def test_the_order_list_filters_by_kind_and_township(
    client, personas, enterprise_a1, enterprise_b, grid
):
    a = _order(personas, enterprise_a1)
    hazard_b = make_hazard(enterprise_b, personas.other_inspector, "deadline", level="major")
    b = workflow.issue_order(
        hazard_b,
        by=personas.county,
        deadline=hazard_b.deadline,
        requirements="督办",
        kind="listing",
    )
    login(client, personas.county)
    body = client.get(ORDERS, {"township": grid.town_a.pk}).content.decode()
    assert a.number in body and b.number not in body
    body = client.get(ORDERS, {"kind": "listing"}).content.decode()
    assert b.number in body and a.number not in body
    response = client.get(ORDERS, {"issued_from": "昨天"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_the_order_list_query_count_does_not_grow(client, personas, enterprise_a1):
    login(client, personas.county)
    _order(personas, enterprise_a1)
    client.get(ORDERS)  # the filter card's options into the cache (scope_choices)
    with CaptureQueriesContext(connection) as few:
        client.get(ORDERS)
    for _ in range(6):
        _order(personas, enterprise_a1)
    with CaptureQueriesContext(connection) as many:
        client.get(ORDERS)
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize(
    "who,status",
    [("inspector", 200), ("supervisor", 200), ("county", 200), ("other_supervisor", 404)],
)
def test_the_printable_order_per_role(client, personas, enterprise_a1, who, status):
    order = _order(personas, enterprise_a1)
    response = login(client, getattr(personas, who)).get(
        reverse("hazards:order_detail", args=[order.pk])
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        for text in [order.number, "督办要求", "签发人", "print-form", enterprise_a1.name]:
            assert text in body
