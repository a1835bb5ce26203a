"""manage.py import_hazards FILE.xlsx [--dry-run] [--user USERNAME]"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import progress_bar
from hazards.imports import import_hazards


class Command(BaseCommand):
    help = _("导入旧隐患台账（.xlsx）：先校验全部行，有任何错误则不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Excel 工作簿（.xlsx）路径"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只校验，不写入（报告将导入的行数）")
        )
        parser.add_argument(
            "--user",
            help=_("以该用户（管理员或县级）的身份导入：限其管辖范围，并记为操作人"),
        )

    def handle(self, *args, file, dry_run, user, **options):
        by = None
        if user:
            try:
                by = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("没有用户名为 %(u)s 的在用用户。") % {"u": user}) from exc
        progress = progress_bar(0, _("导入隐患台账"), stream=self.stderr)
        try:
            result = import_hazards(file, by=by, dry_run=dry_run, progress=progress)
        except PermissionDenied as exc:
            raise CommandError(_("该用户无权导入隐患台账（仅管理员和县级用户）。")) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("共 %(n)d 处错误，未导入任何数据。请修改文件后重新导入。")
                % {"n": len(result.errors)}
            )
        if dry_run:
            message = _("校验通过（未写入）：将新增 %(c)d 条，%(u)d 条与已有记录相同将跳过。")
        else:
            message = _("导入完成：新增 %(c)d 条，%(u)d 条与已有记录相同已跳过。")
        self.stdout.write(message % {"c": result.created, "u": result.unchanged})
