"""ClientKey moves to core (core/migrations/0003_client_key_from_inspections.py): state
only, the table ``inspections_clientkey`` and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0009_self_inspection"),
        ("core", "0003_client_key_from_inspections"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ClientKey")],
            database_operations=[],
        ),
    ]
