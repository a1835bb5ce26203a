"""manage.py rebuild_state_counts [--repair]

Checks the ledger's state counts (``hazards.StateCount``, kept by triggers on the hazards
table) against a count of the hazards and lists every (township, cell, status) that
differs; with ``--repair`` rewrites the table from the count (after loading hazards with
the triggers off, say).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hazards.counts import rebuild_state_counts


class Command(BaseCommand):
    help = _("按隐患逐一清点，核对台账状态计数表，列出不一致之处；加 --repair 则重建。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help=_("按清点结果重建状态计数表（否则只核对）")
        )

    def handle(self, *args, repair, **options):
        differences = rebuild_state_counts(repair=repair)
        for d in differences:
            self.stdout.write(
                _(
                    "乡镇 %(township_id)s 网格 %(cell_id)s 状态 %(status)s：现存 %(stored)d，应为 %(counted)d"
                )
                % d._asdict()
            )
        if not differences:
            self.stdout.write(_("状态计数与隐患一致。"))
        elif repair:
            self.stdout.write(
                _("已按隐患重建状态计数（%(n)d 处不一致）。") % {"n": len(differences)}
            )
        else:
            raise CommandError(
                _("%(n)d 处状态计数与隐患不一致；加 --repair 重建。") % {"n": len(differences)}
            )
