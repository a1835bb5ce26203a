"""The ledger's queries (issue 17): as many for 3 hazards as for a full page, for a township
supervisor and for the county. With no filter the state tabs are sums of the counts the
database keeps (hazards.counts); the tabs, filtered or not, come from the cache until
a hazard is added or changes state (the data stamp), a township's as well."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards import workflow
from tests.conftest import login
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db
URL = reverse("hazards:list")

# Session, user, role, scope, the tabs, the page and what the page around it reads. The tabs
# are one query: the sums per state of the scope's rows of hazards_statecount and the
# overdue count of its hazards, one UNION ALL, kept in the cache by the data stamp (+1: one
# query of two index lookups): the stamp and the tabs when they changed, the stamp alone after.
TOWNSHIP_QUERIES = 11
TOWNSHIP_CACHED_QUERIES = 10
# The county's scope reads its townships (+1); its tabs the same way (its 逾期 alone is tens
# of thousands of index entries at 1M).
COUNTY_QUERIES = 12
COUNTY_CACHED_QUERIES = 11
# Filtered (here 一般隐患), the county's tabs are counted, and cached the same way.
FILTERED = {"level": "general"}
COUNTY_FILTERED_QUERIES = 12  # tabs counted: stamp + tabs
COUNTY_FILTERED_CACHED_QUERIES = 11  # tabs from the cache: stamp only


@pytest.fixture(autouse=True)
def _scope_choices_read_every_time(settings):
    """The filter card's township, cell and inspector options are cached per scope and grid
    stamp (hazards.filters.scope_choices); here they are read every time, so the counts
    above hold for any view. With the cache: see the last tests."""
    settings.FILTER_CHOICES_CACHE_SECONDS = 0


def queries_of(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def tabs_of(response):
    return {t["key"]: t["count"] for t in response.context["tabs"]}


def fill(enterprise, by, n):
    for _ in range(n):
        make_hazard(enterprise, by, "deadline")


def test_a_township_supervisor_s_ledger_takes_the_same_queries_for_3_hazards_as_for_55(
    client, personas, enterprise_a1
):
    login(client, personas.supervisor)
    fill(enterprise_a1, personas.inspector, 3)
    few, _ = queries_of(client)
    fill(enterprise_a1, personas.inspector, 52)
    many, response = queries_of(client)
    assert len(response.context["page_obj"].object_list) == 50
    assert few == many == TOWNSHIP_QUERIES


def test_the_county_ledger_takes_the_same_queries_for_3_hazards_as_for_55(
    client, personas, enterprise_a1, enterprise_b
):
    login(client, personas.county)
    fill(enterprise_a1, personas.inspector, 2)
    fill(enterprise_b, personas.other_inspector, 1)
    few, _ = queries_of(client)
    fill(enterprise_b, personas.other_inspector, 52)
    many, response = queries_of(client)
    assert len(response.context["page_obj"].object_list) == 50
    assert few == many == COUNTY_QUERIES  # 52 new hazards: a new stamp, the tabs read again
    again, _ = queries_of(client, status="deadline")  # another tab: the same tabs, cached
    assert again == COUNTY_CACHED_QUERIES


def test_the_county_s_filtered_tabs_are_cached_and_take_the_same_queries_for_3_as_for_55(
    client, personas, enterprise_a1, enterprise_b
):
    login(client, personas.county)
    fill(enterprise_a1, personas.inspector, 3)
    few, _ = queries_of(client, **FILTERED)
    fill(enterprise_b, personas.other_inspector, 52)
    many, response = queries_of(client, **FILTERED)
    assert len(response.context["page_obj"].object_list) == 50
    assert few == many == COUNTY_FILTERED_QUERIES
    again, _ = queries_of(client, status="deadline", **FILTERED)  # the same counts, cached
    assert again == COUNTY_FILTERED_CACHED_QUERIES


@pytest.mark.parametrize("params", [{}, FILTERED], ids=["kept counts", "cached"])
def test_the_county_s_tabs_follow_a_transition_at_once(client, personas, enterprise_a1, params):
    hazard = make_hazard(enterprise_a1, personas.inspector, "found")
    make_hazard(enterprise_a1, personas.inspector, "found")
    login(client, personas.county)
    assert tabs_of(queries_of(client, **params)[1])["void"] == 0
    workflow.void(hazard, by=personas.supervisor, reason="重复登记")
    count, response = queries_of(client, **params)
    # Read afresh: the new event changed the stamp (and the triggers moved the kept counts).
    assert count == (COUNTY_FILTERED_QUERIES if params else COUNTY_QUERIES)
    assert tabs_of(response)["void"] == 1
    assert tabs_of(response)["found"] == 1
    assert response.context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("params", [{}, FILTERED], ids=["kept counts", "cached"])
def test_a_new_hazard_shows_in_the_county_s_tabs_at_once(client, personas, enterprise_b, params):
    make_hazard(enterprise_b, personas.other_inspector, "found")
    login(client, personas.county)
    assert tabs_of(queries_of(client, **params)[1])[""] == 1
    make_hazard(enterprise_b, personas.other_inspector, "found")
    assert tabs_of(queries_of(client, **params)[1])[""] == 2


def test_the_county_s_filtered_tabs_are_counted_every_time_when_the_cache_is_off(
    client, personas, enterprise_a1, settings
):
    settings.LEDGER_TABS_CACHE_SECONDS = 0
    make_hazard(enterprise_a1, personas.inspector, "found")
    login(client, personas.county)
    first, _ = queries_of(client, **FILTERED)
    second, _ = queries_of(client, **FILTERED)
    assert first == second == COUNTY_FILTERED_QUERIES - 1  # no stamp, the tabs counted


def test_the_county_s_kept_counts_are_read_every_time_when_the_cache_is_off(
    client, personas, enterprise_a1, settings
):
    settings.LEDGER_TABS_CACHE_SECONDS = 0
    make_hazard(enterprise_a1, personas.inspector, "deadline")
    login(client, personas.county)
    first, response = queries_of(client)
    second, _ = queries_of(client)
    assert first == second == COUNTY_QUERIES - 1  # no stamp, the kept counts summed
    assert tabs_of(response)["deadline"] == 1


def test_a_keyword_search_of_the_county_is_counted_afresh(client, personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector, "found", description="消防通道堆放杂物")
    login(client, personas.county)
    assert tabs_of(queries_of(client, q="消防通道")[1])[""] == 1
    enterprise_a1.name = "消防通道机械厂"  # an edit that writes no hazard event
    enterprise_a1.save()
    make_hazard(enterprise_a1, personas.inspector, "found", description="灭火器过期")
    assert tabs_of(queries_of(client, q="消防通道")[1])[""] == 2


# --- the filter card's options, kept per scope ----------------------------------------------

# From the cache: the three option queries (townships, cells, inspectors) become one stamp.
CACHED_CHOICES_SAVE = 2


@pytest.mark.parametrize("who", ["supervisor", "county"])
def test_the_scope_options_come_from_the_cache_from_the_second_view_on(
    client, personas, enterprise_a1, settings, who
):
    settings.FILTER_CHOICES_CACHE_SECONDS = 300
    fill(enterprise_a1, personas.inspector, 3)
    login(client, getattr(personas, who))
    queries_of(client)
    counted = {"supervisor": TOWNSHIP_CACHED_QUERIES, "county": COUNTY_CACHED_QUERIES}[who]
    assert queries_of(client)[0] == counted - CACHED_CHOICES_SAVE


def test_a_new_cell_and_a_new_inspector_show_in_the_options_at_once(
    client, personas, grid, settings
):
    from tests.factories import UserFactory, make_cell

    settings.FILTER_CHOICES_CACHE_SECONDS = 300
    login(client, personas.supervisor)
    html = queries_of(client)[1].content.decode()
    assert "北村" not in html and "新来的检查员" not in html
    village = make_cell("北村", grid.village_a1.level, grid.area_a)
    newcomer = UserFactory(username="新来的检查员", first_name="", last_name="")
    newcomer.grid_assignments.create(cell=village)
    html = queries_of(client)[1].content.decode()
    assert "\u3000\u3000\u3000北村</option>" in html
    assert f'<option value="{newcomer.pk}">新来的检查员</option>' in html
