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
