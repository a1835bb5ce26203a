"""One reminder round: what the background worker runs every hour, for cron or a test."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications.services import run_round


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(v)s") % {"v": value}) from exc


class Command(BaseCommand):
    help = (
        "计算并生成到期、逾期和督办提醒（每次运行不会重复生成），并发送到期的摘要邮件和群机器人消息"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将生成的提醒，不写入、不发送"
        )
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, dry_run=False, date=None, verbosity=1, **options):
        today = _date(date) if date else None
        result = run_round(today, dry_run=dry_run)
        if verbosity > 1 or dry_run:
            for n in result.created:
                self.stdout.write(f"{n.user_id}\t{n.get_cause_display()}\t{n.text}")
        counts = "；".join(f"{label} {n}" for label, n in result.by_cause()) or _("无")
        if dry_run:
            message = _("%(day)s：将新增提醒 %(n)d 条（%(counts)s），未写入。")
        else:
            message = _(
                "%(day)s：新增提醒 %(n)d 条（%(counts)s）；排队摘要 %(q)d 份，"
                "发送成功 %(sent)d 份，失败 %(failed)d 份。"
            )
        self.stdout.write(
            message
            % {
                "day": result.today.isoformat(),
                "n": len(result.created),
                "counts": counts,
                "q": result.deliveries,
                "sent": result.sent,
                "failed": result.failed,
            }
        )
