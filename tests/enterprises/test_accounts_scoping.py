"""An enterprise account (role 企业) sees its own enterprise and nothing else, everywhere."""

import pytest
from django.urls import reverse

from enterprises.models import EnterpriseAccount
from grid import roles, scoping
from hazards.models import Hazard, HazardPhoto, SupervisionOrder
from inspections.models import Inspection
from tests.conftest import login
from tests.factories import UserFactory, make_hazard
from tests.test_url_sweep import _ask, township_a, with_ids  # noqa: F401 — the sweep's fixture


def account_for(enterprise, username):
    user = UserFactory(username=username, role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise, must_change_password=False)
    return user


@pytest.fixture
def own(enterprise_a1):
    return account_for(enterprise_a1, "qy_a1")


@pytest.fixture
def neighbour(enterprise_a2):
    """An account of another enterprise in the same village's township."""
    return account_for(enterprise_a2, "qy_a2")


@pytest.fixture
def far(enterprise_b):
    return account_for(enterprise_b, "qy_b")


def test_an_enterprise_user_has_the_enterprise_role_and_that_enterprise_as_scope(
    own, enterprise_a1
):
    assert roles.role_of(own) == roles.ENTERPRISE
    scope = scoping.scope_of(own)
    assert scope.enterprise_id == enterprise_a1.pk
    assert not scope.everything and not scope.township_ids and not scope.cell_ids


def test_an_enterprise_user_sees_its_own_records_only(
    own, personas, enterprise_a1, enterprise_a2, enterprise_b
):
    mine = make_hazard(enterprise_a1, personas.inspector, "fixed")
    make_hazard(enterprise_a2, personas.supervisor, "fixed")
    make_hazard(enterprise_b, personas.other_inspector, "found")
    assert list(scoping.enterprises_for(own)) == [enterprise_a1]
    assert list(scoping.hazards_for(own)) == [mine]
    assert list(scoping.limit(HazardPhoto.objects.all(), own, prefix="hazard__")) == list(
        mine.photos.all()
    )
    assert scoping.can_see(own, mine) and scoping.can_see(own, enterprise_a1)
    assert not scoping.can_see(own, enterprise_a2)
    assert not scoping.cells_for(own).exists() and not scoping.townships_for(own).exists()


def test_an_enterprise_user_sees_its_own_orders_and_inspections_only(
    own,
    township_a,  # noqa: F811 — the sweep's fixture
    far,
):
    assert scoping.orders_for(own).count() == SupervisionOrder.objects.count() == 1
    assert scoping.inspections_for(own).count() == Inspection.objects.count() == 2
    assert scoping.orders_for(far).count() == 0
    assert scoping.inspections_for(far).count() == 0
    assert scoping.enforcement_for(far).count() == 0
    assert scoping.hazards_for(far).count() == 0 < Hazard.objects.count()


def test_a_deactivated_enterprise_user_sees_nothing(own, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "found")
    own.is_active = False
    own.save()
    assert scoping.scope_of(own).empty
    assert not scoping.hazards_for(own).exists()


def test_a_user_of_the_enterprise_group_without_an_account_sees_nothing(personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "found")
    lost = UserFactory(username="qy_none", role=roles.ENTERPRISE)
    assert scoping.scope_of(lost).empty
    assert not scoping.hazards_for(lost).exists()
    assert not scoping.enterprises_for(lost).exists()


def test_every_url_with_an_id_answers_404_to_another_enterprise(
    client,
    township_a,  # noqa: F811 — the sweep's fixture
    neighbour,
    far,
):
    for user in (neighbour, far):
        login(client, user)
        answers = {
            name: _ask(client, reverse(name, kwargs=kwargs)).status_code
            for name, kwargs in with_ids(township_a).items()
        }
        assert answers == dict.fromkeys(with_ids(township_a), 404), user.username


@pytest.fixture
def account_urls(own, enterprise_a1):
    """This work's URLs with an id (for tests/test_url_sweep.py's table)."""
    account = own.enterprise_account
    return {
        "enterprises:accounts": {"pk": enterprise_a1.pk},
        "enterprises:account_deactivate": {"pk": account.pk},
        "enterprises:disclosure": {"pk": enterprise_a1.pk},
    }


def test_the_account_urls_answer_404_outside_the_scope(
    client, personas, account_urls, neighbour, far
):
    for user in (personas.other_inspector, personas.other_supervisor, neighbour, far):
        login(client, user)
        answers = {
            name: _ask(client, reverse(name, kwargs=kwargs)).status_code
            for name, kwargs in account_urls.items()
        }
        assert answers == dict.fromkeys(account_urls, 404), user.username
    assert own_is_still_active(account_urls)


