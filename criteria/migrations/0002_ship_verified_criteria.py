"""Load the criteria shipped with the program from criteria/data/criteria_2026-11-30.json.

Only text checked against a published copy is in that file; each row names its source and the
date it was checked (docs/criteria.md lists what was left for administrators to load). A later
correction ships as a new data file and a new migration: this one stays as it is.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "criteria_2026-11-30.json"


def ship(apps, schema_editor):
    from criteria.loader import load

    data = json.loads(DATA.read_text(encoding="utf-8"))
    result = load(
        data,
        Standard=apps.get_model("criteria", "Standard"),
        Criterion=apps.get_model("criteria", "Criterion"),
    )
    if not result.ok:
        raise RuntimeError(f"shipped criteria do not validate: {result.errors[:5]}")


def unship(apps, schema_editor):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    Standard = apps.get_model("criteria", "Standard")
    Criterion = apps.get_model("criteria", "Criterion")
    codes = [s["code"] for s in data["standards"]]
    Criterion.objects.filter(standard__code__in=codes).delete()
    Standard.objects.filter(code__in=codes).update(repealed_by=None)
    Standard.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_standards_and_items")]

    operations = [migrations.RunPython(ship, unship)]
