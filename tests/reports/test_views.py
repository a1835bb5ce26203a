import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hazards.models import Status
from tests.conftest import login
from tests.reports.conftest import bulk_hazards

D = datetime.date
REPORT_PARAMS = {"found_from": "2026-01-01", "found_to": "2026-06-30", "as_of": "2026-07-15"}

PAGES = ["reports:dashboard", "reports:report", "reports:export_summary", "reports:export_overdue"]


@pytest.fixture
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 7, 15, 10, tzinfo=datetime.UTC), tick=False)
    return D(2026, 7, 15)


@pytest.mark.parametrize("name", PAGES)
def test_inspectors_are_refused_the_report_pages(client, personas, name):
    login(client, personas.inspector)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_log_in(client, grid, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "county", "admin"])
def test_the_dashboard_opens_for_each_reporting_role(client, seed004, personas, persona, today):
    login(client, getattr(personas, persona))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "echarts-6.1.0/echarts.common.min.js" in content
    assert "js/dashboard.js" in content  # renderer "svg": static/js/dashboard.js
    assert 'id="chart-data"' in content


def test_the_dashboard_shows_the_figures_of_the_year_in_scope(client, seed004, personas, today):
    login(client, personas.supervisor)
    response = client.get(reverse("reports:dashboard"))
    figures = response.context["figures"]
    assert (figures.found, figures.rectified, figures.overdue) == (1183, 1111, 40)
    assert figures.major_open == 1
    data = json.loads(
        response.content.decode()
        .split('id="chart-data" type="application/json">')[1]
        .split("</script>")[0]
    )
    # The chart reads the same table as the one beside it.
    assert [t["label"] for t in data["townships"]] == ["甲镇"]
    assert data["townships"][0]["rate"] == float(response.context["by_township"].rows[0].rate)
    assert len(data["trend"]) == 12
    assert len(response.context["overdue"]) == 10


def test_another_townships_supervisor_sees_none_of_it(client, seed004, personas, today):
    login(client, personas.other_supervisor)
    response = client.get(reverse("reports:dashboard"))
    # Township B's own two hazards (found in July) and nothing of township A's 1183.
    assert response.context["figures"].found == 2
    assert response.context["overdue"] == []
    assert "甲镇" not in response.content.decode()


def test_the_dashboard_query_count_does_not_grow(
    client, grid, personas, enterprise_a1, today, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.county)
    bulk_hazards(enterprise_a1, 2, status=Status.DEADLINE, deadline=D(2026, 5, 1))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:dashboard"))
    bulk_hazards(enterprise_a1, 40, status=Status.DEADLINE, deadline=D(2026, 5, 1))
    bulk_hazards(enterprise_a1, 40, status=Status.CLOSED)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:dashboard"))


def test_a_second_view_of_the_dashboard_reads_the_figures_kept_in_the_cache(
    client, seed004, personas, today
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.supervisor)
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("reports:dashboard"))
    # Counted at 10:00 UTC, 18:00 in Asia/Shanghai; the page says so.
    assert "统计截至 18:00" in response.content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(reverse("reports:dashboard"))
    assert len(second.captured_queries) < len(first.captured_queries) - 5
    figures = again.context["figures"]
    assert (figures.found, figures.rectified, figures.overdue) == (1183, 1111, 40)
    assert len(again.context["overdue"]) == 10
    # Another township's supervisor has another scope: never the cached tables of A.
    client.logout()
    login(client, personas.other_supervisor)
    assert client.get(reverse("reports:dashboard")).context["figures"].found == 2


def test_a_hazard_transition_shows_on_the_dashboard_at_once(client, seed004, grid, personas, today):
    from hazards import workflow
    from hazards.models import Hazard

    login(client, personas.supervisor)
    assert client.get(reverse("reports:dashboard")).context["figures"].found == 1183
    hazard = Hazard.objects.get(status=Status.FOUND, township=grid.town_a)
    workflow.void(hazard, by=personas.supervisor, reason="误报")
    assert client.get(reverse("reports:dashboard")).context["figures"].found == 1182


def test_an_edit_without_a_new_record_shows_once_the_cache_time_is_over(
    client, seed004, personas, today, time_machine, settings
):
    import datetime as dt

    from hazards.models import Hazard

    settings.DASHBOARD_CACHE_SECONDS = 300
    login(client, personas.supervisor)
    assert client.get(reverse("reports:dashboard")).context["figures"].overdue == 40
    overdue = Hazard.objects.filter(status=Status.DEADLINE, deadline=D(2026, 5, 1))
    overdue.filter(pk__in=list(overdue.values_list("pk", flat=True)[:5])).update(
        deadline=D(2026, 8, 1), original_deadline=D(2026, 8, 1)
    )
    assert client.get(reverse("reports:dashboard")).context["figures"].overdue == 40
    time_machine.shift(dt.timedelta(seconds=301))
    response = client.get(reverse("reports:dashboard"))
    assert response.context["figures"].overdue == 35
    assert "统计截至 18:05" in response.content.decode()


