"""A worker killed with SIGKILL in the middle of a transition leaves nothing half-written."""

import os
import signal
import time

import pytest

from tests.reliability.harness import drop_site, make_site, vendors


@pytest.mark.parametrize("vendor", vendors())
def test_a_worker_killed_inside_a_transition_leaves_no_half_written_hazard(
    tmp_path_factory, vendor
):
    site = make_site(tmp_path_factory, vendor, "sigkill")
    try:
        hazard_id = site.scenario("seed_minimal")["hazards"][0]
        events_before = site.query("SELECT id, action FROM hazards_hazardevent ORDER BY id")
        ready = site.root / "ready"

        worker = site.popen_scenario(
            "hang_inside_transition", hazard_id=hazard_id, ready_path=str(ready)
        )
        try:
            deadline = time.monotonic() + 60
            while not ready.exists() and worker.poll() is None:
                assert time.monotonic() < deadline, "the worker never reached the transition"
                time.sleep(0.05)
            assert worker.poll() is None, worker.communicate()[1]
            # Inside its transaction the UPDATE has happened; the event is not written yet.
            assert ready.read_text(encoding="utf-8") == "deadline"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.communicate(timeout=30)
        assert worker.returncode == -signal.SIGKILL

        status, deadline_, measures = site.query(
            "SELECT status, deadline, measures FROM hazards_hazard WHERE id = %s", (hazard_id,)
        )[0]
        assert (status, deadline_, measures) == ("found", None, "")
        assert site.query("SELECT id, action FROM hazards_hazardevent ORDER BY id") == events_before
        orphans = site.query(
            "SELECT count(*) FROM hazards_hazardevent e WHERE NOT EXISTS "
            "(SELECT 1 FROM hazards_hazard h WHERE h.id = e.hazard_id)"
        )
        assert orphans == [(0,)]
        # Every hazard's status is the to_status of its last event.
        mismatched = site.query(
            "SELECT count(*) FROM hazards_hazard h WHERE h.status <> (SELECT e.to_status "
            "FROM hazards_hazardevent e WHERE e.hazard_id = h.id AND e.to_status <> '' "
            "ORDER BY e.at DESC, e.id DESC LIMIT 1)"
        )
        assert mismatched == [(0,)]
        if vendor == "sqlite":
            assert site.query("PRAGMA integrity_check") == [("ok",)]
        # The lock died with the worker: the same transition now goes through.
        site.scenario("set_deadline_now", hazard_id=hazard_id)
        assert site.query("SELECT status FROM hazards_hazard WHERE id = %s", (hazard_id,)) == [
            ("deadline",)
        ]
        assert site.query(
            "SELECT count(*) FROM hazards_hazardevent WHERE hazard_id = %s AND action = "
            "'set_deadline'",
            (hazard_id,),
        ) == [(1,)]
    finally:
        drop_site(site)
