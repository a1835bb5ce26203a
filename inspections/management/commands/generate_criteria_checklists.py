"""Generate (or update) the 重大事故隐患专项检查表 of each industry from the criteria library."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enterprises.models import Industry
from inspections.criteria_checklists import generate, generate_all


class Command(BaseCommand):
    help = "按行业从判定标准库生成重大事故隐患专项检查表；重复运行只更新，不会重复生成。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--industry",
            choices=Industry.values,
            help="只生成该行业的检查表（行业代码，如 metallurgy）；不填则生成所有有现行条目的行业",
        )

    def handle(self, *args, industry=None, **options):
        if industry:
            result = generate(industry)
            if result is None:
                raise CommandError(_("判定标准库中没有适用于该行业的现行条目，未生成检查表。"))
            results = [result]
        else:
            results = generate_all()
        for r in results:
            self.stdout.write(
                _("%(name)s：%(state)s，启用 %(active)d 项，停用 %(off)d 项。")
                % {
                    "name": r.template.name,
                    "state": _("新建") if r.created else _("已更新"),
                    "active": r.active,
                    "off": r.switched_off,
                }
            )
        if not results:
            self.stdout.write(_("判定标准库中没有现行条目，未生成检查表。"))
