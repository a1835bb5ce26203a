"""The 16号令 季度/年度隐患排查治理情况统计分析表: per township and for the county, on A4."""

import datetime

import pytest
from django.urls import reverse

from hazards.models import Level, Status
from reports import periods
from reports.models import PeriodAnalysis
from tests.conftest import login
from tests.factories import make_hazard
from tests.reports.conftest import bulk_hazards

D = datetime.date


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(at(D(2026, 7, 15)), tick=False)
    return D(2026, 7, 15)


@pytest.fixture
def url():
    return reverse("reports:statistics")


@pytest.fixture
def q1_data(today, seed004, enterprise_b):
    """Seed 004 plus one major hazard in township B found in Q1."""
    bulk_hazards(enterprise_b, 1, level=Level.MAJOR, status=Status.DEADLINE, found_on=D(2026, 3, 9))


def test_the_county_form_gives_the_county_total_and_every_major_hazard(
    client, q1_data, personas, url
):
    login(client, personas.county)
    response = client.get(url, {"period": "2026-Q1"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "示范县2026年第一季度隐患排查治理情况统计分析表" in content
    assert "隐患发现时间 2026-01-01 至 2026-03-31，状态截至 2026-07-15" in content
    assert "未封账，按当前数据统计" in content
    figures = dict(pair for row in response.context["figure_rows"] for pair in row)
    assert figures["一般隐患排查数"] == "670" and figures["重大隐患排查数"] == "6"
    assert len(response.context["majors"]) == 6
    assert "主要负责人（签字）" in content and 'class="print-form statistics-form"' in content


def test_a_township_form_has_that_townships_figures_and_major_hazards_only(
    client, q1_data, personas, url, grid
):
    login(client, personas.county)
    response = client.get(url, {"period": "2026-Q1", "township": grid.town_b.pk})
    figures = dict(pair for row in response.context["figure_rows"] for pair in row)
    assert figures["重大隐患排查数"] == "1" and figures["一般隐患排查数"] == "0"
    assert [h.township_id for h in response.context["majors"]] == [grid.town_b.pk]
    assert "乙镇2026年第一季度" in response.content.decode()


def test_a_supervisor_gets_their_own_township_without_asking(client, q1_data, personas, url):
    login(client, personas.supervisor)
    response = client.get(url, {"period": "2026-Q1"})
    assert response.status_code == 200
    assert response.context["township"].name == "甲镇"
    assert len(response.context["majors"]) == 5
    assert '<option value="">' not in response.content.decode()  # no county form


def test_another_townships_form_is_404_to_a_supervisor(client, q1_data, personas, url, grid):
    login(client, personas.other_supervisor)
    assert client.get(url, {"period": "2026-Q1", "township": grid.town_a.pk}).status_code == 404
    assert client.get(url, {"period": "2026-Q1", "township": "x"}).status_code == 404


def test_inspectors_are_refused_the_statistics_form(client, grid, personas, url, today):
    login(client, personas.inspector)
    assert client.get(url).status_code == 403


def test_the_admin_prints_the_county_form(client, q1_data, personas, url):
    login(client, personas.admin)
    response = client.get(url, {"period": "2026"})
    assert response.status_code == 200
    assert "示范县2026年度隐患排查治理情况统计分析表" in response.content.decode()


def test_a_month_or_a_malformed_period_gets_a_message(client, grid, personas, url, today):
    login(client, personas.county)
    assert "按季度或年度填报" in client.get(url, {"period": "2026-03"}).content.decode()
    assert "格式不正确" in client.get(url, {"period": "2026-Q9"}).content.decode()
    assert "尚未开始" in client.get(url, {"period": "2027"}).content.decode()


def test_a_typed_analysis_prints_but_is_not_saved(client, q1_data, personas, url):
    login(client, personas.county)
    response = client.get(url, {"period": "2026-Q1", "analysis": "一季度整改率较上季度提高"})
    assert response.content.decode().count("一季度整改率较上季度提高") == 2  # box and print
    assert not PeriodAnalysis.objects.exists()


def test_a_closed_period_prints_the_snapshot_figures_and_the_saved_analysis(
    client, q1_data, personas, url, enterprise_a1, time_machine, grid
):
    time_machine.move_to(at(D(2026, 7, 15), 11), tick=False)
    closing = periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"))
    time_machine.move_to(at(D(2026, 7, 20)), tick=False)
    bulk_hazards(enterprise_a1, 4, found_on=D(2026, 2, 10))  # after the closing
    login(client, personas.supervisor)
    response = client.post(
        reverse("reports:statistics_analysis"),
        {"period": "2026-Q1", "township": grid.town_a.pk, "text": "重大隐患整改率 80%"},
    )
    assert response.status_code == 302
    response = client.get(url, {"period": "2026-Q1"})
    figures = dict(pair for row in response.context["figure_rows"] for pair in row)
    assert figures["一般隐患排查数"] == "670"  # the closed figure, not the live 674
    content = response.content.decode()
    assert "封账第1版" in content and "重大隐患整改率 80%" in content
    assert PeriodAnalysis.objects.get().closing == closing


def test_the_analysis_cannot_be_saved_before_the_period_is_closed(client, q1_data, personas):
    login(client, personas.county)
    response = client.post(
        reverse("reports:statistics_analysis"), {"period": "2026-Q1", "text": "分析"}, follow=True
    )
    assert "尚未封账" in response.content.decode()
    assert not PeriodAnalysis.objects.exists()


def test_a_supervisor_cannot_save_the_county_analysis_or_another_townships(
    client, q1_data, personas, grid
):
    periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"))
    login(client, personas.other_supervisor)
    response = client.post(
        reverse("reports:statistics_analysis"),
        {"period": "2026-Q1", "township": grid.town_a.pk, "text": "分析"},
    )
    assert response.status_code == 404
    assert not PeriodAnalysis.objects.exists()


def test_an_inspector_cannot_save_an_analysis(client, q1_data, personas, grid):
    periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"))
    login(client, personas.inspector)
    response = client.post(
        reverse("reports:statistics_analysis"),
        {"period": "2026-Q1", "township": grid.town_a.pk, "text": "分析"},
    )
    assert response.status_code == 403
    assert not PeriodAnalysis.objects.exists()


def test_the_form_query_count_does_not_grow_with_major_hazards(
    client, q1_data, personas, url, enterprise_a1, django_assert_max_num_queries
):
    login(client, personas.county)
    with django_assert_max_num_queries(40) as few:
        client.get(url, {"period": "2026-Q1"})
    bulk_hazards(enterprise_a1, 30, level=Level.MAJOR, found_on=D(2026, 3, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"period": "2026-Q1"})
    assert len(response.context["majors"]) == 36


# --- in a real browser: a 375-px phone, and the form on A4 ----------------------------------

try:
    from tests.browser.conftest import (  # noqa: F401 — fixtures used by the test below
        PHONE,
        Browser,
        browser_type_launch_args,
        journey_factory,
        open_browser,
    )
except pytest.skip.Exception:  # no Chromium on this machine: the browser test is skipped
    PHONE = None

A4_POINTS = (595, 842)


def _pdf_pages(pdf):
    import re

    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(PHONE is None, reason="Chromium is not installed")
def test_the_county_closes_a_quarter_on_a_phone_and_prints_the_form_on_one_a4_page(
    open_browser, journey_factory, personas, enterprise_a1, enterprise_b
):
    from playwright.sync_api import expect

    bulk_hazards(enterprise_a1, 40, found_on=D(2026, 2, 3))
    for n in range(4):
        bulk_hazards(
            enterprise_b, 1, level=Level.MAJOR, found_on=D(2026, 3, 2 + n), description="储罐区"
        )
    journey = journey_factory(None, "periods_phone")
    county = open_browser(PHONE, journey)
    page = county.page
    with journey.step("县级用户登录"):
        county.login(personas.county)
    with journey.step("报表期列表"):
        county.goto("reports:periods")
        county.check_page()
    with journey.step("封账 2026 年第一季度"):
        row = page.locator('[data-period="2026-Q1"]')
        row.get_by_role("button", name="封账上报").click()
        county.message("已封账（第1版）")
        expect(page.locator(".closed-table")).to_contain_text("甲镇")
        county.check_page()
    with journey.step("统计分析表"):
        county.goto("reports:statistics", query="?period=2026-Q1")
        expect(page.locator(".statistics-majors tbody tr")).to_have_count(4)
        county.check_page()
    with journey.step("打印为 A4"):
        page.emulate_media(media="print")
        pdf = page.pdf(prefer_css_page_size=True, print_background=False)
        assert _pdf_pages(pdf) == [A4_POINTS]


def test_the_county_saves_the_county_analysis_and_the_admin_may_not(client, q1_data, personas):
    closing = periods.close_period(by=personas.county, period=periods.parse_period("2026-Q1"))
    login(client, personas.admin)
    response = client.post(
        reverse("reports:statistics_analysis"), {"period": "2026-Q1", "text": "管理员"}, follow=True
    )
    assert "只有县级用户可以填写全县的统计分析" in response.content.decode()
    assert not PeriodAnalysis.objects.exists()
    login(client, personas.county)
    client.post(reverse("reports:statistics_analysis"), {"period": "2026-Q1", "text": "全县分析"})
    saved = PeriodAnalysis.objects.get()
    assert (saved.closing, saved.township, saved.text) == (closing, None, "全县分析")


def test_the_major_hazards_show_their_status_as_of_the_closings_date(
    client, grid, personas, enterprise_a1, time_machine
):
    from hazards import workflow
    from tests.factories import processed_photo

    time_machine.move_to(at(D(2026, 3, 5)), tick=False)
    fixed_later = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    voided = make_hazard(enterprise_a1, personas.inspector, "deadline", level="major")
    time_machine.move_to(at(D(2026, 3, 20)), tick=False)
    workflow.void(voided, by=personas.supervisor, reason="误报")  # never a hazard: not listed
    time_machine.move_to(at(D(2026, 4, 2)), tick=False)
    periods.close_period(
        by=personas.county, period=periods.parse_period("2026-Q1"), as_of=D(2026, 4, 1)
    )
    time_machine.move_to(at(D(2026, 4, 10)), tick=False)
    workflow.report_fixed(
        fixed_later,
        by=personas.inspector,
        fixed_on=D(2026, 4, 10),
        note="已整改",
        after_photos=[processed_photo()],
    )
    login(client, personas.county)
    response = client.get(reverse("reports:statistics"), {"period": "2026-Q1"})
    majors = response.context["majors"]
    assert [h.number for h in majors] == [fixed_later.number]
    assert majors[0].as_of_status == "限期整改"  # today it is 已整改待验收
    assert "状态（截至 2026-04-01）" in response.content.decode()
