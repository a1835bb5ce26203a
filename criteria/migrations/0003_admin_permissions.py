"""Let the 管理员 group manage the criteria library in the admin (after grid 0002_roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "standard": ["view", "add", "change"],
    "criterion": ["view", "add", "change"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("criteria")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="管理员")
    for model, actions in GRANTS.items():
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="criteria", codename=f"{action}_{model}"
                )
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="管理员").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="criteria"))


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0002_ship_verified_criteria"),
        ("grid", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
