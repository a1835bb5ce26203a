import datetime

import django.db.models.deletion
from django.db import migrations, models


def build_from_events(apps, schema_editor):
    """Fill the table for the hazards that exist: the same rules the workflow writes by."""
    from hazards import states

    states.rebuild(repair=True)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("grid", "0001_initial"),
        ("hazards", "0004_report_indexes_township_first"),
    ]

    operations = [
        migrations.CreateModel(
            name="HazardState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="起始日")),
                (
                    "valid_until",
                    models.DateField(
                        default=datetime.date(9999, 12, 31), verbose_name="截止日（不含）"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("found", "已登记"),
                            ("deadline", "限期整改"),
                            ("fixed", "已整改待验收"),
                            ("closed", "已销号"),
                            ("void", "已作废"),
                        ],
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="整改期限")),
                (
                    "original_deadline",
                    models.DateField(blank=True, null=True, verbose_name="原定整改期限"),
                ),
                ("fixed_on", models.DateField(blank=True, null=True, verbose_name="整改完成日期")),
                ("closed_on", models.DateField(blank=True, null=True, verbose_name="销号日期")),
                ("industry", models.CharField(max_length=32, verbose_name="行业")),
                (
                    "level",
                    models.CharField(
                        choices=[("general", "一般隐患"), ("major", "重大隐患")],
                        max_length=8,
                        verbose_name="隐患等级",
                    ),
                ),
                ("found_on", models.DateField(verbose_name="发现日期")),
                (
                    "cell",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="grid.gridcell",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.enterprise",
                    ),
                ),
                (
                    "hazard",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="states",
                        to="hazards.hazard",
                        verbose_name="隐患",
                    ),
                ),
                (
                    "township",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="grid.gridcell",
                    ),
                ),
            ],
            options={
                "verbose_name": "隐患状态区间",
                "verbose_name_plural": "隐患状态区间",
                "ordering": ["hazard_id", "valid_from"],
                "indexes": [
                    models.Index(
                        fields=[
                            "township",
                            "found_on",
                            "valid_from",
                            "valid_until",
                            "level",
                            "status",
                            "deadline",
                            "original_deadline",
                            "fixed_on",
                            "closed_on",
                            "cell",
                        ],
                        name="hazardstate_report_cover",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hazard", "valid_from"), name="hazardstate_one_start"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("valid_until", datetime.date(9999, 12, 31))),
                        fields=("hazard",),
                        name="hazardstate_one_current",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("valid_until__gt", models.F("valid_from"))),
                        name="hazardstate_not_empty",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["found", "deadline", "fixed", "closed", "void"])
                        ),
                        name="hazardstate_status_valid",
                    ),
                ],
            },
        ),
        migrations.RunPython(build_from_events, migrations.RunPython.noop, elidable=True),
    ]
