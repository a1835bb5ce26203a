"""The shared shell of the export commands: arguments in, one exporter, a file out.

Commands run as the county scope (everything) or one township by name; the exporter is
the same one the pages use, with the same parameter names.
"""

import datetime
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grid.models import GridCell
from reports.exporters import ExportError, build_exporter, system_user

try:
    from core.progress import progress_bar
except ImportError:  # pragma: no cover — the progress bar is an optional nicety

    def progress_bar(total, label="", stream=None):
        return None


class ExportCommand(BaseCommand):
    identifier = ""
    label = ""

    def add_arguments(self, parser):
        self.add_filters(parser)
        parser.add_argument("--out", required=True, help="输出文件（.xlsx）")

    def add_filters(self, parser):
        raise NotImplementedError

    def params(self, options):
        params = {}
        for key in ("found_from", "found_to", "as_of", "date"):
            value = options.get(key)
            if value:
                try:
                    datetime.date.fromisoformat(value)
                except ValueError:
                    raise CommandError(
                        _("日期“%(value)s”格式不正确，请写成 YYYY-MM-DD。") % {"value": value}
                    ) from None
                params[key] = value
        for key in ("status", "level", "industry"):
            if options.get(key):
                params[key] = options[key]
        name = options.get("township")
        if name:
            township = GridCell.objects.filter(
                level=GridCell.Level.TOWNSHIP, name=name.strip()
            ).first()
            if township is None:
                raise CommandError(_("乡镇“%(name)s”不存在。") % {"name": name})
            params["township"] = str(township.pk)
        return params

    def handle(self, *args, **options):
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(_("输出文件须以 .xlsx 结尾。"))
        if not out.parent.exists():
            raise CommandError(_("目录“%(dir)s”不存在。") % {"dir": out.parent})
        try:
            exporter = build_exporter(self.identifier, system_user(), self.params(options))
            total = exporter.count()
        except ExportError as exc:
            raise CommandError(exc.message) from exc
        progress = progress_bar(total, str(self.label), stream=self.stderr)
        # Written beside the target and renamed at the end: never a half-written file.
        fd, partial = tempfile.mkstemp(suffix=".xlsx", dir=out.parent, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as fh:
                rows = exporter.write(fh, progress=progress)
            os.replace(partial, out)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(_("已导出 %(rows)d 行到 %(out)s") % {"rows": rows, "out": out})
