"""Issue 13, no duplicate official records: Back + submit again gets the record already
created, never a second one."""

import uuid

import pytest
from django.urls import reverse

from hazards import workflow
from inspections import services
from inspections.models import ClientKey, EnforcementAction, Inspection
from tests.conftest import login
from tests.factories import make_hazard, today
from tests.inspections.conftest import start_inspection

pytestmark = pytest.mark.django_db


def test_starting_twice_with_one_key_opens_one_inspection(personas, enterprise_a1, checklist):
    key = uuid.uuid4()
    first = start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    again = start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    assert again.pk == first.pk
    assert (first.repeated, again.repeated) == (False, True)
    assert Inspection.objects.count() == 1
    assert ClientKey.objects.get(key=key).object_id == first.pk


def test_a_refused_start_keeps_no_key(personas, enterprise_a1, checklist):
    key = uuid.uuid4()
    with pytest.raises(services.InspectionError, match="请选择检查类型"):
        start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key, kind="x")
    assert not ClientKey.objects.exists()


def test_another_users_key_is_refused(personas, enterprise_a1, checklist):
    key = uuid.uuid4()
    start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    with pytest.raises(services.InspectionError, match="一次性令牌无效"):
        start_inspection(enterprise_a1, personas.inspector2, checklist, client_key=key)
    assert Inspection.objects.count() == 1


def test_a_key_of_another_kind_is_refused(personas, enterprise_a1, checklist):
    key = uuid.uuid4()
    start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    with pytest.raises(services.InspectionError, match="一次性令牌无效"):
        services.record_enforcement(
            by=personas.inspector, kind="talk", enterprise=enterprise_a1, on=today(), client_key=key
        )
    assert not EnforcementAction.objects.exists()


def test_two_keys_of_the_same_racing_submit_leave_one_record(personas, enterprise_a1, checklist):
    """The second submit arrives while the first is writing: it does not find the key yet,
    creates, and the unique key refuses its row; it answers with the first record."""
    key = uuid.uuid4()
    first = start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    real_filter = ClientKey.objects.filter
    calls = []

    def not_found_the_first_time(*args, **kwargs):
        calls.append(1)
        qs = real_filter(*args, **kwargs)
        return qs.none() if len(calls) == 1 else qs

    ClientKey.objects.filter = not_found_the_first_time
    try:
        again = start_inspection(enterprise_a1, personas.inspector, checklist, client_key=key)
    finally:
        del ClientKey.objects.filter
    assert again.pk == first.pk and again.repeated
    assert Inspection.objects.count() == 1


def test_back_and_submit_on_the_start_page_shows_the_inspection_already_created(
    client, personas, enterprise_a1, checklist
):
    login(client, personas.inspector)
    url = reverse("inspections:start") + f"?enterprise={enterprise_a1.pk}"
    page = client.get(url).content.decode()
    assert 'name="client_key"' in page
    data = {
        "enterprise": enterprise_a1.pk,
        "kind": "routine",
        "template": checklist.pk,
        "inspectors": [personas.inspector.pk],
        "date": today().isoformat(),
        "client_key": str(uuid.uuid4()),
    }
    first = client.post(url, data)
    again = client.post(url, data, follow=True)
    inspection = Inspection.objects.get()
    assert first.url == reverse("inspections:detail", args=[inspection.pk])
    assert again.redirect_chain[0][0] == first.url
    assert "该检查记录已创建，重复提交未再新建" in again.content.decode()


def test_back_and_submit_on_the_enforcement_form_records_once(client, personas, enterprise_a1):
    login(client, personas.inspector)
    url = reverse("inspections:enforcement_create")
    assert 'name="client_key"' in client.get(url).content.decode()
    data = {
        "kind": "talk",
        "enterprise": enterprise_a1.pk,
        "date": today().isoformat(),
        "fine_yuan": "0",
        "client_key": str(uuid.uuid4()),
    }
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert EnforcementAction.objects.count() == 1
    assert "该执法记录已保存，重复提交未再新建" in again.content.decode()


def test_the_overdue_board_shows_the_orders_already_issued(
    client, personas, enterprise_a1, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    hazard = make_hazard(
        enterprise_a1,
        personas.inspector,
        "deadline",
        at=timezone.now() - timedelta(days=20),
        deadline=today() - timedelta(days=3),
    )
    order = workflow.issue_order(
        hazard, by=personas.supervisor, deadline=today() + timedelta(days=5), requirements="限期"
    )
    login(client, personas.supervisor)
    page = client.get(reverse("hazards:overdue")).content.decode()
    assert order.number in page
    assert "再次督办" in page
