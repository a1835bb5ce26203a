"""检查组 on the PC (issue 12): supervisors and the county form groups and campaigns; the
phone's 今日出动 offers them at once. Inspectors read groups, never edit them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseAccount
from grid import roles
from inspections import groups, services
from inspections.forms import OutingForm
from inspections.models import InspectionGroup, Outing
from tests.conftest import login
from tests.factories import EnterpriseFactory, UserFactory
from tests.inspections.conftest import start_inspection

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def town_group(grid, personas):
    """甲镇's 第12检查组: the two inspectors of 东村, led by the first."""
    group = InspectionGroup.objects.create(
        name="第12检查组", unit=grid.town_a, leader=personas.inspector, campaign="春季大检查"
    )
    group.members.add(personas.inspector, personas.inspector2)
    return group


@pytest.fixture
def other_town_group(grid, personas):
    group = InspectionGroup.objects.create(name="乙镇第1组", unit=grid.town_b)
    group.members.add(personas.other_inspector)
    return group


@pytest.fixture
def county_group(grid, personas):
    group = InspectionGroup.objects.create(
        name="县督查组", unit=grid.county, kind=InspectionGroup.Kind.SUPERVISION
    )
    group.members.add(personas.county)
    return group


@pytest.fixture
def enterprise_user(enterprise_a1):
    user = UserFactory(username="qy_group", role=roles.ENTERPRISE)
    EnterpriseAccount.objects.create(
        user=user, enterprise=enterprise_a1, must_change_password=False
    )
    return user


def _user(personas, enterprise_user, role):
    return enterprise_user if role == "enterprise" else getattr(personas, role)


def _form_data(grid, personas, **changes):
    data = {
        "name": "第3检查组",
        "unit": grid.town_a.pk,
        "kind": "special",
        "members": [personas.inspector.pk, personas.inspector2.pk],
        "leader": personas.inspector.pk,
        "guest_names": "王专家、李工",
        "campaign": "有限空间专项",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _names(response):
    return [g.name for g in response.context["page_obj"]]


# --- the list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("enterprise", 403),
    ],
)
def test_the_group_list_per_role(client, personas, enterprise_user, town_group, role, status):
    login(client, _user(personas, enterprise_user, role))
    response = client.get(reverse("inspections:group_list"))
    assert response.status_code == status
    if status == 200:
        offers_create = reverse("inspections:group_create") in response.content.decode()
        assert offers_create == (role != "inspector")


def test_a_supervisor_lists_the_groups_of_their_township_and_county_groups_that_worked_there(
    client, personas, town_group, other_town_group, county_group, enterprise_a1, checklist
):
    idle_county_group = InspectionGroup.objects.create(name="县执法组", unit=town_group.unit.parent)
    outing = services.start_outing(
        group=county_group, by=personas.county, on=timezone.localdate(), present=[personas.county]
    )
    start_inspection(enterprise_a1, personas.county, checklist, outing=outing)
    login(client, personas.supervisor)
    names = _names(client.get(reverse("inspections:group_list")))
    assert sorted(names) == ["县督查组", "第12检查组"]
    assert idle_county_group.name not in names


def test_the_county_lists_every_group_of_its_county(
    client, personas, town_group, other_town_group, county_group
):
    login(client, personas.county)
    names = _names(client.get(reverse("inspections:group_list")))
    assert sorted(names) == sorted(["第12检查组", "乙镇第1组", "县督查组"])


def test_an_inspector_lists_the_groups_they_belong_to_and_not_another_townships(
    client, personas, town_group, other_town_group
):
    login(client, personas.inspector)
    assert _names(client.get(reverse("inspections:group_list"))) == ["第12检查组"]


def test_the_list_filters_by_kind_campaign_and_whether_the_group_is_active(
    client, grid, personas, town_group
):
    today = timezone.localdate()
    InspectionGroup.objects.create(
        name="已结束组", unit=grid.town_a, kind="special", ends_on=today - DAY
    )
    login(client, personas.supervisor)
    url = reverse("inspections:group_list")
    assert _names(client.get(url, {"kind": "special"})) == ["已结束组"]
    assert _names(client.get(url, {"campaign": "春季大检查"})) == ["第12检查组"]
    assert _names(client.get(url, {"active": "yes"})) == ["第12检查组"]
    assert _names(client.get(url, {"active": "no"})) == ["已结束组"]


# --- forming a group -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("inspector", 403),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("enterprise", 403),
    ],
)
def test_the_group_form_per_role(client, personas, enterprise_user, role, status):
    login(client, _user(personas, enterprise_user, role))
    assert client.get(reverse("inspections:group_create")).status_code == status


