"""Inspection groups and outings (issue 12): the records, the migration that makes each
existing inspection its own group and outing, and the figures it keeps."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, Sum
from django.utils import timezone

from core import demo as core_demo
from inspections import demo, services
from inspections.models import Inspection, InspectionGroup, Outing
from reports import queries
from tests.factories import EnterpriseFactory
from tests.inspections.conftest import start_inspection

D = datetime.date
OLD = ("inspections", "0006_inspection_groups_and_outings")


def _every_app_at_its_latest():
    """Every app at its latest migration (the demo writes to every app's tables)."""
    return MigrationLoader(connection).graph.leaf_nodes()


def _latest(app):
    return next(node for node in _every_app_at_its_latest() if node[0] == app)


def _figures(user):
    today = timezone.localdate()
    table = queries.county_summary(user, D(2000, 1, 1), today, today)
    return [
        (r.label, r.groups, r.person_times, r.visits, r.enterprises, r.found, r.rectified)
        for r in [*table.rows, table.total]
    ]


def _old_definition():
    """检查组数 and 出动检查人次 as they were before groups: one group per submitted
    inspection, the sum of its inspector_count."""
    submitted = Inspection.objects.filter(status=Inspection.Status.SUBMITTED)
    return submitted.aggregate(groups=Count("id"), people=Sum("inspector_count"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_figure_of_the_demo_county_and_goes_back(migrator, monkeypatch):
    migrator.apply_initial_migration(_every_app_at_its_latest())
    # The schema before 0009 has no 企业自查 (its reverse refuses them): the demo without it.
    monkeypatch.setattr(demo, "_self_inspection", lambda stats: None)
    demo.build_activity(core_demo.build(7))
    admin = get_user_model().objects.create_superuser("root_figures", password="x")
    # Back to the state before groups: every inspection detached, no group left.
    migrator.apply_tested_migration(OLD)
    assert not Outing.objects.exists() and not InspectionGroup.objects.exists()
    before = _figures(admin)
    old = _old_definition()
    assert before[-1][1:3] == (old["groups"], old["people"])
    assert old["groups"] > 50

    migrator.apply_tested_migration(_latest("inspections"))  # through 0007
    assert not Inspection.objects.filter(outing=None).exists()
    assert InspectionGroup.objects.count() == Outing.objects.count() == Inspection.objects.count()
    assert _figures(admin) == before
    one = Inspection.objects.filter(status="submitted").select_related("outing__group").first()
    assert set(one.outing.present.all()) == set(one.inspectors.all())
    assert set(one.outing.group.members.all()) == set(one.inspectors.all())
    assert one.outing.person_count == one.inspector_count
    assert one.outing.date == one.date and one.outing.group.unit_id == one.township_id
    migrator.reset()


@pytest.mark.django_db
def test_an_outing_is_one_group_on_one_date(grid):
    group = InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    Outing.objects.create(group=group, date=D(2026, 3, 1), person_count=2)
    with pytest.raises(IntegrityError, match="outing_unique_group_date|UNIQUE"):
        Outing.objects.create(group=group, date=D(2026, 3, 1), person_count=3)


@pytest.mark.django_db
def test_an_outing_has_at_least_one_person(grid):
    group = InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    with pytest.raises(IntegrityError, match="outing_has_people"):
        Outing.objects.create(group=group, date=D(2026, 3, 1), person_count=0)


@pytest.mark.django_db
def test_a_group_name_is_unique_within_the_unit_that_formed_it(grid):
    InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    InspectionGroup.objects.create(name="第12检查组", unit=grid.town_a)
    with pytest.raises(IntegrityError, match="inspectiongroup_unique_name|UNIQUE"):
        InspectionGroup.objects.create(name="第12检查组", unit=grid.county)


@pytest.mark.django_db
def test_a_campaign_ends_on_or_after_it_starts(grid):
    with pytest.raises(IntegrityError, match="inspectiongroup_dates_in_order"):
        InspectionGroup.objects.create(
            name="专项组", unit=grid.county, starts_on=D(2026, 5, 1), ends_on=D(2026, 4, 1)
        )


# --- the phone flow: start today's outing once, inspect enterprise after enterprise -----


@pytest.fixture
def team(grid, personas):
    group = InspectionGroup.objects.create(name="第12检查组", unit=grid.county)
    group.members.add(personas.inspector, personas.inspector2)
    return group


@pytest.mark.django_db
def test_one_outing_inspects_two_enterprises_without_naming_the_group_again(
    grid, team, personas, checklist, enterprise_a1
):
    neighbour = EnterpriseFactory(name="东村砖厂", cell=grid.village_a1)
    today = timezone.localdate()
    people = [personas.inspector, personas.inspector2]
    outing = services.start_outing(
        group=team, by=personas.inspector, on=today, present=people, guest_names="王专家"
    )
    assert outing.person_count == 3
    first = start_inspection(enterprise_a1, personas.inspector, checklist, people, outing=outing)
    second = start_inspection(
        neighbour, personas.inspector, checklist, [personas.inspector], outing=outing
    )
    assert first.outing == second.outing == outing
    assert Outing.objects.count() == 1 and InspectionGroup.objects.count() == 1
    # Started again (the second phone of the group): the same outing, no one counted twice.
    again = services.start_outing(
        group=team, by=personas.inspector2, on=today, present=[personas.inspector]
    )
    assert again == outing and again.person_count == 3
    assert services.last_outing(personas.inspector) == outing


@pytest.mark.django_db
def test_an_inspector_not_out_with_the_group_is_refused(team, personas, checklist, enterprise_a1):
    today = timezone.localdate()
    outing = services.start_outing(
        group=team, by=personas.inspector, on=today, present=[personas.inspector]
    )
    with pytest.raises(services.InspectionError, match="不在本次出动人员中"):
        start_inspection(
            enterprise_a1,
            personas.inspector,
            checklist,
            [personas.inspector, personas.inspector2],
            outing=outing,
        )


@pytest.mark.django_db
def test_an_enforcement_inspection_on_an_outing_needs_two_people(
    team, personas, checklist, enterprise_a1
):
    outing = services.start_outing(
        group=team, by=personas.inspector, on=timezone.localdate(), present=[personas.inspector]
    )
    with pytest.raises(services.InspectionError, match="执法检查须有两名及以上执法人员"):
        start_inspection(
            enterprise_a1, personas.inspector, checklist, [personas.inspector],
            outing=outing, is_enforcement=True,
        )  # fmt: skip


@pytest.mark.django_db
def test_an_outing_needs_people_and_a_group_of_the_users_grid(grid, team, personas):
    today = timezone.localdate()
    with pytest.raises(services.InspectionError, match="请选择出动人员"):
        services.start_outing(group=team, by=personas.inspector, on=today, present=[])
    other = InspectionGroup.objects.create(name="乙镇第1组", unit=grid.town_b)
    with pytest.raises(services.InspectionError, match="请选择您所在网格的检查组"):
        services.start_outing(
            group=other, by=personas.inspector, on=today, present=[personas.inspector]
        )
    assert not Outing.objects.exists()


@pytest.mark.django_db
def test_an_inspection_started_without_an_outing_is_its_own_group(
    personas, checklist, enterprise_a1
):
    inspection = start_inspection(enterprise_a1, personas.inspector, checklist)
    assert inspection.outing.person_count == 1
    assert list(inspection.outing.present.all()) == [personas.inspector]
    assert inspection.outing.group.unit_id == inspection.township_id
