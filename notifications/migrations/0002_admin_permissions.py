"""Let administrators (管理员) read notifications and deliveries in the admin (failures
included) and set the townships' group robots; county users set those on their own page."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "管理员": {
        "notification": ["view"],
        "delivery": ["view"],
        "webhooktarget": ["view", "add", "change"],
    },
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, models in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, actions in models.items():
            for action in actions:
                group.permissions.add(
                    Permission.objects.get(
                        content_type__app_label="notifications", codename=f"{action}_{model}"
                    )
                )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="notifications")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_notifications_and_deliveries"),
        ("grid", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
