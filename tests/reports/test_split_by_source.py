"""Reports split by 隐患来源: under a source filter the hazard figures count only that
source's hazards, the inspection and enforcement figures stay; the sources add up to the
whole, on the page, in its links and in the county Excel."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hazards.models import Hazard, Level, Source, Status
from reports import queries
from reports.forms import ReportForm
from tests.conftest import login
from tests.reports.conftest import AS_OF, PERIOD_FROM, PERIOD_TO, D, bulk_hazards

pytestmark = pytest.mark.django_db

HAZARD_FIGURES = [*queries.HAZARD_FIGURES]
OTHER_FIGURES = [*queries.INSPECTION_FIGURES, *queries.ENFORCEMENT_FIGURES]
PARAMS = {"found_from": "2026-01-01", "found_to": "2026-06-30", "as_of": "2026-07-15"}


def mark(hazards, source):
    Hazard.objects.filter(pk__in=[h.pk for h in hazards]).update(source=source)


@pytest.fixture
def sources(seed004, enterprise_a1, enterprise_b):
    """Seed 004 with its hazards spread over the sources, in both townships."""
    mark(Hazard.objects.filter(status=Status.CLOSED, level=Level.GENERAL)[:100], Source.SELF)
    mark(Hazard.objects.filter(status=Status.FIXED)[:50], Source.REPORT)
    mark(Hazard.objects.filter(status=Status.DEADLINE)[:10], Source.COUNTY)
    mark(Hazard.objects.filter(level=Level.MAJOR, status=Status.CLOSED)[:1], Source.IMPORT)
    bulk_hazards(enterprise_b, 7, status=Status.DEADLINE, deadline=D(2026, 5, 1))
    mark(Hazard.objects.filter(enterprise=enterprise_b, found_on__lte=PERIOD_TO), Source.REPORT)


def table(user, group_by=queries.GROUP_TOWNSHIP, **filters):
    return queries.report_table(user, PERIOD_FROM, PERIOD_TO, AS_OF, group_by, **filters)


def figures(row, names):
    return {name: getattr(row, name) for name in names}


@pytest.mark.parametrize(
    "group_by", [queries.GROUP_TOWNSHIP, queries.GROUP_INDUSTRY, queries.GROUP_MONTH]
)
def test_the_sources_add_up_to_the_whole_in_every_row_and_the_total(sources, personas, group_by):
    whole = table(personas.county, group_by)
    parts = [table(personas.county, group_by, source=s) for s in Source.values]
    for i, row in enumerate([*whole.rows, whole.total]):
        split = [([*p.rows, p.total])[i] for p in parts]
        for name in HAZARD_FIGURES:
            assert sum(getattr(r, name) for r in split) == getattr(row, name), (row.label, name)
        # Not hazards: the same under every source filter.
        for r in split:
            assert figures(r, OTHER_FIGURES) == figures(row, OTHER_FIGURES)
    assert whole.total.found > 0


def test_a_source_filter_counts_only_that_sources_hazards(sources, personas):
    tip_offs = table(personas.county, source=Source.REPORT)
    expected = Hazard.objects.counted().filter(
        source=Source.REPORT, found_on__gte=PERIOD_FROM, found_on__lte=PERIOD_TO
    )
    assert tip_offs.total.found == expected.count() == 57
    assert [r.found for r in tip_offs.rows] == [50, 7]
    assert "隐患来源：举报" in tip_offs.basis


def test_the_hazard_links_carry_the_source_and_the_inspection_links_do_not(sources, personas):
    links = table(personas.county, source=Source.SELF).total.links
    assert "source=self" in links["found"] and "source=self" in links["overdue"]
    assert "source=" not in links["visits"] and "source=" not in links["documents"]


def test_the_report_page_offers_the_source_filter(client, sources, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:report"), {**PARAMS, "source": "report"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "隐患来源" in body and "隐患来源：举报" in body
    assert response.context["table"].total.found == 57


def test_an_unknown_source_is_a_chinese_error_and_no_table(client, grid, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:report"), {**PARAMS, "source": "rumour"})
    assert response.context["table"] is None
    form = ReportForm({**PARAMS, "source": "rumour"}, user=personas.county)
    assert not form.is_valid() and "隐患来源" in form.error_message()


def test_the_county_excel_splits_by_source_and_adds_up(client, sources, personas):
    login(client, personas.county)

    def found(source):
        params = {**PARAMS, "source": source} if source else PARAMS
        response = client.get(reverse("reports:export_summary"), params)
        ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["汇总"]
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        return {r[0]: (r[5], r[8]) for r in rows if r[0] in ("甲镇", "乙镇", "合计")}

    whole = found("")
    parts = [found(s) for s in Source.values]
    for name, (general, major) in whole.items():
        assert sum(p[name][0] for p in parts) == general
        assert sum(p[name][1] for p in parts) == major
    assert found(Source.REPORT)["合计"][0] == 57


def test_the_hazard_list_behind_a_source_filtered_figure_selects_that_source(sources, personas):
    from django.http import QueryDict

    from hazards.selectors import hazard_list

    link = table(personas.county, source=Source.REPORT).total.links["found"]
    filterset = hazard_list(personas.county, QueryDict(link.split("?", 1)[1]))
    assert "source" in filterset.filters
    assert filterset.qs.count() == 57
