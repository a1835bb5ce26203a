"""Version stamps for the caches: the highest ids of tables, read in one query.

A page kept in the cache (the ledger's tabs, the filter cards' options, the report pages'
tables) names in its key a stamp of the tables it reads: a new row (and, with ``counts``,
a deleted one) changes it, so the page is counted again at once. Not a read of records (no
scope applies): only a version number. Each part is an index lookup.
"""

from django.db import connections


def table_stamp(using, models, *, counts=False, latest=()):
    """The highest primary key of each of ``models``' tables (with ``counts`` also its
    number of rows), then the highest value of each (model, field name) of ``latest``
    (an indexed column), joined by "-"."""
    ops = connections[using].ops
    parts = []
    for model in models:
        pk, table = ops.quote_name(model._meta.pk.column), ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX({pk}) FROM {table})")  # noqa: S608 — names from the models
        if counts:
            parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    for model, name in latest:
        column = ops.quote_name(model._meta.get_field(name).column)
        table = ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX({column}) FROM {table})")  # noqa: S608
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return "-".join(str(v or 0) for v in cursor.fetchone())
