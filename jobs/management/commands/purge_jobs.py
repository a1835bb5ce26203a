"""Delete jobs (and their files) older than JOB_RETENTION_DAYS. Cron-friendly: silent
unless something was deleted or -v 2 is given."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jobs import services


class Command(BaseCommand):
    help = "删除超过保留期（JOB_RETENTION_DAYS）的导出/导入任务及其文件"

    def handle(self, *args, verbosity=1, **options):
        dead = services.mark_dead_jobs(check_queue=True)
        deleted = services.purge_expired()
        if deleted or dead or verbosity >= 2:
            self.stdout.write(
                _("已删除过期任务 %(deleted)d 个；标记中止任务 %(dead)d 个。")
                % {"deleted": deleted, "dead": dead}
            )
