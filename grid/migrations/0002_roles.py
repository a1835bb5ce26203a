"""Create the four role groups of docs/domain.md with their model permissions.

Our own views decide by role and scope (grid.scoping, hazards.workflow); the model
permissions below are what the Django admin honours, so administrators manage master
data there and other roles see only what they may read.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = "view"
ADD = "add"
CHANGE = "change"

ROLE_PERMISSIONS = {
    "网格员": {
        "enterprises.enterprise": [VIEW],
        "inspections.inspection": [VIEW, ADD, CHANGE],
        "inspections.enforcementaction": [VIEW, ADD],
        "hazards.hazard": [VIEW, ADD],
        "hazards.hazardphoto": [VIEW, ADD],
    },
    "乡镇监管": {
        "enterprises.enterprise": [VIEW, ADD, CHANGE],
        "inspections.inspection": [VIEW, ADD, CHANGE],
        "inspections.enforcementaction": [VIEW, ADD, CHANGE],
        "hazards.hazard": [VIEW, ADD, CHANGE],
        "hazards.hazardphoto": [VIEW, ADD],
        "hazards.supervisionorder": [VIEW, ADD],
    },
    "县级": {
        "enterprises.enterprise": [VIEW, ADD, CHANGE],
        "inspections.inspection": [VIEW, ADD, CHANGE],
        "inspections.enforcementaction": [VIEW, ADD, CHANGE],
        "hazards.hazard": [VIEW, ADD, CHANGE],
        "hazards.hazardphoto": [VIEW, ADD],
        "hazards.supervisionorder": [VIEW, ADD],
    },
    "管理员": {
        "grid.gridcell": [VIEW, ADD, CHANGE],
        "grid.assignment": [VIEW, ADD, CHANGE, "delete"],
        "auth.user": [VIEW, ADD, CHANGE],
        "enterprises.enterprise": [VIEW, ADD, CHANGE],
        "inspections.checklisttemplate": [VIEW, ADD, CHANGE],
        "inspections.checklistcategory": [VIEW, ADD, CHANGE, "delete"],
        "inspections.checklistitem": [VIEW, ADD, CHANGE, "delete"],
        "inspections.inspection": [VIEW],
        "inspections.enforcementaction": [VIEW],
        "hazards.hazard": [VIEW],
        "hazards.hazardevent": [VIEW],
        "hazards.supervisionorder": [VIEW],
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        perms = []
        for model_label, actions in grants.items():
            app_label, model = model_label.split(".")
            for action in actions:
                perms.append(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("enterprises", "0001_initial"),
        ("inspections", "0001_initial"),
        ("hazards", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
