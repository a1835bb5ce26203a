"""The shared shell of ``import_inspections`` and ``import_enforcement``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import progress_bar
from grid import roles, scoping
from inspections import imports


class ImportCommand(BaseCommand):
    """``manage.py <command> FILE [--dry-run] [--user NAME]`` or ``--template PATH``."""

    kind = ""  # "inspections" or "enforcement"
    importer = None
    what = ""  # 检查记录 / 执法记录

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=".xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="以该用户身份导入（须为管理员或县级用户）")
        parser.add_argument("--template", metavar="PATH", help="把导入模板写到 PATH 后退出")

    def handle(self, *args, file=None, dry_run=False, user=None, template=None, **options):
        if template:
            with open(template, "wb") as fh:
                fh.write(imports.template_bytes(self.kind))
            self.stdout.write(_("已写出导入模板：%(p)s") % {"p": template})
            return
        if not file:
            raise CommandError(_("请指定要导入的 .xlsx 文件，或用 --template PATH 写出模板。"))
        by = self._importer(user)
        progress = progress_bar(None, _("导入%(w)s") % {"w": self.what}, stream=self.stderr)
        result = self.importer(file, by=by, dry_run=dry_run, progress=progress)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("发现 %(n)d 处错误，未导入任何数据。请修改文件后重新导入。")
                % {"n": len(result.errors)}
            )
        summary = _("新增 %(c)d 条，与已有记录相同 %(u)d 条。") % {
            "c": result.created,
            "u": result.unchanged,
        }
        if dry_run:
            self.stdout.write(_("试导入（未写入）：") + summary)
        else:
            self.stdout.write(self.style.SUCCESS(_("导入完成：") + summary))

    def _importer(self, username):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(_("找不到用户“%(u)s”。") % {"u": username})
        else:
            user = User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError(
                    _("没有可用的管理员账号：请先创建管理员（createsuperuser），或用 --user 指定。")
                )
        if not scoping.allowed(user, imports.PERMISSION):
            raise CommandError(
                _("用户“%(u)s”（%(r)s）不能导入%(w)s。")
                % {"u": user, "r": roles.role_of(user), "w": self.what}
            )
        return user
