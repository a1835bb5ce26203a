"""Every migrate ends with ANALYZE on SQLite (core.sqlite, issue 17), so the planner knows
that a county's townships are all its hazards and walks the ledger's order index."""

import pytest
from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from hazards import selectors
from tests.factories import make_hazard

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics"),
]


@pytest.fixture(autouse=True)
def _statistics_as_they_were(db):
    """ANALYZE loads its figures into the connection, which a rollback does not undo: put
    back the rows of before and reload them, so the other tests plan as they did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1")
        saved = cursor.fetchall()
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", saved)
        cursor.execute("ANALYZE sqlite_schema")  # reread the statistics


def after_migrate():
    """What ``migrate`` sends when it is done (migrate itself cannot run in a test's
    transaction on SQLite)."""
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", plan=[], apps=apps)


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def test_migrate_leaves_the_statistics_of_the_hazards_table(personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector)
    after_migrate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'hazards_hazard'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "hazard_list_all" in indexes


def test_the_county_s_first_page_walks_the_order_index_without_a_sort(
    personas, enterprise_a1, enterprise_b
):
    for _ in range(6):
        make_hazard(enterprise_a1, personas.inspector)
        make_hazard(enterprise_b, personas.other_inspector)
    page = selectors.hazard_list(personas.county, {}).qs[:50]
    assert "USE TEMP B-TREE FOR ORDER BY" in plan_of(page)  # no statistics: a sort
    after_migrate()
    plan = plan_of(page)
    assert "hazard_list_all" in plan
    assert "TEMP B-TREE" not in plan


def test_a_flush_between_tests_runs_no_analyze(personas, enterprise_a1):
    make_hazard(enterprise_a1, personas.inspector)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what flush sends
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'hazards_hazard'")
        assert cursor.fetchone()[0] == 0
