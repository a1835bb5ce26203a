"""Create the 企业 role group (grid.roles.ENTERPRISE): enterprise accounts.

It has no model permissions: an enterprise user never enters the Django admin; our own
views decide what it sees (grid.scoping limits it to its one enterprise).
"""

from django.db import migrations

GROUP_NAME = "企业"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP_NAME)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("grid", "0002_roles")]

    operations = [migrations.RunPython(create_group, remove_group)]
