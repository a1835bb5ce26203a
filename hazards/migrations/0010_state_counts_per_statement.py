"""On PostgreSQL the state counts move once per statement, not once per row (issue 17).

0009's row triggers updated the same few ``hazards_statecount`` rows once per hazard. In
one transaction every such update leaves a row version the next one must step over, so a
bulk write slowed down with its size: 10,000 hazards in one INSERT took 7.4x as long as
without the triggers (272 µs a row). Statement triggers with transition tables group the
rows a statement wrote by (township, cell, status) and move each count once. An UPDATE
trigger with transition tables takes no column list: it runs after every UPDATE of the
hazards and moves only the rows whose status, township or cell changed.

SQLite keeps 0009's row triggers (it has no statement triggers; its rows update in place,
4 µs a row).
"""

import importlib

from django.db import migrations

previous = importlib.import_module("hazards.migrations.0009_state_counts")

POSTGRES_CREATE = [
    # Add ``delta`` to one count: the row if there is one, else a new row (never below 0:
    # a count that would go below 0 is left to ``rebuild_state_counts`` to find).
    """CREATE OR REPLACE FUNCTION hazards_statecount_add(
        t bigint, c bigint, s varchar, delta bigint
    ) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE hazards_statecount SET n = n + delta
        WHERE township_id = t AND cell_id = c AND status = s;
        IF NOT FOUND AND delta > 0 THEN
            INSERT INTO hazards_statecount (township_id, cell_id, status, n)
            VALUES (t, c, s, delta)
            ON CONFLICT (township_id, cell_id, status)
            DO UPDATE SET n = hazards_statecount.n + EXCLUDED.n;
        END IF;
    END
    $$""",
    """CREATE OR REPLACE FUNCTION hazards_statecount_move() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM hazards_statecount_add(township_id, cell_id, status, COUNT(*))
            FROM new_rows GROUP BY township_id, cell_id, status;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM hazards_statecount_add(township_id, cell_id, status, -COUNT(*))
            FROM old_rows GROUP BY township_id, cell_id, status;
        ELSE
            PERFORM hazards_statecount_add(t, c, s, SUM(delta)::bigint)
            FROM (
                WITH moved AS (
                    SELECT o.township_id AS ot, o.cell_id AS oc, o.status AS os,
                           n.township_id AS nt, n.cell_id AS nc, n.status AS ns
                    FROM old_rows o JOIN new_rows n ON n.id = o.id
                    WHERE (o.township_id, o.cell_id, o.status)
                          IS DISTINCT FROM (n.township_id, n.cell_id, n.status)
                )
                SELECT ot, oc, os, -1 FROM moved
                UNION ALL
                SELECT nt, nc, ns, 1 FROM moved
            ) AS changes (t, c, s, delta)
            GROUP BY t, c, s
            HAVING SUM(delta) <> 0;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER hazards_statecount_insert AFTER INSERT ON hazards_hazard
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hazards_statecount_move()""",
    """CREATE TRIGGER hazards_statecount_delete AFTER DELETE ON hazards_hazard
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hazards_statecount_move()""",
    """CREATE TRIGGER hazards_statecount_update AFTER UPDATE ON hazards_hazard
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hazards_statecount_move()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS hazards_statecount_insert ON hazards_hazard",
    "DROP TRIGGER IF EXISTS hazards_statecount_delete ON hazards_hazard",
    "DROP TRIGGER IF EXISTS hazards_statecount_update ON hazards_hazard",
    "DROP FUNCTION IF EXISTS hazards_statecount_move()",
    "DROP FUNCTION IF EXISTS hazards_statecount_add(bigint, bigint, varchar, bigint)",
]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def per_statement(apps, schema_editor):
    """PostgreSQL: 0009's row triggers replaced, the counts recounted in the same
    transaction (CREATE TRIGGER holds the hazards against writes until it commits)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    _run(connection, previous.POSTGRES_DROP + POSTGRES_CREATE + previous.BACKFILL)


def per_row(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    _run(connection, POSTGRES_DROP + previous.POSTGRES_CREATE + previous.BACKFILL)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0009_state_counts")]

    operations = [migrations.RunPython(per_statement, per_row, elidable=False)]