def test_a_supervisor_forms_a_group_that_the_phone_offers_at_once(client, grid, personas):
    login(client, personas.supervisor)
    response = client.post(reverse("inspections:group_create"), _form_data(grid, personas))
    group = InspectionGroup.objects.get(name="第3检查组")
    assert response.status_code == 302
    assert response.url == reverse("inspections:group_detail", args=[group.pk])
    assert group.unit == grid.town_a and group.leader == personas.inspector
    assert set(group.members.all()) == {personas.inspector, personas.inspector2}
    assert group.guest_names == "王专家、李工"
    assert (group.kind, group.campaign) == ("special", "有限空间专项")
    assert group.starts_on == datetime.date(2026, 3, 1)
    assert group in OutingForm(user=personas.inspector).fields["group"].queryset


def test_the_county_forms_a_county_group_with_officers_and_township_staff(client, grid, personas):
    login(client, personas.county)
    data = _form_data(
        grid,
        personas,
        unit=grid.county.pk,
        members=[personas.county.pk, personas.supervisor.pk, personas.other_inspector.pk],
        leader=personas.county.pk,
    )
    assert client.post(reverse("inspections:group_create"), data).status_code == 302
    group = InspectionGroup.objects.get(name="第3检查组")
    assert group.unit == grid.county
    assert group in OutingForm(user=personas.other_inspector).fields["group"].queryset


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"starts_on": "2026-04-01", "ends_on": "2026-03-01"},
            "ends_on",
            "结束日期不能早于开始日期。",
        ),
        ({"members": [], "guest_names": ""}, "members", "请至少选择一名组员或填写其他组员。"),
        ({"name": ""}, "name", "请填写检查组名称。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_formed(
    client, grid, personas, changes, field, message
):
    login(client, personas.supervisor)
    data = _form_data(grid, personas, **changes)
    if changes.get("members") == []:
        data.pop("members")
        data.pop("leader")
    response = client.post(reverse("inspections:group_create"), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not InspectionGroup.objects.exists()


def test_a_leader_who_is_not_a_member_is_refused(client, grid, personas):
    login(client, personas.supervisor)
    data = _form_data(grid, personas, leader=personas.supervisor2.pk)
    response = client.post(reverse("inspections:group_create"), data)
    assert response.status_code == 400
    assert "组长须是本组组员，请同时勾选组长。" in response.context["form"].errors["leader"]
    assert not InspectionGroup.objects.exists()


def test_a_name_already_used_by_the_unit_is_refused(client, grid, personas, town_group):
    login(client, personas.supervisor)
    data = _form_data(grid, personas, name="第12检查组", campaign="春季大检查")
    response = client.post(reverse("inspections:group_create"), data)
    assert response.status_code == 400
    assert "甲镇已有名为“第12检查组”的检查组" in response.content.decode()
    assert InspectionGroup.objects.count() == 1


def test_the_same_name_in_another_township_is_a_different_group(client, grid, personas, town_group):
    login(client, personas.county)
    data = _form_data(
        grid,
        personas,
        name="第12检查组",
        unit=grid.town_b.pk,
        members=[personas.other_inspector.pk],
        leader=None,
    )
    assert client.post(reverse("inspections:group_create"), data).status_code == 302
    assert InspectionGroup.objects.filter(name="第12检查组").count() == 2


def test_a_member_outside_the_supervisors_township_is_refused(client, grid, personas):
    login(client, personas.supervisor)
    data = _form_data(grid, personas, members=[personas.inspector.pk, personas.other_inspector.pk])
    response = client.post(reverse("inspections:group_create"), data)
    assert response.status_code == 400
    assert "所选组员不在您的管辖范围内。" in response.context["form"].errors["members"]
    assert not InspectionGroup.objects.exists()


def test_a_unit_outside_the_supervisors_scope_is_refused(client, grid, personas):
    login(client, personas.supervisor)
    for unit in (grid.town_b, grid.county):
        response = client.post(
            reverse("inspections:group_create"), _form_data(grid, personas, unit=unit.pk)
        )
        assert response.status_code == 400
        assert "请选择您所辖的县或乡镇作为组织单位。" in response.context["form"].errors["unit"]
    assert not InspectionGroup.objects.exists()


def test_the_service_refuses_a_member_out_of_scope_even_without_the_form(grid, personas):
    with pytest.raises(services.InspectionError, match="所选组员不在您的管辖范围内"):
        groups.save_group(
            by=personas.supervisor,
            name="第9组",
            unit=grid.town_a,
            leader=None,
            members=[personas.other_inspector],
            kind="routine",
        )
    assert not InspectionGroup.objects.exists()


def test_the_database_refuses_a_second_group_of_the_same_name_in_a_unit(grid, town_group):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionGroup.objects.create(name="第12检查组", unit=grid.town_a, campaign="秋季")


# --- editing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("inspector", 403),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_supervisor", 404),
        ("other_inspector", 404),
        ("enterprise", 404),
    ],
)
def test_the_edit_page_per_role(client, personas, enterprise_user, town_group, role, status):
    login(client, _user(personas, enterprise_user, role))
    url = reverse("inspections:group_edit", args=[town_group.pk])
    assert client.get(url).status_code == status


