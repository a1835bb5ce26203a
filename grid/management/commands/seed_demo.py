"""Load the fictional demo county (示范县) into an empty database: the parts every app's
``demo`` module contributes (core.demo)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from core import demo
from grid.models import GridCell


class Command(BaseCommand):
    help = "装入演示数据：虚构的示范县（乡镇、工作区、村、企业和各角色用户）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子：同一种子得到相同数据"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有网格时什么也不做（make run 用它只在第一次装入）",
        )

    def handle(self, *args, seed, if_empty, **options):
        if GridCell.objects.exists():
            if if_empty:
                self.stdout.write(_("数据库中已有网格数据，未装入演示数据。"))
                return
            raise CommandError(
                _("数据库中已有网格数据：演示数据只能装入空数据库（加 --if-empty 可跳过）。")
            )
        with transaction.atomic():
            county = demo.build(seed)
            demo.build_activity(county)  # inspections, hazards in every state, orders, …
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已装入演示数据（种子 %(seed)d）：%(t)d 个乡镇、%(v)d 个村、%(e)d 家企业、"
                    "%(u)d 个用户。"
                )
                % {
                    "seed": seed,
                    "t": len(county.townships),
                    "v": len(county.villages),
                    "e": len(county.enterprises),
                    "u": sum(len(users) for users in county.users.values()),
                }
            )
        )
        call_command("demo_logins", stdout=self.stdout._out)
