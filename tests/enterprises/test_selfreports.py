"""自查自报: the enterprise's monthly and quarterly reports, their corrections, and the
offices' 应报 / 已报 / 录入率 / 季报率 with the list of those that have not reported."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises import selfreports
from enterprises.models import (
    EnterpriseAccount,
    EnterpriseStatus,
    MonthlySelfReport,
    QuarterlySelfReport,
    SelfReportCorrection,
)
from grid import roles
from notifications.models import Cause, Notification
from tests.conftest import login
from tests.factories import EnterpriseFactory, UserFactory, make_hazard

CST = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=CST)
OCTOBER = selfreports.Period.month(2026, 10)
Q3 = selfreports.Period.quarter(2026, 3)


@pytest.fixture(autouse=True)
def _november_tenth():
    with time_machine.travel(NOW, tick=False):
        yield


def account_user(enterprise, username, active=True):
    user = UserFactory(username=username, role=roles.ENTERPRISE, is_active=active)
    EnterpriseAccount.objects.create(user=user, enterprise=enterprise, must_change_password=False)
    return user


@pytest.fixture
def qy_a1(enterprise_a1):
    return account_user(enterprise_a1, "qy_a1")


@pytest.fixture
def qy_a2(enterprise_a2):
    return account_user(enterprise_a2, "qy_a2")


def in_october(day=15):
    return datetime.datetime(2026, 10, day, 10, 0, tzinfo=CST)


# --- The rules of the records ---------------------------------------------------------------


def test_the_database_refuses_a_thirteenth_month_and_a_fifth_quarter(enterprise_a1, qy_a1):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlySelfReport.objects.create(
            enterprise=enterprise_a1, year=2026, month=13, no_hazards=True, submitted_by=qy_a1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        QuarterlySelfReport.objects.create(
            enterprise=enterprise_a1,
            year=2026,
            quarter=5,
            as_of=NOW.date(),
            principal="王强",
            signed_on=NOW.date(),
            submitted_by=qy_a1,
        )


def test_the_database_keeps_one_report_per_enterprise_and_month(enterprise_a1, qy_a1):
    MonthlySelfReport.objects.create(
        enterprise=enterprise_a1, year=2026, month=10, no_hazards=True, submitted_by=qy_a1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlySelfReport.objects.create(
            enterprise=enterprise_a1, year=2026, month=10, no_hazards=True, submitted_by=qy_a1
        )


def test_the_database_refuses_no_hazards_with_hazards_found(enterprise_a1, qy_a1):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlySelfReport.objects.create(
            enterprise=enterprise_a1,
            year=2026,
            month=10,
            no_hazards=True,
            found=2,
            submitted_by=qy_a1,
        )


def test_a_month_to_come_is_refused_in_chinese_and_nothing_is_written(enterprise_a1, qy_a1):
    with pytest.raises(ValidationError) as refused:
        selfreports.submit_monthly(
            enterprise_a1, by=qy_a1, period=selfreports.Period.month(2026, 12), no_hazards=True
        )
    assert "尚未到来" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        selfreports.submit_quarterly(
            enterprise_a1,
            by=qy_a1,
            period=selfreports.Period.quarter(2027, 1),
            principal="王强",
            signed_on=NOW.date(),
        )
    assert not MonthlySelfReport.objects.exists() and not QuarterlySelfReport.objects.exists()


def test_the_counts_of_a_month_are_read_from_the_hazard_records(personas, enterprise_a1, qy_a1):
    make_hazard(enterprise_a1, personas.inspector, "fixed", at=in_october(3))
    make_hazard(enterprise_a1, personas.inspector, "deadline", at=in_october(20))
    make_hazard(enterprise_a1, personas.inspector, "void", at=in_october(21))
    make_hazard(enterprise_a1, personas.inspector, "found", at=NOW)  # November
    report = selfreports.submit_monthly(
        enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=False, note="已全部登记"
    )
    assert (report.found, report.fixed, report.no_hazards) == (2, 1, False)


def test_no_hazards_is_refused_when_the_month_holds_a_hazard(personas, enterprise_a1, qy_a1):
    make_hazard(enterprise_a1, personas.inspector, "found", at=in_october())
    with pytest.raises(ValidationError) as refused:
        selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    assert "本月已登记隐患 1 项" in str(refused.value)
    assert not MonthlySelfReport.objects.exists()


def test_a_month_without_hazards_must_be_reported_as_none_found(enterprise_a1, qy_a1):
    with pytest.raises(ValidationError) as refused:
        selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=False)
    assert "本月未发现隐患" in str(refused.value)
    report = selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    assert (report.found, report.no_hazards) == (0, True)


def test_a_month_reported_already_gives_back_the_earlier_report(enterprise_a1, qy_a1):
    first = selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    with pytest.raises(selfreports.AlreadyReported) as again:
        selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    assert again.value.report == first
    assert MonthlySelfReport.objects.count() == 1


def test_a_correction_needs_a_reason_and_keeps_the_earlier_values(personas, enterprise_a1, qy_a1):
    report = selfreports.submit_monthly(
        enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True, note="无"
    )
    make_hazard(enterprise_a1, personas.inspector, "found", at=in_october())  # 补录
    with pytest.raises(ValidationError):
        selfreports.correct_monthly(report, by=qy_a1, no_hazards=False, note="补录一项", reason=" ")
    report.refresh_from_db()
    assert (report.no_hazards, report.version) == (True, 1)
    assert not SelfReportCorrection.objects.exists()

    selfreports.correct_monthly(
        report, by=qy_a1, no_hazards=False, note="补录一项", reason="漏报了配电箱隐患"
    )
    report.refresh_from_db()
    assert (report.no_hazards, report.found, report.version) == (False, 1, 2)
    correction = SelfReportCorrection.objects.get()
    assert correction.monthly == report and correction.version == 1
    assert correction.before == {"no_hazards": True, "found": 0, "fixed": 0, "note": "无"}
    assert correction.reason == "漏报了配电箱隐患"


def test_a_correction_from_a_stale_version_writes_nothing(enterprise_a1, qy_a1):
    report = selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    stale = MonthlySelfReport.objects.get(pk=report.pk)
    selfreports.correct_monthly(report, by=qy_a1, no_hazards=True, note="一", reason="补充说明")
    with pytest.raises(ValidationError):
        selfreports.correct_monthly(stale, by=qy_a1, no_hazards=True, note="二", reason="再补充")
    assert SelfReportCorrection.objects.count() == 1
    assert MonthlySelfReport.objects.get().note == "一"


def test_the_quarterly_figures_are_frozen_at_submission(personas, enterprise_a1, qy_a1):
    make_hazard(enterprise_a1, personas.inspector, "fixed", at=in_october(2) - 30 * DAY)
    make_hazard(enterprise_a1, personas.inspector, "deadline", at=in_october(2) - 60 * DAY)
    report = selfreports.submit_quarterly(
        enterprise_a1, by=qy_a1, period=Q3, principal="王强", signed_on=NOW.date()
    )
    assert report.figures["found_general"] == 2
    assert report.figures["rectified_general"] == 1
    assert report.as_of == NOW.date()
    make_hazard(enterprise_a1, personas.inspector, "found", at=in_october(2) - 10 * DAY)
    report.refresh_from_db()
    assert report.figures["found_general"] == 2


def test_only_the_enterprise_files_its_reports(personas, enterprise_a1):
    with pytest.raises(Exception) as refused:
        selfreports.submit_monthly(
            enterprise_a1, by=personas.supervisor, period=OCTOBER, no_hazards=True
        )
    assert refused.type.__name__ == "PermissionDenied"


DAY = datetime.timedelta(days=1)


# --- The enterprise's pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("inspector", 403), ("supervisor", 403), ("county", 403), ("admin", 403)],
)
def test_the_self_report_pages_are_the_enterprises_only(client, personas, who, status):
    login(client, getattr(personas, who))
    assert client.get(reverse("enterprises:selfreports")).status_code == status
    assert client.get(reverse("enterprises:selfreport_month", args=["2026-10"])).status_code == 403


def test_the_enterprise_lists_its_months_and_quarters(client, enterprise_a1, qy_a1):
    selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    login(client, qy_a1)
    response = client.get(reverse("enterprises:selfreports"))
    assert response.status_code == 200
    months = dict((p.key, r) for p, r in response.context["months"])
    assert months["2026-10"] is not None and months["2026-09"] is None
    assert "2026年10月" in response.text


def test_the_enterprise_files_a_month_on_its_page(client, enterprise_a1, qy_a1):
    login(client, qy_a1)
    url = reverse("enterprises:selfreport_month", args=["2026-10"])
    response = client.post(url, {"no_hazards": "on", "note": "本月自查三次"})
    assert response.status_code == 302
    report = MonthlySelfReport.objects.get()
    assert (report.enterprise, report.no_hazards, report.submitted_by) == (
        enterprise_a1,
        True,
        qy_a1,
    )


def test_a_second_filing_without_a_reason_shows_the_earlier_and_changes_nothing(
    client, enterprise_a1, qy_a1
):
    selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True, note="一")
    login(client, qy_a1)
    url = reverse("enterprises:selfreport_month", args=["2026-10"])
    assert "已填报" in client.get(url).text
    response = client.post(url, {"no_hazards": "on", "note": "二"})
    assert response.status_code == 400
    assert "更正已填报的内容须写明更正原因" in response.text
    assert MonthlySelfReport.objects.get().note == "一"
    response = client.post(url, {"no_hazards": "on", "note": "二", "reason": "补充说明"})
    assert response.status_code == 302
    assert MonthlySelfReport.objects.get().note == "二"
    assert SelfReportCorrection.objects.get().before["note"] == "一"


def test_a_future_month_page_refuses_to_file(client, qy_a1):
    login(client, qy_a1)
    url = reverse("enterprises:selfreport_month", args=["2026-12"])
    response = client.post(url, {"no_hazards": "on"})
    assert response.status_code == 400 and "不能填报尚未到来的期间" in response.text
    assert not MonthlySelfReport.objects.exists()
    assert client.get(reverse("enterprises:selfreport_month", args=["2026-13"])).status_code == 404


def test_the_enterprise_files_a_quarter_and_prints_it(client, enterprise_a1, qy_a1):
    login(client, qy_a1)
    url = reverse("enterprises:selfreport_quarter", args=["2026-Q3"])
    response = client.post(url, {"principal": "王强", "signed_on": "2026-11-09"})
    assert response.status_code == 302
    report = QuarterlySelfReport.objects.get()
    printed = client.get(reverse("enterprises:selfreport_quarter_print", args=[report.pk]))
    assert printed.status_code == 200
    assert "主要负责人（签字）" in printed.text and "王强" in printed.text
    assert "print-form" in printed.text


@pytest.fixture
def quarter_a1(enterprise_a1, qy_a1):
    return selfreports.submit_quarterly(
        enterprise_a1, by=qy_a1, period=Q3, principal="王强", signed_on=NOW.date()
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("qy_a2", 404),
        ("inspector", 200),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_supervisor", 404),
        ("other_inspector", 404),
    ],
)
def test_the_printed_quarter_by_role(client, personas, qy_a2, quarter_a1, who, status):
    user = qy_a2 if who == "qy_a2" else getattr(personas, who)
    login(client, user)
    url = reverse("enterprises:selfreport_quarter_print", args=[quarter_a1.pk])
    assert client.get(url).status_code == status


def test_a_quarter_without_a_principal_is_refused_and_nothing_is_written(client, qy_a1):
    login(client, qy_a1)
    url = reverse("enterprises:selfreport_quarter", args=["2026-Q3"])
    response = client.post(url, {"principal": " ", "signed_on": "2026-11-09"})
    assert response.status_code == 400
    assert not QuarterlySelfReport.objects.exists()


# --- The offices: 应报 / 已报 / 录入率 / 季报率 -----------------------------------------------


@pytest.fixture
def reporting(personas, grid, enterprise_a1, enterprise_a2, enterprise_b, qy_a1, qy_a2):
    """A1 filed October and Q4 (the quarter October lies in); A2 filed nothing; B (other township) filed October; an
    enterprise of A2 without an account and a closed one with an account are not 应报."""
    account_user(enterprise_b, "qy_b")
    EnterpriseFactory(name="无账号厂", cell=grid.village_a2)
    closed = EnterpriseFactory(
        name="已关闭厂", cell=grid.village_a2, status=EnterpriseStatus.CLOSED
    )
    account_user(closed, "qy_closed")
    selfreports.submit_monthly(enterprise_a1, by=qy_a1, period=OCTOBER, no_hazards=True)
    selfreports.submit_quarterly(
        enterprise_a1,
        by=qy_a1,
        period=selfreports.Period.quarter(2026, 4),
        principal="王强",
        signed_on=NOW.date(),
    )
    qy_b = EnterpriseAccount.objects.get(user__username="qy_b").user
    selfreports.submit_monthly(enterprise_b, by=qy_b, period=OCTOBER, no_hazards=True)


def rates_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("enterprises:selfreport_rates") + (f"?{query}" if query else "")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("inspector", 403),
        ("supervisor", 200),
        ("county", 200),
        ("admin", 200),
        ("other_supervisor", 200),
    ],
)
def test_the_rates_page_by_role(client, personas, reporting, who, status):
    login(client, getattr(personas, who))
    assert client.get(rates_url(month="2026-09")).status_code == status


def test_an_enterprise_account_may_not_read_the_rates(client, qy_a1):
    login(client, qy_a1)
    assert client.get(rates_url(month="2026-10")).status_code == 403


def test_the_township_sees_its_rates_by_village_and_its_non_reporters(
    client, personas, reporting, enterprise_a1, enterprise_a2
):
    login(client, personas.supervisor)
    response = client.get(rates_url(month="2026-10", group="cell"))
    total = response.context["total"]
    assert (total["expected"], total["monthly"], total["quarterly"]) == (2, 1, 1)
    assert total["monthly_rate"] == "50.00%" and total["quarterly_rate"] == "50.00%"
    by_cell = {r["key"]: (r["expected"], r["monthly"]) for r in response.context["rows"]}
    assert by_cell == {enterprise_a1.cell_id: (1, 1), enterprise_a2.cell_id: (1, 0)}
    assert [e.name for e in response.context["missing"]] == ["西村建材厂"]
    assert "南村化工厂" not in response.text and "应报：" in response.text


def test_the_rates_by_industry_add_up_to_the_same_total(client, personas, reporting):
    login(client, personas.county)
    by_cell = client.get(rates_url(month="2026-10", group="cell")).context["total"]
    by_industry = client.get(rates_url(month="2026-10", group="industry")).context["total"]
    assert by_cell == by_industry
    assert by_cell["expected"] == 3 and by_cell["monthly"] == 2


def test_the_rates_computed_equal_the_list_of_non_reporters(client, personas, reporting):
    login(client, personas.county)
    response = client.get(rates_url(month="2026-10"))
    total, missing = response.context["total"], response.context["missing"]
    assert total["expected"] - total["monthly"] == sum(not e.has_monthly for e in missing)
    assert total["expected"] - total["quarterly"] == sum(not e.has_quarterly for e in missing)


def test_a_month_to_come_on_the_rates_page_is_a_chinese_error(client, personas, reporting):
    login(client, personas.supervisor)
    response = client.get(rates_url(month="2027-01"))
    assert response.status_code == 400 and "尚未到来" in response.text
    assert client.get(rates_url(month="2026-13")).status_code == 400


# --- 发送提醒 -------------------------------------------------------------------------------


def remind(client, enterprise, period="2026-10"):
    return client.post(
        reverse("enterprises:selfreport_remind"),
        {"enterprise": enterprise.pk, "period": period, "month": "2026-10"},
    )


def test_a_reminder_notifies_the_enterprises_accounts_once(
    client, personas, reporting, enterprise_a2, qy_a2
):
    login(client, personas.supervisor)
    assert remind(client, enterprise_a2).status_code == 302
    assert remind(client, enterprise_a2).status_code == 302
    notification = Notification.objects.get()
    assert notification.user == qy_a2 and notification.cause == Cause.SELFREPORT_MISSING
    assert notification.key == f"sr:e{enterprise_a2.pk}:2026-10"
    remind(client, enterprise_a2, period="2026-Q3")
    assert Notification.objects.filter(user=qy_a2).count() == 2


def test_no_reminder_for_a_period_already_reported(client, personas, reporting, enterprise_a1):
    login(client, personas.supervisor)
    response = remind(client, enterprise_a1)
    assert response.status_code == 302 and not Notification.objects.exists()


def test_a_reminder_outside_the_scope_is_404_and_an_inspectors_is_403(
    client, personas, reporting, enterprise_a1, enterprise_a2
):
    login(client, personas.other_supervisor)
    assert remind(client, enterprise_a2).status_code == 404
    login(client, personas.inspector)  # sees 东村机械厂, which has not filed Q3
    assert remind(client, enterprise_a1, period="2026-Q3").status_code == 403
    assert not Notification.objects.exists()


def _reporting_enterprises(grid, n, start):
    for i in range(start, start + n):
        enterprise = EnterpriseFactory(name=f"第{i}厂", cell=grid.village_a2)
        user = account_user(enterprise, f"qy_n{i}")
        if i % 2:
            selfreports.submit_monthly(enterprise, by=user, period=OCTOBER, no_hazards=True)


def test_the_rates_page_reads_the_same_few_queries_for_one_enterprise_and_for_thirty(
    client, personas, grid
):
    login(client, personas.supervisor)
    _reporting_enterprises(grid, 1, 0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(rates_url(month="2026-10")).status_code == 200
    _reporting_enterprises(grid, 29, 1)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(rates_url(month="2026-10"))
    assert response.context["total"]["expected"] == 30
    assert len(one.captured_queries) == len(thirty.captured_queries)


def test_a_quarterly_correction_recomputes_the_figures_and_keeps_the_earlier_table(
    personas, enterprise_a1, qy_a1, quarter_a1
):
    make_hazard(enterprise_a1, personas.inspector, "found", at=in_october(2) - 20 * DAY)
    with pytest.raises(ValidationError):
        selfreports.correct_quarterly(
            quarter_a1, by=qy_a1, principal="王强", signed_on=NOW.date(), reason=""
        )
    selfreports.correct_quarterly(
        quarter_a1, by=qy_a1, principal="王强", signed_on=NOW.date(), reason="补录九月隐患"
    )
    quarter_a1.refresh_from_db()
    assert quarter_a1.figures["found_general"] == 1 and quarter_a1.version == 2
    correction = SelfReportCorrection.objects.get(quarterly=quarter_a1)
    assert correction.before["figures"]["found_general"] == 0
    assert correction.after["figures"]["found_general"] == 1
