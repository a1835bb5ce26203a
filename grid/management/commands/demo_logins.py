"""Print the demo logins (make run shows them before serving)."""

import unicodedata

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from grid import demo


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、负责网格）。"

    def handle(self, *args, **options):
        rows = demo.demo_logins()
        if not rows:
            self.stdout.write(
                _("没有演示数据。装入演示数据：python manage.py seed_demo（仅限空数据库）。")
            )
            return
        header = (_("用户名"), _("密码"), _("角色"), _("负责网格"))
        table = [header, *rows]
        widths = [max(_width(str(r[i])) for r in table) for i in range(3)]
        self.stdout.write(_("演示账号（%(county)s）：") % {"county": demo.COUNTY_NAME})
        for row in table:
            cells = [_pad(str(row[i]), widths[i]) for i in range(3)] + [str(row[3])]
            self.stdout.write("  " + "  ".join(cells))
