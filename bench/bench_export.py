"""The 100,000-row ledger export vs. a bare openpyxl write-only loop over the same rows.

Each variant runs in its own process (``--variant exporter`` or ``--variant baseline``) so
its peak memory (VmHWM) is its own. The rows: the newest 100,000 hazards (a found-date
window), as the county user sees them, with their history sheet. The baseline fetches the
same 24 ledger columns (隐患来源 and 判定依据条款 included) and the same history rows with
plain SQL and appends plain values to ``Workbook(write_only=True)``: no styles, no text
cleaning, no labels.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

LEDGER_SQL = """
SELECT h.number, e.name, e.uscc, t.name, c.name, h.industry, h.level, h.category, h.subject,
       h.description, h.location, h.found_on,
       COALESCE((SELECT {agg} FROM hazards_hazard_finders f
                 JOIN auth_user u ON u.id = f.user_id WHERE f.hazard_id = h.id), h.finder_names),
       h.source, h.measures, h.responsible_person, h.funds_yuan, h.deadline,
       h.original_deadline, h.status, h.fixed_on, h.closed_on,
       (SELECT {crit} FROM hazards_hazard_criteria hc
        JOIN criteria_criterion cr ON cr.id = hc.criterion_id
        JOIN criteria_standard s ON s.id = cr.standard_id WHERE hc.hazard_id = h.id)
FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN grid_gridcell t ON t.id = h.township_id
JOIN grid_gridcell c ON c.id = h.cell_id
WHERE h.found_on >= '{since}' AND h.status <> 'void'
ORDER BY h.found_on DESC, h.id DESC"""
HISTORY_SQL = """
SELECT h.number, ev.at, ev.action, u.first_name, ev.from_status, ev.to_status, ev.note
FROM hazards_hazardevent ev
JOIN hazards_hazard h ON h.id = ev.hazard_id
LEFT JOIN auth_user u ON u.id = ev.actor_id
WHERE h.found_on >= '{since}' AND h.status <> 'void'
ORDER BY h.number, ev.at, ev.id"""
HEADER = [
    "隐患编号", "企业名称", "统一社会信用代码", "乡镇", "网格", "行业", "隐患等级", "隐患类别",
    "专业类别", "隐患描述", "部位", "发现日期", "检查人员", "隐患来源", "整改措施",
    "整改责任人", "整改资金(元)", "整改期限", "原定期限", "状态", "逾期天数", "整改完成日期",
    "销号日期", "判定依据条款",
]  # fmt: skip


def window(cursor, rows):
    """The earliest found date of the newest ``rows`` hazards."""
    cursor.execute(
        "SELECT found_on FROM hazards_hazard ORDER BY found_on DESC, id DESC "
        f"LIMIT 1 OFFSET {int(rows) - 1}"
    )
    found = cursor.fetchone()
    if found is None:
        cursor.execute("SELECT MIN(found_on) FROM hazards_hazard")
        found = cursor.fetchone()
    return str(found[0])[:10]


def baseline(path, since, as_of):
    from datetime import date

    from django.db import connection
    from openpyxl import Workbook

    ref = "s.title || ' ' || cr.article || '第' || cr.item || '项'"
    agg = "group_concat(u.first_name, '、')"
    crit = f"group_concat({ref}, '；')"
    if connection.vendor == "postgresql":
        agg = "string_agg(u.first_name, '、' ORDER BY f.id)"
        crit = f"string_agg({ref}, '；' ORDER BY s.position, cr.position, hc.id)"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("隐患台账")
    sheet.append(HEADER)
    n = 0
    with connection.cursor() as cursor:
        cursor.execute(LEDGER_SQL.format(agg=agg, crit=crit, since=since))
        while rows := cursor.fetchmany(2000):
            for r in rows:
                r = list(r)
                for i in (11, 17, 18, 20, 21):  # dates come back as text on SQLite
                    if isinstance(r[i], str):
                        r[i] = date.fromisoformat(r[i])
                deadline, status = r[17], r[19]
                late = None
                if deadline and status == "deadline" and deadline < as_of:
                    late = (as_of - deadline).days
                sheet.append([*r[:20], late, *r[20:]])
                n += 1
        history = book.create_sheet("处理记录")
        history.append(["隐患编号", "时间", "操作", "操作人", "原状态", "新状态", "说明"])
        cursor.execute(HISTORY_SQL.format(since=since))
        while rows := cursor.fetchmany(2000):
            for r in rows:
                at = r[1]
                if hasattr(at, "tzinfo") and at.tzinfo is not None:
                    at = at.replace(tzinfo=None)
                history.append([r[0], at, *r[2:]])
    book.save(path)
    return n


def exporter(path, since, user):
    from reports.exporters import LedgerExporter

    exp = LedgerExporter(user, {"found_from": since})
    return exp.write(str(path))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--variant", choices=["exporter", "baseline"], required=True)
    parser.add_argument("--user", default="county1")
    args = parser.parse_args(argv)
    common.setup_django(args.db, args.hazards)

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        since = window(cursor, args.rows)
    path = common.RESULTS / f"export-{args.variant}-{args.db}-{os.getpid()}.xlsx"
    rss_before = common.peak_rss_mb()
    t0 = time.perf_counter()
    if args.variant == "baseline":
        n = baseline(path, since, timezone.localdate())
    else:
        try:
            import reports.exporters  # noqa: F401
        except ImportError as exc:
            common.emit({"variant": args.variant, "seconds": None, "note": str(exc)})
            return
        n = exporter(path, since, User.objects.get(username=args.user))
    seconds = time.perf_counter() - t0
    out = {
        "variant": args.variant,
        "since": since,
        "rows": n,
        "seconds": round(seconds, 1),
        "peak_mb": round(common.peak_rss_mb(), 1),
        "start_mb": round(rss_before, 1),
        "file_mb": round(path.stat().st_size / 2**20, 1),
    }
    path.unlink()
    common.emit(out)


if __name__ == "__main__":
    main()
