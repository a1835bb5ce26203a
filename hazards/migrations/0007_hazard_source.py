"""隐患来源 (issue 14): who found each hazard, so the reports can split by it.

Existing hazards: imported ones (an ``import`` event) are 导入, those registered by a county
user 县级检查, the rest 乡镇检查 (before enterprise accounts every hazard was typed by staff).
"""

from django.db import migrations, models

COUNTY_GROUP = "县级"


def fill_sources(apps, schema_editor):
    Hazard = apps.get_model("hazards", "Hazard")
    HazardEvent = apps.get_model("hazards", "HazardEvent")
    imported = HazardEvent.objects.filter(action="import").values("hazard_id")
    Hazard.objects.filter(pk__in=imported).update(source="import")
    Hazard.objects.filter(registered_by__groups__name=COUNTY_GROUP).exclude(pk__in=imported).update(
        source="county"
    )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0006_import_fingerprints")]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="source",
            field=models.CharField(
                choices=[
                    ("self", "企业自查"),
                    ("township", "乡镇检查"),
                    ("county", "县级检查"),
                    ("report", "举报"),
                    ("import", "导入"),
                ],
                default="township",
                max_length=10,
                verbose_name="隐患来源",
            ),
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="hazard",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source__in", ["self", "township", "county", "report", "import"])
                ),
                name="hazard_source_valid",
            ),
        ),
    ]
