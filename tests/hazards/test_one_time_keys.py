"""Issue 13: Back + submit on 登记隐患 and 下达督办单 creates nothing more, and a second
督办单 for a hazard that has one is issued only on purpose."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hazards.models import Hazard, SupervisionOrder
from tests.conftest import login
from tests.factories import jpeg_upload, make_hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(personas, enterprise_a1):
    return make_hazard(
        enterprise_a1, personas.inspector, "deadline", at=timezone.now() - timedelta(days=20)
    )


def order_data(**extra):
    return {
        "kind": "order",
        "deadline": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "requirements": "限期整改到位",
        "authority": "",
        "document_number": "",
        "client_key": str(uuid.uuid4()),
        **extra,
    }


def test_the_register_form_carries_a_one_time_key(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    assert 'name="client_key"' in client.get(url).content.decode()


def test_registering_twice_with_one_key_gives_one_hazard(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    key = str(uuid.uuid4())

    def post():
        return client.post(
            url,
            {
                "level": "general",
                "category": "condition",
                "subject": "other",
                "description": "消防通道堆放杂物",
                "found_on": timezone.localdate().isoformat(),
                "photos": jpeg_upload(),
                "client_key": key,
            },
            follow=True,
        )

    first = post()
    again = post()
    hazard = Hazard.objects.get()
    assert first.redirect_chain[-1][0] == reverse("hazards:detail", args=[hazard.pk])
    assert again.redirect_chain[-1][0] == reverse("hazards:detail", args=[hazard.pk])
    assert f"隐患 {hazard.number} 已登记，重复提交未再新建" in again.content.decode()


def test_issuing_twice_with_one_key_gives_one_order(client, personas, overdue):
    login(client, personas.supervisor)
    url = reverse("hazards:order_create", args=[overdue.pk])
    data = order_data()
    client.post(url, data)
    again = client.post(url, data, follow=True)
    order = SupervisionOrder.objects.get()
    assert again.redirect_chain[-1][0] == reverse("hazards:order_detail", args=[order.pk])
    assert "重复提交未再新建" in again.content.decode()


def test_a_second_order_needs_an_explicit_confirmation(client, personas, overdue):
    login(client, personas.supervisor)
    url = reverse("hazards:order_create", args=[overdue.pk])
    client.post(url, order_data())
    first = SupervisionOrder.objects.get()
    page = client.get(url).content.decode()
    assert f"该隐患已有督办单 {first.number}，确认再次下达" in page
    refused = client.post(url, order_data())
    assert refused.status_code == 400
    assert "如需再次督办请勾选确认" in refused.content.decode()
    assert SupervisionOrder.objects.count() == 1
    client.post(url, order_data(confirm_another="on"))
    assert SupervisionOrder.objects.count() == 2


def test_back_and_submit_without_the_photos_shows_the_hazard_already_registered(
    client, personas, enterprise_a1
):
    login(client, personas.inspector)
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    data = {
        "level": "general",
        "category": "condition",
        "subject": "other",
        "description": "消防通道堆放杂物",
        "found_on": timezone.localdate().isoformat(),
        "client_key": str(uuid.uuid4()),
    }
    client.post(url, {**data, "photos": jpeg_upload()})
    again = client.post(url, data, follow=True)  # the file input comes back empty
    hazard = Hazard.objects.get()
    assert again.redirect_chain[-1][0] == reverse("hazards:detail", args=[hazard.pk])
    assert "重复提交未再新建" in again.content.decode()


def test_a_key_another_user_used_is_refused_with_a_message(client, personas, enterprise_a1):
    url = reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}"
    data = {
        "level": "general",
        "category": "condition",
        "subject": "other",
        "description": "消防通道堆放杂物",
        "found_on": timezone.localdate().isoformat(),
        "client_key": str(uuid.uuid4()),
    }
    login(client, personas.inspector)
    client.post(url, {**data, "photos": jpeg_upload()})
    login(client, personas.inspector2)
    refused = client.post(url, {**data, "photos": jpeg_upload()})
    assert refused.status_code == 400
    assert "一次性令牌无效" in refused.content.decode()
    assert Hazard.objects.count() == 1
