"""The hazards per (township, cell, status) that the database keeps (issue 17).

``StateCount`` rows are written by triggers on the hazards table (migrations
``0009_state_counts`` and ``0010_state_counts_per_statement``), never by Python. Here: the ledger's state tabs read from them, and
``rebuild_state_counts``, which recounts them from the hazards and says what differed.
"""

from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.functions import Cast

from grid import scoping
from hazards.models import OVERDUE, Hazard, StateCount, Status


def tab_counts(user, hazards, as_of):
    """The ledger's state tabs of ``user``'s whole scope with no filter, as
    ``HazardFilter.tab_counts`` counts them: per state the sum of the scoped count rows,
    and 逾期 (``OVERDUE`` as of ``as_of``, today or later) counted from ``hazards`` (the
    user's scoped hazards), one statement of two parts (UNION ALL).

    Only for a scope of places (townships, cells, everything): an enterprise account's
    hazards are not a set of count rows.
    """
    per_status = (
        scoping.limit(StateCount.objects.using(hazards.db), user)
        .order_by()
        .values_list("status")
        .annotate(total=Sum("n"))
    )
    overdue = (
        hazards.order_by()
        .filter(OVERDUE.q(as_of))
        .annotate(key=Value("overdue"))
        .values_list("key")
        .annotate(total=Cast(Count("*"), IntegerField()))
    )
    counts = {key: 0 for key in Status.values}
    counts["overdue"] = 0
    for key, total in per_status.union(overdue, all=True):
        counts[key] = int(total or 0)
    counts[""] = sum(counts[key] for key in Status.values if key != Status.VOID)
    return counts


class Difference(NamedTuple):
    township_id: int
    cell_id: int
    status: str
    stored: int
    counted: int


def _counted(using):
    rows = (
        Hazard.objects.using(using)
        .order_by()
        .values_list("township_id", "cell_id", "status")
        .annotate(n=Count("*"))
    )
    return {(t, c, s): n for t, c, s, n in rows}


def _stored(using):
    rows = StateCount.objects.using(using).values_list("township_id", "cell_id", "status", "n")
    return {(t, c, s): n for t, c, s, n in rows}


def differences(using=DEFAULT_DB_ALIAS):
    """Every (township, cell, status) whose stored count is not the number of hazards (a
    missing row counts as 0), in key order."""
    counted, stored = _counted(using), _stored(using)
    return [
        Difference(*key, stored.get(key, 0), counted.get(key, 0))
        for key in sorted(counted.keys() | stored.keys())
        if stored.get(key, 0) != counted.get(key, 0)
    ]


def rebuild_state_counts(*, repair=True, using=DEFAULT_DB_ALIAS):
    """Recount the hazards per (township, cell, status) and compare with ``StateCount``;
    with ``repair`` (the default) rewrite the table from the count. Returns the
    differences found (empty: the table was exact).

    The rewrite holds the hazards still: on PostgreSQL a SHARE lock on the hazards table
    (writers wait, readers do not), on SQLite the write lock its first statement takes.
    """
    found = differences(using)
    if not found or not repair:
        return found
    connection = connections[using]
    table = connection.ops.quote_name(StateCount._meta.db_table)
    hazards = connection.ops.quote_name(Hazard._meta.db_table)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {hazards} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — names from the models
        cursor.execute(
            f"INSERT INTO {table} (township_id, cell_id, status, n) "  # noqa: S608
            f"SELECT township_id, cell_id, status, COUNT(*) FROM {hazards} "
            "GROUP BY township_id, cell_id, status"
        )
    return found