def test_a_supervisor_renames_their_group_and_keeps_its_members(client, grid, personas, town_group):
    login(client, personas.supervisor)
    data = _form_data(grid, personas, name="第12检查组（秋季）")
    url = reverse("inspections:group_edit", args=[town_group.pk])
    assert client.post(url, data).status_code == 302
    town_group.refresh_from_db()
    assert town_group.name == "第12检查组（秋季）"
    assert InspectionGroup.objects.count() == 1


def test_a_supervisor_reads_but_may_not_edit_a_county_group_that_worked_in_the_township(
    client, personas, county_group, enterprise_a1, checklist
):
    outing = services.start_outing(
        group=county_group, by=personas.county, on=timezone.localdate(), present=[personas.county]
    )
    start_inspection(enterprise_a1, personas.county, checklist, outing=outing)
    login(client, personas.supervisor)
    detail = client.get(reverse("inspections:group_detail", args=[county_group.pk]))
    assert detail.status_code == 200
    assert reverse("inspections:group_edit", args=[county_group.pk]) not in detail.content.decode()
    edit = reverse("inspections:group_edit", args=[county_group.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "改名"}).status_code == 403
    county_group.refresh_from_db()
    assert county_group.name == "县督查组"


# --- the detail page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_inspector", 404),
        ("other_supervisor", 404),
        ("enterprise", 404),
    ],
)
def test_the_group_page_per_role(client, personas, enterprise_user, town_group, role, status):
    login(client, _user(personas, enterprise_user, role))
    url = reverse("inspections:group_detail", args=[town_group.pk])
    assert client.get(url).status_code == status


def test_the_group_page_lists_its_outings_with_people_and_enterprises(
    client, grid, personas, town_group, enterprise_a1, checklist
):
    neighbour = EnterpriseFactory(name="东村砖厂", cell=grid.village_a1)
    today = timezone.localdate()
    outing = services.start_outing(
        group=town_group,
        by=personas.inspector,
        on=today,
        present=[personas.inspector, personas.inspector2],
        guest_names="王专家",
    )
    first = start_inspection(enterprise_a1, personas.inspector, checklist, outing=outing)
    start_inspection(neighbour, personas.inspector, checklist, outing=outing)
    login(client, personas.supervisor)
    response = client.get(reverse("inspections:group_detail", args=[town_group.pk]))
    html = response.content.decode()
    [shown] = response.context["page_obj"]
    assert shown == outing
    assert [i.enterprise.name for i in shown.visible_inspections] == sorted(
        [enterprise_a1.name, neighbour.name]
    )
    assert "3 人" in html and "王专家" in html
    assert reverse("inspections:detail", args=[first.pk]) in html


# --- navigation and the phone ----------------------------------------------------------


@pytest.mark.parametrize(
    "role, shown",
    [("inspector", False), ("supervisor", True), ("county", True), ("admin", True)],
)
def test_the_navigation_offers_groups_to_those_who_form_them(client, personas, role, shown):
    login(client, getattr(personas, role))
    items = client.get(reverse("inspections:list")).context["nav_items"]
    assert (reverse("inspections:group_list") in [i["url"] for i in items]) == shown


def test_the_phone_defaults_to_the_group_and_people_of_the_last_outing_on_another_day(
    personas, grid, town_group
):
    yesterday = timezone.localdate() - DAY
    outing = Outing.objects.create(group=town_group, date=yesterday, person_count=2)
    outing.present.set([personas.inspector, personas.inspector2])
    newer = InspectionGroup.objects.create(name="第13检查组", unit=grid.town_a)
    form = OutingForm(user=personas.inspector)
    assert form.initial["group"] == town_group.pk
    assert set(form.initial["present"]) == {personas.inspector.pk, personas.inspector2.pk}
    assert newer in form.fields["group"].queryset


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _group_with_outings(group, personas, first, n):
    for i in range(first, first + n):
        outing = Outing.objects.create(group=group, date=timezone.localdate() - i * DAY)
        outing.present.set([personas.inspector, personas.inspector2])


def test_the_group_list_takes_as_many_queries_for_eight_groups_as_for_one(
    client, grid, personas, town_group
):
    login(client, personas.supervisor)
    url = reverse("inspections:group_list")
    one = _queries(client, url)
    for i in range(7):
        group = InspectionGroup.objects.create(name=f"第{i + 20}检查组", unit=grid.town_a)
        group.members.add(personas.inspector, personas.inspector2)
    assert _queries(client, url) == one


def test_the_group_page_takes_as_many_queries_for_eight_outings_as_for_one(
    client, personas, town_group
):
    login(client, personas.supervisor)
    url = reverse("inspections:group_detail", args=[town_group.pk])
    _group_with_outings(town_group, personas, 0, 1)
    one = _queries(client, url)
    _group_with_outings(town_group, personas, 1, 7)
    assert _queries(client, url) == one
