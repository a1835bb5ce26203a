"""Load 判定标准 and their items from a JSON file: every error listed, nothing half-written."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from criteria.loader import LoadError, load, read


class Command(BaseCommand):
    help = "从 JSON 文件导入重大事故隐患判定标准及其条目；有任何错误则不写入。格式见 docs/criteria.md。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="按 criteria/templates_files/criteria_template.json 填写的文件"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, path, dry_run, **options):
        try:
            with open(path, "rb") as f:
                data = read(f)
        except OSError as exc:
            raise CommandError(_("无法读取文件：%(e)s") % {"e": exc.strerror or exc}) from None
        except LoadError as exc:
            raise CommandError(str(exc)) from None
        result = load(data, dry_run=dry_run)
        if not result.ok:
            for row, column, message in result.errors:
                where = row or _("文件")
                if column:
                    where += _("，“%(col)s”") % {"col": column}
                self.stderr.write(f"{where}：{message}")
            raise CommandError(
                _("发现 %(n)d 处错误，未导入任何数据。请修改文件后重新导入。")
                % {"n": len(result.errors)}
            )
        summary = _("新增 %(c)d 条，更新 %(u)d 条，无变化 %(s)d 条。") % {
            "c": result.created,
            "u": result.updated,
            "s": result.unchanged,
        }
        verb = _("试导入通过（未写入任何数据）：") if dry_run else _("导入完成：")
        self.stdout.write(verb + summary)