def test_the_dashboard_can_be_counted_afresh_for_every_view(
    client, seed004, personas, today, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DASHBOARD_CACHE_SECONDS = 0
    login(client, personas.supervisor)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("reports:dashboard"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("reports:dashboard"))
    assert len(second.captured_queries) == len(first.captured_queries)


def test_the_report_prints_its_basis_and_the_table_with_links(client, seed004, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:report"), REPORT_PARAMS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "隐患发现时间 2026-01-01 至 2026-06-30，状态截至 2026-07-15" in content
    assert "93.97%" in content and "80.00%" in content
    assert "合计" in content
    table = response.context["table"]
    assert [r.label for r in table.rows] == ["甲镇", "乙镇"]
    if table.rows[0].links["found"]:
        assert table.rows[0].links["found"].replace("&", "&amp;") in content
    assert reverse("reports:export_summary") in content


def test_the_report_of_a_closed_period_says_so_and_links_to_the_closed_table(
    client, seed004, personas, today
):
    from reports import periods

    periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"), as_of=today)
    login(client, personas.county)
    quarter = {"found_from": "2026-01-01", "found_to": "2026-03-31", "as_of": "2026-07-15"}
    content = client.get(reverse("reports:report"), quarter).content.decode()
    assert "该期已封账上报（第1版" in content
    assert reverse("reports:period_detail", args=["2026-Q1"]) in content
    content = client.get(reverse("reports:report"), REPORT_PARAMS).content.decode()
    assert "该期已封账上报" not in content


def test_a_township_without_hazards_shows_a_dash(client, seed004, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:report"), REPORT_PARAMS)
    content = response.content.decode()
    town_b = personas.other_supervisor.grid_assignments.get().cell_id
    row = content.split(f'data-key="{town_b}"')
    assert 'class="rate">—<' in row[1].split("</tr>")[0]


def test_the_report_defaults_to_this_year_as_of_today(client, grid, personas, today):
    login(client, personas.county)
    response = client.get(reverse("reports:report"))
    assert "隐患发现时间 2026-01-01 至 2026-07-15，状态截至 2026-07-15" in (
        response.content.decode()
    )


@pytest.mark.parametrize("group", ["township", "cell", "industry", "month"])
def test_each_grouping_renders(client, seed004, personas, group):
    login(client, personas.county)
    response = client.get(reverse("reports:report"), {**REPORT_PARAMS, "group": group})
    assert response.status_code == 200
    assert response.context["table"].total.found == 1183


def test_bad_report_input_gets_a_message_and_no_table(client, grid, personas):
    login(client, personas.county)
    response = client.get(
        reverse("reports:report"), {"found_from": "2026-06-01", "found_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert response.context["table"] is None
    assert "结束日不能早于开始日" in response.content.decode()


def test_a_supervisor_cannot_pick_another_township(client, grid, personas):
    login(client, personas.supervisor)
    response = client.get(reverse("reports:report"), {"township": grid.town_b.pk})
    assert response.context["table"] is None


def test_the_report_query_count_does_not_grow(
    client, grid, personas, enterprise_a1, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.county)
    bulk_hazards(enterprise_a1, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:report"), REPORT_PARAMS)
    bulk_hazards(enterprise_a1, 100, status=Status.FIXED)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:report"), REPORT_PARAMS)


def _xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_summary_download_is_the_page_in_excel(client, seed004, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:export_summary"), REPORT_PARAMS)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = _xlsx(response)["汇总"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["甲镇", "乙镇", "合计"]
    assert rows[0][5:7] == (1178, 1107)


def test_a_supervisors_summary_download_has_only_their_township(client, seed004, personas):
    login(client, personas.supervisor)
    response = client.get(reverse("reports:export_summary"), REPORT_PARAMS)
    rows = list(_xlsx(response)["汇总"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["甲镇", "合计"]


def test_a_bad_summary_download_redirects_with_a_message(client, grid, personas):
    login(client, personas.county)
    response = client.get(reverse("reports:export_summary"), {"found_from": "x"}, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reports:report"))
    assert any("发现日期从" in str(m) for m in response.context["messages"])


def test_the_ledger_download_has_the_lists_rows(
    client, grid, personas, enterprise_a1, enterprise_b
):
    bulk_hazards(enterprise_a1, 4)
    bulk_hazards(enterprise_b, 2)
    login(client, personas.supervisor)
    response = client.get(reverse("reports:export_ledger"))
    assert response.status_code == 200
    ws = _xlsx(response)["隐患台账"]
    assert ws.max_row - 2 == 4


def test_a_large_export_is_handed_to_a_background_job(
    client, grid, personas, enterprise_a1, settings
):
    from jobs.models import Job

    settings.JOB_THRESHOLD_ROWS = 3
    bulk_hazards(enterprise_a1, 5)
    login(client, personas.county)
    response = client.get(reverse("reports:export_ledger"), {"level": "general"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.kind == "export_ledger" and job.user == personas.county
    assert job.params == {"level": ["general"]}


def test_the_overdue_download(client, grid, personas, enterprise_a1, today):
    bulk_hazards(enterprise_a1, 2, status=Status.DEADLINE, deadline=D(2026, 7, 1))
    login(client, personas.supervisor)
    response = client.get(reverse("reports:export_overdue"))
    assert response.status_code == 200
    ws = _xlsx(response)["逾期清单"]
    assert ws.max_row - 2 == 2


def test_the_daily_download(client, grid, personas, enterprise_a1):
    from tests.reports.conftest import bulk_inspection

    bulk_inspection(enterprise_a1, personas.inspector, date=D(2026, 3, 1))
    login(client, personas.supervisor)
    response = client.get(
        reverse("reports:export_daily"), {"date": "2026-03-01", "township": grid.town_a.pk}
    )
    assert response.status_code == 200
    assert _xlsx(response)["检查情况"].max_row - 2 == 1
    login(client, personas.inspector)
    assert client.get(reverse("reports:export_daily")).status_code == 403
