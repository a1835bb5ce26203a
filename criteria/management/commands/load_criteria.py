from django.core.management.base import BaseCommand, CommandError

from criteria.loader import LoadError, load, read


class Command(BaseCommand):
    help = "从 JSON 文件导入重大事故隐患判定标准及其条目（逐行校验，全部无误才写入）。"

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
            raise CommandError(f"无法读取文件：{exc}") from None
        except LoadError as exc:
            raise CommandError(str(exc)) from None
        result = load(data, dry_run=dry_run)
        if not result.ok:
            for row, column, message in result.errors:
                self.stderr.write(f"{row or '—'}\t{column or '—'}\t{message}")
            raise CommandError(f"发现 {len(result.errors)} 处错误，未导入任何数据。")
        verb = "试导入通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(
            f"{verb}：新增 {result.created} 条，更新 {result.updated} 条，无变化 {result.unchanged} 条。"
        )