def own_is_still_active(account_urls):
    account = EnterpriseAccount.objects.get(pk=account_urls["enterprises:account_deactivate"]["pk"])
    return account.user.is_active


def test_the_pages_an_enterprise_user_opens_carry_no_inline_script(
    client,
    own,
    township_a,  # noqa: F811 — the sweep's fixture
    account_urls,
):
    from tests.test_crafted_input import patterns_with_converters, url_of
    from tests.test_headers import HANDLER, INLINE_SCRIPT

    login(client, own)
    opened = []
    for name, converters in patterns_with_converters():
        if name == "logout":
            continue
        response = client.get(url_of(name, converters, {**township_a, **account_urls}))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            assert not INLINE_SCRIPT.findall(html) and not HANDLER.findall(html), name
            opened.append(name)
    assert {
        "hazards:list",
        "hazards:detail",
        "enterprises:detail",
        "enterprises:disclosure",
    } <= set(opened)
    assert not {"enterprises:accounts", "hazards:overdue", "reports:dashboard"} & set(opened)


@pytest.fixture
def self_inspection_urls(own, enterprise_a1):
    """企业自查 of enterprise A1, an item failed with a photo and registered as a hazard of
    source 企业自查: every URL of it with an id."""
    from django.utils import timezone

    from inspections import services as inspections
    from inspections.models import ChecklistTemplate
    from tests.factories import jpeg_upload, processed_photo

    inspection = inspections.start_self(
        enterprise=enterprise_a1,
        by=own,
        template=ChecklistTemplate.objects.filter(is_active=True).first(),
        on=timezone.localdate(),
    )
    item = inspection.items.first()
    inspections.record_result(item, by=own, result="fail", photo=jpeg_upload())
    hazard = make_hazard(
        enterprise_a1, own, "found", description="灭火器压力不足", photos=[processed_photo()]
    )
    photo = hazard.photos.first()
    ids = {"pk": inspection.pk}
    of_item = {"pk": inspection.pk, "item_pk": item.pk}
    return {
        "inspections:detail": ids,
        "inspections:print": ids,
        "inspections:submit": ids,
        "inspections:pass_remaining": ids,
        "inspections:undo_pass_remaining": ids,
        "inspections:item_update": of_item,
        "inspections:item_photo": of_item,
        "inspections:create_hazard": of_item,
        "hazards:detail": {"pk": hazard.pk},
        "hazards:notice": {"pk": hazard.pk},
        "hazards:set_deadline": {"pk": hazard.pk},
        "hazards:photo": {"pk": photo.pk},
        "hazards:photo_thumb": {"pk": photo.pk},
    }


def test_a_self_inspection_and_its_hazard_answer_404_outside_the_enterprise(
    client, personas, own, self_inspection_urls, neighbour, far
):
    for user in (neighbour, far, personas.other_inspector, personas.other_supervisor):
        login(client, user)
        answers = {
            name: _ask(client, reverse(name, kwargs=kwargs)).status_code
            for name, kwargs in self_inspection_urls.items()
        }
        assert answers == dict.fromkeys(self_inspection_urls, 404), user.username
    login(client, own)  # the control: the ids are real
    for name in ("inspections:detail", "inspections:print", "hazards:detail", "hazards:photo"):
        assert client.get(reverse(name, kwargs=self_inspection_urls[name])).status_code == 200
    item = Inspection.objects.get().items.first()
    assert item.result == "fail" and item.photo  # nothing changed by the refused POSTs
    assert Hazard.objects.get().status == "found"


def test_a_self_report_page_of_a_period_shows_the_account_its_own_enterprise_only(
    client,
    township_a,  # noqa: F811 — the sweep's fixture: A1 filed this month, corrected once
    enterprise_a1,
    neighbour,
):
    login(client, neighbour)
    for name in ("enterprises:selfreport_month", "enterprises:selfreport_quarter"):
        response = client.get(reverse(name, kwargs=township_a[name]))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert enterprise_a1.name not in html, name
        assert "漏填说明" not in html and "王强" not in html, name  # A1's correction, principal
    filer = EnterpriseAccount.objects.get(enterprise=enterprise_a1)  # the control
    EnterpriseAccount.objects.filter(pk=filer.pk).update(must_change_password=False)
    login(client, filer.user)
    month = reverse(
        "enterprises:selfreport_month", kwargs=township_a["enterprises:selfreport_month"]
    )
    assert "漏填说明" in client.get(month).content.decode()
