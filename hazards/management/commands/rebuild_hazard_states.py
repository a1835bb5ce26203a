"""manage.py rebuild_hazard_states [--repair]

Checks the status-as-of-a-date table against the hazards' history (docs/domain.md, "Status
as of a date") and lists every hazard whose stored intervals differ from what its events
give; with ``--repair`` rewrites those hazards' intervals (after a restore, say).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import progress_bar
from hazards import states
from hazards.models import OPEN_END


def _describe(intervals):
    return "；".join(
        f"{iv.valid_from}→{'' if iv.valid_until == OPEN_END else iv.valid_until} "
        f"{iv.status} 期限{iv.deadline or '-'} 完成{iv.fixed_on or '-'} 销号{iv.closed_on or '-'}"
        for iv in intervals
    )


class Command(BaseCommand):
    help = _("按隐患处理记录核对“状态截至某日”表，列出不一致的隐患；加 --repair 则重建。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help=_("重建不一致隐患的状态区间（否则只核对）")
        )

    def handle(self, *args, repair, **options):
        progress = progress_bar(0, _("核对隐患状态区间"), stream=self.stderr)
        differences = states.rebuild(repair=repair, progress=progress)
        for d in differences:
            self.stdout.write(
                _("%(number)s：现存 %(stored)s；按记录应为 %(expected)s")
                % {
                    "number": d.number,
                    "stored": _describe(d.stored) or _("（无）"),
                    "expected": _describe(d.expected),
                }
            )
        if not differences:
            self.stdout.write(_("状态区间与处理记录一致。"))
        elif repair:
            self.stdout.write(_("已重建 %(n)d 条隐患的状态区间。") % {"n": len(differences)})
        else:
            raise CommandError(
                _("%(n)d 条隐患的状态区间与处理记录不一致；加 --repair 重建。")
                % {"n": len(differences)}
            )
