"""The ledger's state tabs from counts the database keeps (issue 17).

``hazards_statecount`` holds, per (township, cell, status), the number of hazards. Triggers
on ``hazards_hazard`` keep it exact whatever writes the hazards: AFTER INSERT adds one to
the new row's (township, cell, status), AFTER DELETE takes one from the old row's, AFTER
UPDATE OF status, township_id, cell_id (when one of them really changed) does both. The
SQL is written here, frozen with the migration; ``hazards.counts.rebuild_state_counts``
recounts and repairs.

The triggers are created before the backfill in the same transaction: on PostgreSQL
CREATE TRIGGER locks the hazards against writes until the migration commits, on SQLite the
migration holds the database's write lock, so no hazard is written between the count and
the triggers. A restore (pg_dump: data first, triggers in the post-data section; SQLite: a
copy of the file) loads the counts as they were and fires nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

_SQLITE_INSERT = """
    INSERT INTO hazards_statecount (township_id, cell_id, status, n)
    VALUES (NEW.township_id, NEW.cell_id, NEW.status, 1)
    ON CONFLICT (township_id, cell_id, status) DO UPDATE SET n = n + 1;
"""
_SQLITE_DELETE = """
    UPDATE hazards_statecount SET n = n - 1
    WHERE township_id = OLD.township_id AND cell_id = OLD.cell_id AND status = OLD.status;
"""
_CHANGED = (
    "OLD.status IS NOT NEW.status OR OLD.township_id IS NOT NEW.township_id "
    "OR OLD.cell_id IS NOT NEW.cell_id"
)

SQLITE_CREATE = [
    f"""CREATE TRIGGER hazards_statecount_insert AFTER INSERT ON hazards_hazard
    BEGIN {_SQLITE_INSERT} END""",
    f"""CREATE TRIGGER hazards_statecount_delete AFTER DELETE ON hazards_hazard
    BEGIN {_SQLITE_DELETE} END""",
    f"""CREATE TRIGGER hazards_statecount_update
    AFTER UPDATE OF status, township_id, cell_id ON hazards_hazard
    WHEN {_CHANGED}
    BEGIN {_SQLITE_DELETE} {_SQLITE_INSERT} END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS hazards_statecount_insert",
    "DROP TRIGGER IF EXISTS hazards_statecount_delete",
    "DROP TRIGGER IF EXISTS hazards_statecount_update",
]

POSTGRES_CREATE = [
    """CREATE FUNCTION hazards_statecount_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE hazards_statecount SET n = n - 1
            WHERE township_id = OLD.township_id AND cell_id = OLD.cell_id
              AND status = OLD.status;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO hazards_statecount (township_id, cell_id, status, n)
            VALUES (NEW.township_id, NEW.cell_id, NEW.status, 1)
            ON CONFLICT (township_id, cell_id, status)
            DO UPDATE SET n = hazards_statecount.n + 1;
        END IF;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER hazards_statecount_insert AFTER INSERT ON hazards_hazard
    FOR EACH ROW EXECUTE FUNCTION hazards_statecount_keep()""",
    """CREATE TRIGGER hazards_statecount_delete AFTER DELETE ON hazards_hazard
    FOR EACH ROW EXECUTE FUNCTION hazards_statecount_keep()""",
    f"""CREATE TRIGGER hazards_statecount_update
    AFTER UPDATE OF status, township_id, cell_id ON hazards_hazard
    FOR EACH ROW WHEN ({_CHANGED.replace("IS NOT", "IS DISTINCT FROM")})
    EXECUTE FUNCTION hazards_statecount_keep()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS hazards_statecount_insert ON hazards_hazard",
    "DROP TRIGGER IF EXISTS hazards_statecount_delete ON hazards_hazard",
    "DROP TRIGGER IF EXISTS hazards_statecount_update ON hazards_hazard",
    "DROP FUNCTION IF EXISTS hazards_statecount_keep()",
]

BACKFILL = [
    "DELETE FROM hazards_statecount",
    """INSERT INTO hazards_statecount (township_id, cell_id, status, n)
    SELECT township_id, cell_id, status, COUNT(*) FROM hazards_hazard
    GROUP BY township_id, cell_id, status""",
]


def _statements(vendor, create):
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    raise NotImplementedError(f"hazards_statecount has no triggers for {vendor}")


def create_triggers(apps, schema_editor):
    """The triggers, then the counts of the hazards already there."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=True) + BACKFILL:
            cursor.execute(sql)


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, create=False):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0003_enterprise_role"),
        ("hazards", "0008_hazard_criteria"),
    ]

    operations = [
        migrations.CreateModel(
            name="StateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("found", "已登记"),
                            ("deadline", "限期整改"),
                            ("fixed", "已整改待验收"),
                            ("closed", "已销号"),
                            ("void", "已作废"),
                        ],
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("n", models.BigIntegerField(default=0, verbose_name="隐患数")),
                (
                    "cell",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="grid.gridcell",
                        verbose_name="网格",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="grid.gridcell",
                        verbose_name="乡镇",
                    ),
                ),
            ],
            options={
                "verbose_name": "隐患状态计数",
                "verbose_name_plural": "隐患状态计数",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("township", "cell", "status"),
                        name="statecount_one_per_place_status",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("n__gte", 0)), name="statecount_n_not_negative"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["found", "deadline", "fixed", "closed", "void"])
                        ),
                        name="statecount_status_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
