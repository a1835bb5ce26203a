"""Import an enterprise register from .xlsx: every error listed, nothing half-written."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import progress_bar
from enterprises.imports import HEADERS, import_enterprises
from grid import roles


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入企业名录；有任何错误则不写入。表头：" + "、".join(HEADERS)

    def add_arguments(self, parser):
        parser.add_argument("file", help="企业名录 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--user",
            help="以该用户身份导入（须为管理员）；默认使用第一个超级用户或管理员",
        )

    def handle(self, *args, file, dry_run, user=None, **options):
        by = self._importer(user)
        # A bar on a terminal; nothing under cron or in CI.
        progress = progress_bar(None, _("导入企业名录"), stream=self.stderr)
        result = import_enterprises(file, by=by, dry_run=dry_run, progress=progress)
        if result.errors:
            for row, column, message in result.errors:
                where = _("第 %(row)s 行") % {"row": row} if row else _("文件")
                if column:
                    where += _("，“%(col)s”列") % {"col": column}
                self.stderr.write(f"{where}：{message}")
            raise CommandError(
                _("发现 %(n)d 处错误，未导入任何数据。请修改文件后重新导入。")
                % {"n": len(result.errors)}
            )
        summary = _("新增 %(c)d 家，更新 %(u)d 家，无变化 %(s)d 家。") % {
            "c": result.created,
            "u": result.updated,
            "s": result.unchanged,
        }
        if dry_run:
            self.stdout.write(_("试导入（未写入）：") + summary)
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成：") + summary))

    def _importer(self, username):
        User = get_user_model()
        if username:
            try:
                user = User.objects.get(username=username, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(_("找不到用户“%(u)s”。") % {"u": username}) from exc
        else:
            user = (
                User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
                or User.objects.filter(is_active=True, groups__name=roles.GROUP_NAMES[roles.ADMIN])
                .order_by("pk")
                .first()
            )
            if user is None:
                raise CommandError(
                    _("没有可用的管理员账号：请先创建管理员（createsuperuser），或用 --user 指定。")
                )
        if roles.role_of(user) != roles.ADMIN:
            raise CommandError(_("用户“%(u)s”不是管理员，不能导入企业名录。") % {"u": user})
        return user
