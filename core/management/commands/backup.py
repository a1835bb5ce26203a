"""manage.py backup --out DIR: an online, consistent copy of the database and the media."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core import backup
from core.progress import progress_bar


class Command(BaseCommand):
    help = "在线备份数据库（SQLite 或 PostgreSQL）和上传的照片、导出文件，附带校验清单。"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="备份目录（须不存在或为空）")

    def handle(self, *args, **options):
        try:
            # A bar on a terminal; nothing at all under cron or in a pipe.
            bar = progress_bar(None, _("备份"), stream=self.stderr)
            manifest = backup.create_backup(options["out"], progress=bar)
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        files = manifest["files"]
        size = sum(f["size"] for f in files)
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{options['out']}（{manifest['database']['vendor']} 数据库，"
                f"文件 {len(files)} 个，共 {size / 1024 / 1024:.1f} MB）"
            )
        )
