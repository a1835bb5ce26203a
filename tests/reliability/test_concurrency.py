"""SQLite under gunicorn with 4 workers: concurrent people writing through the real pages.

No "database is locked", no 5xx, and every write a client was told succeeded (a redirect
to the hazard) is in the database afterwards in the state the client last moved it to.
"""

import pytest
from django.utils import timezone

from tests.reliability.harness import make_site
from tests.reliability.load import Gunicorn, Run


def _run_and_check(tmp_path_factory, port, *, inspectors, supervisors, seconds):
    site = make_site(tmp_path_factory, "sqlite", "load")
    people = site.scenario("seed_load", inspectors=inspectors, supervisors=supervisors)["people"]
    site.manage("collectstatic", "--noinput", "-v0")  # gunicorn serves hashed static files

    with Gunicorn(site, port, workers=4) as server:
        run = Run(server.url, people, seconds, timezone.localdate())
        ledger = run.go()
    log = server.output()

    summary = (
        f"{len(people)} clients, {seconds}s (+ finishing: {run.elapsed:.0f}s in all): "
        f"{ledger.total_writes} acknowledged writes "
        f"{dict(ledger.writes)}, answers {dict(sorted(ledger.statuses.items()))}, "
        f"{len(ledger.errors)} errors"
    )
    print(summary)  # noqa: T201 — the figures the reliability run reports
    assert "database is locked" not in log
    crash = log.find("Traceback")
    assert crash < 0, log[max(0, crash - 300) : crash + 5000]
    assert ledger.errors == []
    assert not [s for s in ledger.statuses if s >= 500]
    assert ledger.writes["register"] > 0
    assert ledger.writes["close_out"] > 0

    stored = {
        hazard_id: (status, events)
        for hazard_id, status, events in site.query(
            "SELECT h.id, h.status, (SELECT count(*) FROM hazards_hazardevent e "
            "WHERE e.hazard_id = h.id) FROM hazards_hazard h"
        )
    }
    assert stored == ledger.expected
    photos = dict(
        site.query("SELECT kind, count(*) FROM hazards_hazardphoto GROUP BY kind ORDER BY kind")
    )
    assert photos == {
        "before": ledger.writes["register"],
        "after": ledger.writes["report_fixed"],
    }
    assert site.query("PRAGMA integrity_check") == [("ok",)]
    return ledger


def test_four_people_write_through_gunicorn_at_once_and_nothing_is_lost(
    tmp_path_factory, free_port
):
    _run_and_check(tmp_path_factory, free_port, inspectors=3, supervisors=1, seconds=5)


@pytest.mark.slow
def test_twenty_people_write_through_gunicorn_for_a_minute_and_nothing_is_lost(
    tmp_path_factory, free_port
):
    ledger = _run_and_check(tmp_path_factory, free_port, inspectors=14, supervisors=6, seconds=60)
    assert ledger.total_writes >= 100
