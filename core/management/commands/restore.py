"""manage.py restore DIR [--yes]: check a backup, then put the database and media back."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import backup
from core.progress import progress_bar


class Command(BaseCommand):
    help = "从备份目录恢复数据库和文件：先校验清单，目标数据库已有数据时须加 --yes。"

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="backup 命令生成的备份目录")
        parser.add_argument("--yes", action="store_true", help="确认覆盖目标数据库中的现有数据")

    def handle(self, *args, **options):
        try:
            check = progress_bar(None, _("校验备份"), stream=self.stderr)
            manifest = backup.verify_backup(options["backup_dir"], progress=check)
            bar = progress_bar(None, _("恢复文件"), stream=self.stderr)
            summary = backup.restore_backup(
                options["backup_dir"], force=options["yes"], progress=bar, verified=manifest
            )
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{summary['vendor']} 数据库（备份时间 {summary['created_at']}），"
                f"文件 {summary['media_files']} 个。"
            )
        )
