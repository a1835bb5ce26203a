"""The inspection, enforcement and supervision-order lists filter like the hazard list: one
base (hazards.filters.RecordFilter) for township, cell and beneath, industry, inspector and
period; bad input is a Chinese error and an empty list, never a wider one."""

import datetime

import pytest

from enterprises.models import Industry
from hazards.selectors import order_list
from inspections import selectors
from inspections.filters import EnforcementFilter, InspectionFilter
from inspections.models import EnforcementAction
from tests.factories import EnterpriseFactory
from tests.reports.conftest import bulk_hazards, bulk_inspection, enforcement, order

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def records(grid, personas, enterprise_a1, enterprise_a2, enterprise_b):
    chem = EnterpriseFactory(
        name="西村化工厂", cell=grid.village_a2, industry=Industry.HAZARDOUS_CHEMICALS
    )
    mine = bulk_inspection(enterprise_a1, personas.supervisor, date=D(2026, 3, 1))
    mine.inspectors.add(personas.inspector)
    bulk_inspection(chem, personas.supervisor, date=D(2026, 3, 2))
    bulk_inspection(enterprise_b, personas.other_supervisor, date=D(2026, 3, 3))
    K = EnforcementAction.Kind
    enforcement(enterprise_a1, personas.inspector, K.DOCUMENT, date=D(2026, 3, 1))
    enforcement(chem, personas.supervisor, K.TALK, date=D(2026, 4, 1))
    enforcement(enterprise_b, personas.other_supervisor, K.CASE, date=D(2026, 3, 5))
    a1_hazard = bulk_hazards(enterprise_a1, 1, status="deadline")[0]
    chem_hazard = bulk_hazards(chem, 1, status="deadline")[0]
    order(a1_hazard, personas.supervisor, issued_on=D(2026, 3, 10))
    order(chem_hazard, personas.county, issued_on=D(2026, 5, 10))
    return chem


def inspected(user, params):
    qs = InspectionFilter(params, selectors.inspection_list(user), user=user).qs
    return sorted(i.enterprise.name for i in qs)


def enforced(user, params):
    qs = EnforcementFilter(params, selectors.enforcement_list(user), user=user).qs
    return sorted(a.enterprise.name for a in qs)


def ordered(user, params):
    return sorted(o.hazard.enterprise.name for o in order_list(user, params).qs)


def test_the_inspection_list_filters_by_cell_industry_and_inspector(records, grid, personas):
    county = personas.county
    assert inspected(county, {"cell": grid.area_a.pk}) == ["东村机械厂", "西村化工厂"]
    assert inspected(county, {"cell": grid.village_a2.pk}) == ["西村化工厂"]
    assert inspected(county, {"cell": grid.town_b.pk}) == ["南村化工厂"]
    assert inspected(county, {"industry": Industry.HAZARDOUS_CHEMICALS}) == ["西村化工厂"]
    assert inspected(county, {"inspector": personas.inspector.pk}) == ["东村机械厂"]
    assert inspected(county, {"date_from": "2026-03-02", "date_to": "2026-03-02"}) == ["西村化工厂"]


def test_the_enforcement_list_filters_by_cell_industry_and_who_recorded_it(records, grid, personas):
    county = personas.county
    assert enforced(county, {"cell": grid.area_a.pk}) == ["东村机械厂", "西村化工厂"]
    assert enforced(county, {"industry": Industry.HAZARDOUS_CHEMICALS}) == ["西村化工厂"]
    assert enforced(county, {"inspector": personas.inspector.pk}) == ["东村机械厂"]
    assert enforced(county, {"township": grid.town_b.pk}) == ["南村化工厂"]


def test_the_order_list_filters_by_cell_industry_issuer_and_period(records, grid, personas):
    county = personas.county
    assert ordered(county, {"cell": grid.village_a2.pk}) == ["西村化工厂"]
    assert ordered(county, {"industry": Industry.MACHINERY}) == ["东村机械厂"]
    assert ordered(county, {"inspector": personas.supervisor.pk}) == ["东村机械厂"]
    assert ordered(county, {"issued_from": "2026-04-01"}) == ["西村化工厂"]


def test_a_period_that_ends_before_it_starts_is_an_error_and_lists_nothing(records, personas):
    params = {"date_from": "2026-04-01", "date_to": "2026-03-01"}
    filterset = InspectionFilter(params, selectors.inspection_list(personas.county))
    assert not filterset.form.is_valid()
    assert filterset.form.errors["date_to"] == ["结束日期不能早于开始日期。"]
    assert filterset.qs.count() == 0
    assert ordered(personas.county, {"issued_from": "2026-05-01", "issued_to": "2026-04-01"}) == []


def test_a_cell_outside_the_users_scope_is_an_error_not_another_townships_records(
    records, grid, personas
):
    supervisor = personas.supervisor  # township A
    filterset = EnforcementFilter(
        {"cell": grid.village_b1.pk}, selectors.enforcement_list(supervisor), user=supervisor
    )
    assert "cell" in filterset.form.errors
    assert filterset.qs.count() == 0
    assert enforced(supervisor, {}) == ["东村机械厂", "西村化工厂"]
