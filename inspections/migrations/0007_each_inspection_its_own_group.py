"""Each existing inspection becomes its own inspection group and outing (issue 12).

Before groups existed an inspection was "one group's visit to one enterprise": each one
becomes a group named after it, formed by its township, with its inspectors as members,
and one outing on its date with those inspectors present and its ``inspector_count`` as
the outing's ``person_count``, so 检查组数 and 出动检查人次 stay what they were. Going back
detaches the inspections and removes every group and outing.
"""

from django.db import migrations

KINDS = {"routine": "routine", "special": "special", "supervision": "supervision"}


def forwards(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    InspectionGroup = apps.get_model("inspections", "InspectionGroup")
    Outing = apps.get_model("inspections", "Outing")
    through = Inspection.inspectors.through
    members = {}
    for inspection_id, user_id in through.objects.values_list("inspection_id", "user_id"):
        members.setdefault(inspection_id, []).append(user_id)
    inspections = list(
        Inspection.objects.filter(outing__isnull=True)
        .order_by("pk")
        .values_list("pk", "township_id", "date", "kind", "is_enforcement", "inspector_count")
    )
    for pk, township_id, date, kind, is_enforcement, count in inspections:
        group = InspectionGroup.objects.create(
            name=f"检查记录{pk}",
            unit_id=township_id,
            kind="enforcement" if is_enforcement else KINDS.get(kind, "routine"),
            starts_on=date,
            ends_on=date,
        )
        outing = Outing.objects.create(group=group, date=date, person_count=max(count, 1))
        users = members.get(pk, [])
        if users:
            group.members.set(users)
            outing.present.set(users)
        Inspection.objects.filter(pk=pk).update(outing=outing)


def backwards(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    InspectionGroup = apps.get_model("inspections", "InspectionGroup")
    Outing = apps.get_model("inspections", "Outing")
    Inspection.objects.update(outing=None)
    Outing.objects.all().delete()
    InspectionGroup.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_inspection_groups_and_outings")]

    operations = [migrations.RunPython(forwards, backwards)]
