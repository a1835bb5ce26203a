"""The report page (汇总) keeps its table in the cache by scope, criteria and data stamp; the
export and a closed period's page count afresh."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hazards import workflow
from hazards.models import Hazard
from inspections.models import Inspection
from reports import periods
from tests.conftest import login
from tests.factories import make_hazard
from tests.reports.conftest import bulk_hazards, bulk_inspection

D = datetime.date
PARAMS = {"found_from": "2026-01-01", "found_to": "2026-06-30", "as_of": "2026-07-15"}
QUARTER = {"found_from": "2026-01-01", "found_to": "2026-03-31", "as_of": "2026-07-15"}


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 7, 15, 10, tzinfo=datetime.UTC), tick=False)
    return D(2026, 7, 15)


@pytest.fixture
def cached(settings):
    settings.REPORT_CACHE_SECONDS = 300


@pytest.fixture
def ten_hazards(grid, personas, enterprise_a1, today):
    """Ten general hazards of 甲镇 found on 2026-03-01, and one inspection."""
    bulk_hazards(enterprise_a1, 10)
    bulk_inspection(enterprise_a1, personas.supervisor, date=D(2026, 3, 1))
    return Hazard.objects.order_by("pk")


def view(client, params=PARAMS):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:report"), params)
    assert response.status_code == 200
    return response, queries.captured_queries


def found(response):
    return response.context["table"].total.found


def move_out_of_the_period(hazards, n):
    """An edit that writes no new record: ``n`` hazards found a year earlier."""
    Hazard.objects.filter(pk__in=[h.pk for h in hazards[:n]]).update(found_on=D(2025, 3, 1))


def test_the_second_view_of_the_same_table_is_served_from_the_cache(
    client, personas, ten_hazards, cached
):
    login(client, personas.county)
    first, first_queries = view(client)
    second, second_queries = view(client)
    assert found(first) == found(second) == 10
    assert not any("WITH base AS" in q["sql"] for q in second_queries)
    assert len(second_queries) < len(first_queries)
    assert second.context["table"].computed_at == first.context["table"].computed_at


def test_other_criteria_or_another_scope_are_counted_on_their_own(
    client, personas, ten_hazards, cached
):
    login(client, personas.county)
    assert found(view(client)[0]) == 10
    assert found(view(client, {**PARAMS, "found_from": "2026-03-02"})[0]) == 0
    login(client, personas.other_supervisor)  # 乙镇: none of 甲镇's hazards
    assert found(view(client)[0]) == 0


def test_a_new_hazard_shows_at_once(client, personas, enterprise_a1, ten_hazards, cached):
    login(client, personas.county)
    assert found(view(client)[0]) == 10
    bulk_hazards(enterprise_a1, 1)
    assert found(view(client)[0]) == 11


def test_a_hazard_transition_shows_at_once(client, personas, enterprise_a1, ten_hazards, cached):
    hazard = make_hazard(enterprise_a1, personas.supervisor, found_on=D(2026, 3, 2))
    login(client, personas.county)
    assert found(view(client)[0]) == 11
    workflow.void(hazard, by=personas.supervisor, reason="误报")
    assert found(view(client)[0]) == 10


def test_a_new_inspection_shows_at_once(client, personas, enterprise_a1, ten_hazards, cached):
    login(client, personas.county)
    assert view(client)[0].context["table"].total.visits == 1
    bulk_inspection(enterprise_a1, personas.supervisor, date=D(2026, 3, 2))
    assert view(client)[0].context["table"].total.visits == 2


def test_a_draft_inspection_submitted_shows_at_once(
    client, personas, enterprise_a1, ten_hazards, cached, time_machine
):
    """Submitting writes no new record: the stamp reads the latest submission time (the
    server's clock, inspections.services.submit)."""
    draft = bulk_inspection(enterprise_a1, personas.supervisor, date=D(2026, 3, 2))
    Inspection.objects.filter(pk=draft.pk).update(status=Inspection.Status.DRAFT, submitted_at=None)
    login(client, personas.county)
    assert view(client)[0].context["table"].total.visits == 1
    time_machine.shift(datetime.timedelta(seconds=1))
    Inspection.objects.filter(pk=draft.pk).update(
        status=Inspection.Status.SUBMITTED, submitted_at=timezone.now()
    )
    assert view(client)[0].context["table"].total.visits == 2


def test_an_edit_without_a_new_record_shows_once_the_cache_time_is_over(
    client, personas, ten_hazards, cached, time_machine
):
    login(client, personas.county)
    response = view(client)[0]
    assert found(response) == 10
    content = response.content.decode()
    assert "统计时间 2026-07-15 18:00" in content
    assert "其他修改（如企业行业、网格名称的修改）最迟 5 分钟后计入" in content
    move_out_of_the_period(ten_hazards, 3)
    assert found(view(client)[0]) == 10
    time_machine.shift(datetime.timedelta(seconds=301))
    response = view(client)[0]
    assert found(response) == 7
    assert "统计时间 2026-07-15 18:05" in response.content.decode()


def test_the_page_can_be_counted_afresh_for_every_view(client, personas, ten_hazards, settings):
    settings.REPORT_CACHE_SECONDS = 0
    login(client, personas.county)
    first, first_queries = view(client)
    move_out_of_the_period(ten_hazards, 3)
    second, second_queries = view(client)
    assert (found(first), found(second)) == (10, 7)
    assert len(second_queries) == len(first_queries)
    content = second.content.decode()
    assert "统计时间 2026-07-15 18:00" in content and "最迟" not in content


def test_the_excel_export_never_reads_the_cache(client, personas, ten_hazards, cached):
    login(client, personas.county)
    assert found(view(client)[0]) == 10
    move_out_of_the_period(ten_hazards, 3)
    assert found(view(client)[0]) == 10  # the page: from the cache
    response = client.get(reverse("reports:export_summary"), PARAMS)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["汇总"].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == "甲镇" and rows[0][5] == 7


def test_the_page_of_a_closed_period_counts_afresh(client, personas, ten_hazards, cached, today):
    periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"), as_of=today)
    login(client, personas.county)
    first, first_queries = view(client, QUARTER)
    move_out_of_the_period(ten_hazards, 3)
    second, second_queries = view(client, QUARTER)
    assert (found(first), found(second)) == (10, 7)
    assert any("WITH base AS" in q["sql"] for q in second_queries)
    content = second.content.decode()
    assert "该期已封账上报（第1版" in content and "最迟" not in content


def test_the_forms_selects_write_djangos_options_without_the_blank_lines(personas, grid):
    import re

    from django import forms
    from django.http import QueryDict

    from reports.forms import ReportForm

    data = QueryDict(f"township={grid.town_a.pk}&cell={grid.village_a1.pk}&group=cell")
    plain = ReportForm(data, user=personas.county)
    django = ReportForm(data, user=personas.county)
    for field in django.fields.values():
        if isinstance(field.widget, forms.Select):
            field.widget = forms.Select(choices=field.widget.choices)
    for name in ("township", "cell", "industry", "inspector", "source", "group"):
        expected = re.sub(r"\n\s*\n", "\n", str(django[name]))
        assert str(plain[name]) == expected
    assert f'<option value="{grid.village_a1.pk}" selected>' in str(plain["cell"])
