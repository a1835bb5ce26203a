"""企业自查: an enterprise account inspects its own enterprise against the same checklists,
on the ordinary inspection pages, and registers what it finds (source 企业自查, photos, 五定).
A self-inspection has no group and no outing, and never counts in a government figure."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseAccount, EnterpriseStatus
from grid import roles
from hazards.models import Hazard, HazardPhoto, Source, Status
from inspections import selectors, services
from inspections.models import Inspection, InspectionGroup, Outing
from reports import queries
from tests.conftest import login
from tests.factories import UserFactory, today

from .conftest import answer_all, jpeg, start_inspection

pytestmark = pytest.mark.django_db
SELF_URL = reverse("inspections:self")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def own(personas):
    return personas.enterprise  # the account of 东村机械厂 (enterprise_a1)


@pytest.fixture
def neighbour(enterprise_a2):
    user = UserFactory(username="qy_xicun", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise_a2, must_change_password=False
    )
    return user


def start_self(enterprise, by, template, **kw):
    return services.start_self(enterprise=enterprise, by=by, template=template, on=today(), **kw)


@pytest.fixture
def self_inspection(own, enterprise_a1, checklist):
    return start_self(enterprise_a1, own, checklist)


# --- starting one ----------------------------------------------------------------------------


def test_the_enterprise_starts_a_self_inspection_of_its_own_enterprise_on_its_page(
    client, own, enterprise_a1, enterprise_a2, checklist
):
    login(client, own)
    page = client.get(SELF_URL)
    assert page.status_code == 200 and "开始自查" in page.content.decode()
    # An enterprise id in the request is no choice: the account's enterprise is fixed.
    data = {"template": checklist.pk, "date": today().isoformat(), "enterprise": enterprise_a2.pk}
    response = client.post(SELF_URL, data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:detail", args=[inspection.pk])
    assert inspection.enterprise == enterprise_a1 and inspection.kind == Inspection.Kind.SELF
    assert inspection.outing is None and not InspectionGroup.objects.exists()
    assert list(inspection.inspectors.all()) == [own] and inspection.inspector_count == 1
    assert inspection.items.count() == 4
    assert [i.pk for i in client.get(SELF_URL).context["inspections"]] == [inspection.pk]


@pytest.mark.parametrize("who", ["inspector", "supervisor", "county", "admin"])
def test_staff_have_no_self_inspection_page(client, personas, checklist, who):
    login(client, getattr(personas, who))
    assert client.get(SELF_URL).status_code == 403
    assert client.post(SELF_URL, {"template": checklist.pk}).status_code == 403
    assert not Inspection.objects.exists()


def test_staff_cannot_start_a_self_inspection_through_the_service(
    personas, enterprise_a1, checklist
):
    with pytest.raises(services.InspectionError, match="请选择检查类型"):
        start_inspection(enterprise_a1, personas.inspector, checklist, kind="self")
    with pytest.raises(PermissionDenied):
        start_self(enterprise_a1, personas.inspector, checklist)
    assert not Inspection.objects.exists()


def test_an_account_cannot_self_inspect_another_enterprise(neighbour, enterprise_a1, checklist):
    with pytest.raises(Http404):
        start_self(enterprise_a1, neighbour, checklist)
    assert not Inspection.objects.exists()


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client, own, enterprise_a1, checklist
):
    login(client, own)
    tomorrow = (today() + DAY).isoformat()
    response = client.post(SELF_URL, {"template": checklist.pk, "date": tomorrow})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()
    response = client.post(SELF_URL, {"template": 999999, "date": today().isoformat()})
    assert "请选择启用中的检查表" in response.content.decode()
    enterprise_a1.status = EnterpriseStatus.CLOSED
    enterprise_a1.save()
    response = client.post(SELF_URL, {"template": checklist.pk, "date": today().isoformat()})
    assert "该企业已关闭注销" in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_repeated_submit_gives_the_self_inspection_already_started(own, enterprise_a1, checklist):
    import uuid

    key = uuid.uuid4()
    first = start_self(enterprise_a1, own, checklist, client_key=key)
    again = start_self(enterprise_a1, own, checklist, client_key=key)
    assert again.pk == first.pk and again.repeated
    assert Inspection.objects.count() == 1


def test_the_database_refuses_a_self_inspection_on_an_outing(
    personas, self_inspection, enterprise_a1
):
    group = InspectionGroup.objects.create(name="第1检查组", unit=enterprise_a1.township)
    outing = Outing.objects.create(group=group, date=today())
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=self_inspection.pk).update(outing=outing)


# --- filling it in, submitting, registering ----------------------------------------------------


def test_the_enterprise_fills_submits_and_registers_a_hazard_with_photo_and_five_fixes(
    client, own, self_inspection
):
    login(client, own)
    detail = reverse("inspections:detail", args=[self_inspection.pk])
    assert client.get(detail).context["can_edit"] is True
    failing = self_inspection.items.get(position=3)
    response = client.post(
        reverse("inspections:item_update", args=[self_inspection.pk, failing.pk]),
        {"result": "fail", "note": "二号配电箱无漏电保护", "photo": jpeg()},
    )
    assert response.status_code == 302
    answer_all(self_inspection, own, overrides={3: "fail"})
    response = client.post(reverse("inspections:submit", args=[self_inspection.pk]), {})
    self_inspection.refresh_from_db()
    assert self_inspection.status == Inspection.Status.SUBMITTED
    assert self_inspection.representative == "王安全"  # signed by the account itself
    deadline = today() + 20 * DAY
    response = client.post(
        reverse("inspections:create_hazard", args=[self_inspection.pk, failing.pk]),
        {
            "level": "general",
            "category": "condition",
            "subject": "electrical",
            "description": "配电箱未设漏电保护",
            "deadline": deadline.isoformat(),
            "measures": "加装漏电保护器",
            "responsible_person": "王安全",
            "funds_yuan": "800",
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.source == Source.SELF and hazard.inspection == self_inspection
    assert hazard.status == Status.DEADLINE and hazard.deadline == deadline
    assert (hazard.measures, hazard.responsible_person) == ("加装漏电保护器", "王安全")
    assert list(hazard.finders.all()) == [own]
    assert HazardPhoto.objects.filter(hazard=hazard, kind="before").count() == 1


def test_staff_see_a_self_inspection_but_cannot_fill_it_or_register_from_it(
    client, personas, own, self_inspection
):
    answer_all(self_inspection, own, overrides={1: "fail"})
    item = self_inspection.items.get(position=1)
    login(client, personas.inspector)
    detail = client.get(reverse("inspections:detail", args=[self_inspection.pk]))
    assert detail.status_code == 200 and detail.context["can_edit"] is False
    assert detail.context["can_register"] is False
    update = reverse("inspections:item_update", args=[self_inspection.pk, item.pk])
    assert client.post(update, {"result": "pass"}).status_code == 403
    submit = reverse("inspections:submit", args=[self_inspection.pk])
    assert client.post(submit, {"representative": "张三"}).status_code == 403
    register = reverse("inspections:create_hazard", args=[self_inspection.pk, item.pk])
    assert client.get(register).status_code == 403
    item.refresh_from_db()
    self_inspection.refresh_from_db()
    assert item.result == "fail" and self_inspection.status == Inspection.Status.DRAFT
    assert not Hazard.objects.exists()


def test_the_enterprise_cannot_fill_or_register_from_a_government_inspection(
    client, personas, own, enterprise_a1, checklist
):
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist)
    answer_all(inspection, personas.inspector, overrides={1: "fail"})
    item = inspection.items.get(position=1)
    login(client, own)
    detail = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert detail.context["can_edit"] is False and detail.context["can_register"] is False
    update = reverse("inspections:item_update", args=[inspection.pk, item.pk])
    assert client.post(update, {"result": "pass"}).status_code == 403
    register = reverse("inspections:create_hazard", args=[inspection.pk, item.pk])
    assert client.post(register, {"level": "general"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.create_hazard(
            item, by=own, level="general", category="condition", subject="other",
            description="x",
        )  # fmt: skip
    item.refresh_from_db()
    assert item.result == "fail" and not Hazard.objects.exists()


def test_another_enterprise_and_another_township_find_nothing(
    client, personas, neighbour, own, self_inspection
):
    item = self_inspection.items.first()
    urls = [
        reverse("inspections:detail", args=[self_inspection.pk]),
        reverse("inspections:print", args=[self_inspection.pk]),
        reverse("inspections:submit", args=[self_inspection.pk]),
        reverse("inspections:pass_remaining", args=[self_inspection.pk]),
        reverse("inspections:item_update", args=[self_inspection.pk, item.pk]),
        reverse("inspections:item_photo", args=[self_inspection.pk, item.pk]),
        reverse("inspections:create_hazard", args=[self_inspection.pk, item.pk]),
    ]
    for user in (neighbour, personas.other_inspector, personas.other_supervisor):
        login(client, user)
        for url in urls:
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            assert response.status_code == 404, (user.username, url)
    login(client, neighbour)
    assert list(client.get(SELF_URL).context["inspections"]) == []


def test_staff_list_the_self_inspections_of_their_scope_by_kind(
    client, personas, own, self_inspection, enterprise_a1, checklist
):
    government = start_inspection(enterprise_a1, personas.inspector, checklist)
    login(client, personas.supervisor)
    response = client.get(reverse("inspections:list"), {"kind": "self"})
    assert [i.pk for i in response.context["page_obj"]] == [self_inspection.pk]
    assert "企业自查" in response.content.decode()
    response = client.get(reverse("inspections:list"), {"counted": "1"})
    assert [i.pk for i in response.context["page_obj"]] == []  # neither is submitted yet
    response = client.get(reverse("inspections:list"))
    assert {i.pk for i in response.context["page_obj"]} == {self_inspection.pk, government.pk}
    login(client, personas.other_supervisor)
    response = client.get(reverse("inspections:list"), {"kind": "self"})
    assert list(response.context["page_obj"]) == []


# --- never counted ------------------------------------------------------------------------------


def every_figure(user):
    on = today()
    start = on.replace(day=1)
    table = queries.report_table(user, start, on, on, queries.GROUP_TOWNSHIP)
    rows = {
        row.label: {n: getattr(row, n) for n in queries.INSPECTION_FIGURES}
        for row in [*table.rows, table.total]
    }
    coverage = [
        (c.cell.pk, c.total, c.inspected, [e.pk for e in c.missing])
        for t in selectors.coverage(user, start, on)
        for c in t.cells
    ]
    daily = selectors.daily_report(user, on, user_township(user))
    daily = {k: daily[k] for k in ("inspection_groups", "person_times", "enterprises")} | {
        "rows": len(daily["inspections"])
    }
    return rows, coverage, daily


def user_township(user):
    from grid import scoping

    return scoping.townships_for(user).get(name="甲镇")


def test_a_self_inspection_leaves_every_government_figure_unchanged(
    personas, own, enterprise_a1, enterprise_a2, checklist
):
    government = start_inspection(enterprise_a1, personas.inspector, checklist)
    answer_all(government, personas.inspector)
    services.submit(government, by=personas.inspector, representative="李明")
    before = every_figure(personas.county), every_figure(personas.supervisor)
    assert before[0][0]["合计"]["visits"] == 1
    # The enterprise self-inspects twice, submitted; a second enterprise's account once.
    for account, enterprise in ((own, enterprise_a1), (own, enterprise_a1)):
        inspection = start_self(enterprise, account, checklist)
        answer_all(inspection, account)
        services.submit(inspection, by=account)
    other = UserFactory(username="qy_a2", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=other, enterprise=enterprise_a2, must_change_password=False
    )
    inspection = start_self(enterprise_a2, other, checklist)
    answer_all(inspection, other)
    services.submit(inspection, by=other)
    assert Inspection.objects.filter(kind="self", status="submitted").count() == 3
    after = every_figure(personas.county), every_figure(personas.supervisor)
    assert after == before
    # The list behind the figures (counted=1) shows the government inspection only.
    from inspections.filters import InspectionFilter

    listed = InspectionFilter({"counted": "1"}, Inspection.objects.all(), user=personas.county)
    assert [i.pk for i in listed.qs] == [government.pk]
    # The coverage still lists 西村's enterprise as not inspected.
    missing = [pk for _c, _t, _i, pks in after[0][1] for pk in pks]
    assert enterprise_a2.pk in missing


def test_the_figures_link_to_the_counted_inspections_only(personas, own, enterprise_a1, checklist):
    inspection = start_self(enterprise_a1, own, checklist)
    answer_all(inspection, own)
    services.submit(inspection, by=own)
    on = timezone.localdate()
    table = queries.report_table(personas.county, on.replace(day=1), on, on)
    assert "counted=1" in table.total.links["visits"]


def test_the_staff_start_form_does_not_offer_a_self_inspection(client, personas, enterprise_a1):
    login(client, personas.inspector)
    response = client.get(reverse("inspections:start"), {"enterprise": enterprise_a1.pk})
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert "self" not in kinds and "routine" in kinds
