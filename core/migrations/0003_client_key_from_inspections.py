"""ClientKey moves from inspections to core (core.keys.once is its one writer).

State only: the table stays ``inspections_clientkey``, created by
inspections/migrations/0005_client_keys.py; inspections/0010 takes it out of that app's
state. Reversing both puts the model back in inspections, the table untouched."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_user_preference"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ClientKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.UUIDField(unique=True, verbose_name="一次性令牌")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("inspection", "检查记录"),
                                    ("enforcement", "执法记录"),
                                    ("hazard", "隐患"),
                                    ("order", "督办单"),
                                    ("photo", "现场照片"),
                                    ("submit", "提交检查记录"),
                                ],
                                max_length=16,
                                verbose_name="记录类别",
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField(verbose_name="记录编号")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="提交时间"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="提交人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "一次性令牌",
                        "verbose_name_plural": "一次性令牌",
                        "db_table": "inspections_clientkey",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "kind__in",
                                        [
                                            "inspection",
                                            "enforcement",
                                            "hazard",
                                            "order",
                                            "photo",
                                            "submit",
                                        ],
                                    )
                                ),
                                name="clientkey_kind_valid",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
