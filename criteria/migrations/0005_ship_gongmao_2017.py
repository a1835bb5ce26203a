"""Ship the repealed 工贸行业重大生产安全事故隐患判定标准（2017版） from
criteria/data/criteria_gm2017_2026-11-30.json: its 59 items, each checked against two
independent published quotations, and the 2017 items that 应急管理部令第10号 carries on
mapped to the 2023 item (``replaced_by``), so that old ledgers resolve. docs/criteria.md gives
the sources and the reasoning for each mapping. A later correction ships as a new data file and
a new migration: this one stays as it is.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "criteria_gm2017_2026-11-30.json"
CODE = "GM2017"


def ship(apps, schema_editor):
    from criteria.loader import load

    Standard = apps.get_model("criteria", "Standard")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    result = load(data, Standard=Standard, Criterion=apps.get_model("criteria", "Criterion"))
    if not result.ok:
        raise RuntimeError(f"shipped criteria do not validate: {result.errors[:5]}")
    # After the standards shipped before it in the list, not first (the loader numbers a
    # file's standards from 1).
    last = Standard.objects.exclude(code=CODE).order_by("-position").first()
    Standard.objects.filter(code=CODE).update(position=(last.position if last else 0) + 1)


def unship(apps, schema_editor):
    Standard = apps.get_model("criteria", "Standard")
    Criterion = apps.get_model("criteria", "Criterion")
    Criterion.objects.filter(standard__code=CODE).delete()
    Standard.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("criteria", "0004_criterion_replaced_by")]

    operations = [migrations.RunPython(ship, unship)]
