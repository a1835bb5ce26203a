"""The county pages bench (bench/bench_pages.py) measures pages a county user can open, and
``make bench`` reports each against the 300 ms bound."""

import pytest
from django.urls import reverse

from bench import bench_pages, run
from tests.conftest import login


@pytest.mark.django_db
def test_every_page_the_bench_times_opens_for_the_county_user(client, personas):
    login(client, personas.county)
    for name, url_name, query in bench_pages.PAGES:
        url = reverse(url_name) + (f"?{query}" if query else "")
        assert client.get(url).status_code == 200, name


def test_the_report_marks_a_page_over_the_bound_as_missed():
    pages = {
        "pages": {
            "ledger": {"median_ms": 120.0, "max_ms": 150.0, "queries": 11, "status": 200,
                       "met": True},
            "summary": {"median_ms": 450.0, "max_ms": 500.0, "queries": 9, "status": 200,
                        "met": False},
        }
    }  # fmt: skip
    rows = {name: met for name, _figure, _target, met in run.verdicts({"pages": pages})}
    assert rows["county page: ledger"] is True
    assert rows["county page: summary"] is False


def test_the_host_s_share_is_worked_out_from_two_readings_of_proc_stat():
    from bench import bench_load

    before = {"busy": 1000, "idle": 500, "steal": 100}
    after = {"busy": 1700, "idle": 700, "steal": 200}

    assert bench_load.host_share(before, after) == {"steal_pct": 10.0, "busy_pct": 70.0}
    assert bench_load.host_share(None, after) == {}


def test_the_report_prints_the_host_s_share_beside_the_gunicorn_figures():
    load = {"host": {"python_loop_s": 2.5, "steal_pct": 12.5, "busy_pct": 80.0}}

    rows = {name: (figure, met) for name, figure, _t, met in run.verdicts({"load": load})}

    figure, met = rows["host during the gunicorn runs"]
    assert "12.5%" in figure and "2.50 s" in figure
    assert met is None  # a reading, not a goal
