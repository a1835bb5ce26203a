"""County summary for one year, as the county user: reports.queries vs. hand-written SQL.

The baseline is the SQL a person would write for the same table (the definitions of
docs/domain.md#the-numbers, the county user's scope as a township list): one grouped query
over hazards, two over inspections (sums, then distinct enterprises grouped by township
and enterprise first), one over enforcement actions, one over supervision orders, and the
township names. Both are timed on the same connection, alternately (SQL, ORM, SQL, ORM, …:
a burst of load from another process then weighs on both), medians of ``--runs`` after one
warm-up each, and their figures are compared township by township.
"""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

# The same statement on both databases (SQLite ≥ 3.30 has aggregate FILTER); only the
# parameter style differs.
HAZARD_SQL = """
SELECT township_id,
  COUNT(*) FILTER (WHERE level = 'general'),
  COUNT(*) FILTER (WHERE level = 'major'),
  COUNT(*) FILTER (WHERE level = 'general' AND status IN ('fixed', 'closed')
                   AND fixed_on <= {asof}),
  COUNT(*) FILTER (WHERE level = 'major' AND status = 'closed' AND closed_on <= {asof}),
  COUNT(*) FILTER (WHERE status = 'closed' AND closed_on <= {asof}),
  COUNT(*) FILTER (WHERE (status = 'deadline' AND deadline < {asof})
                   OR (status IN ('fixed', 'closed') AND deadline < {asof}
                       AND fixed_on > {asof})),
  COUNT(*) FILTER (WHERE ((level = 'general' AND status IN ('fixed', 'closed')
                           AND fixed_on <= {asof})
                          OR (level = 'major' AND status = 'closed' AND closed_on <= {asof}))
                         AND (original_deadline IS NULL OR fixed_on <= original_deadline)),
  COUNT(*) FILTER (WHERE level = 'major' AND status IN ('found', 'deadline', 'fixed'))
FROM hazards_hazard
WHERE found_on BETWEEN {a} AND {b} AND status <> 'void' AND township_id IN ({towns})
GROUP BY township_id ORDER BY township_id"""
# Inspections as issue 12 and 14 count them: submitted, not 企业自查 (kind 'self'); 检查组数
# the distinct groups of their outings, 出动检查人次 the people of each distinct outing (an
# inspection without an outing is its own group and outing with its inspector_count), and
# the 合计 row counts each group, outing and enterprise once (WHOLE_SQL).
INSPECTED = """
SELECT i.township_id AS t, i.enterprise_id AS e, i.outing_id AS o, o.group_id AS g,
       COALESCE(o.person_count, i.inspector_count) AS p
FROM inspections_inspection i LEFT JOIN inspections_outing o ON o.id = i.outing_id
WHERE i.status = 'submitted' AND i.kind <> 'self' AND i.date BETWEEN {a} AND {b}
  AND i.township_id IN ({towns})"""
INSPECTION_SQL = (
    """
WITH x AS ("""
    + INSPECTED
    + """)
SELECT t, COUNT(*) FILTER (WHERE o IS NULL), SUM(p) FILTER (WHERE o IS NULL), COUNT(*)
FROM x GROUP BY t
UNION ALL
SELECT t, COUNT(DISTINCT COALESCE(g, -o)), (SELECT SUM(p) FROM (SELECT DISTINCT o, p FROM x x2
  WHERE x2.t = x.t AND x2.o IS NOT NULL) op), 0
FROM x WHERE o IS NOT NULL GROUP BY t"""
)
DISTINCT_SQL = """
SELECT township_id, COUNT(*) FROM (
  SELECT township_id, enterprise_id FROM inspections_inspection
  WHERE status = 'submitted' AND kind <> 'self' AND date BETWEEN {a} AND {b}
    AND township_id IN ({towns})
  GROUP BY township_id, enterprise_id) pairs
GROUP BY township_id"""
WHOLE_SQL = (
    """
WITH x AS ("""
    + INSPECTED
    + """)
SELECT (SELECT COUNT(*) FROM x WHERE o IS NULL)
         + (SELECT COUNT(DISTINCT COALESCE(g, -o)) FROM x WHERE o IS NOT NULL),
       COALESCE((SELECT SUM(p) FROM x WHERE o IS NULL), 0)
         + COALESCE((SELECT SUM(p) FROM (SELECT DISTINCT o, p FROM x WHERE o IS NOT NULL) op), 0),
       (SELECT COUNT(DISTINCT e) FROM x)"""
)
ENFORCEMENT_SQL = """
SELECT township_id, kind, COUNT(*), SUM(fine_yuan) FROM inspections_enforcementaction
WHERE date BETWEEN {a} AND {b} AND township_id IN ({towns})
GROUP BY township_id, kind"""
ORDER_SQL = """
SELECT township_id, COUNT(*) FROM hazards_supervisionorder
WHERE issued_on BETWEEN {a} AND {b} AND township_id IN ({towns})
GROUP BY township_id"""
NAMES_SQL = "SELECT id, name FROM grid_gridcell WHERE id IN ({towns}) ORDER BY path"

HAZARD_NAMES = (
    "found_general",
    "found_major",
    "rectified_general",
    "rectified_major",
    "closed",
    "overdue",
    "on_time",
    "major_open",
)
WHOLE = "total"  # the key of the 合计 figures counted once
KIND = {"document": "documents", "talk": "talks", "case": "cases"}


def placeholders(vendor, in_list):
    if vendor == "sqlite":
        return {"a": ":a", "b": ":b", "asof": ":asof", "towns": in_list}
    return {"a": "%(a)s", "b": "%(b)s", "asof": "%(asof)s", "towns": in_list}


def hand_written(cursor, vendor, towns, a, b, as_of):
    """The whole county summary in seven plain queries: {township id: {figure: value}},
    and under ``WHOLE`` the 合计's groups, person-times and enterprises counted once."""
    from decimal import Decimal

    in_list = ", ".join(str(t) for t in towns)
    params = {"a": a, "b": b, "asof": as_of}
    ph = placeholders(vendor, in_list)
    table = {}
    cursor.execute(NAMES_SQL.format(towns=in_list))
    for tid, name in cursor.fetchall():
        table[tid] = {"label": name}
    cursor.execute(HAZARD_SQL.format(**ph), params)
    for tid, *values in cursor.fetchall():
        table[tid].update({k: int(v or 0) for k, v in zip(HAZARD_NAMES, values, strict=True)})
    for row in table.values():
        row.update(groups=0, person_times=0, visits=0)
    cursor.execute(INSPECTION_SQL.format(**ph), params)
    for tid, groups, person_times, visits in cursor.fetchall():
        row = table[tid]
        row["groups"] += groups
        row["person_times"] += int(person_times or 0)
        row["visits"] += visits
    cursor.execute(DISTINCT_SQL.format(**ph), params)
    for tid, n in cursor.fetchall():
        table[tid]["enterprises"] = n
    cursor.execute(ENFORCEMENT_SQL.format(**ph), params)
    for tid, kind, n, fines in cursor.fetchall():
        row = table[tid]
        if kind in KIND:
            row[KIND[kind]] = row.get(KIND[kind], 0) + n
        row["fines_yuan"] = row.get("fines_yuan", Decimal(0)) + Decimal(str(fines or 0))
    cursor.execute(ORDER_SQL.format(**ph), params)
    for tid, n in cursor.fetchall():
        table[tid]["orders"] = n
    cursor.execute(WHOLE_SQL.format(**ph), params)
    groups, person_times, enterprises = cursor.fetchone()
    table[WHOLE] = {"groups": groups, "person_times": int(person_times), "enterprises": enterprises}
    return table


def timed(fns, runs):
    """Run each function ``runs`` times, alternating them (a, b, a, b, …) so that a burst
    of load from the other users of the machine falls on both alike; [(result, times)]."""
    for fn in fns:
        fn()  # warm-up: caches, prepared plans, imports
    results = [None] * len(fns)
    times = [[] for _ in fns]
    for _ in range(runs):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - t0)
    return list(zip(results, times, strict=True))


def plan(cursor, vendor, sql, params):
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    cursor.execute(prefix + sql, params)
    rows = cursor.fetchall()
    if vendor == "sqlite":
        return "\n".join(str(r[-1]) for r in rows)
    return "\n".join(r[0] for r in rows)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--user", default="county1")
    args = parser.parse_args(argv)
    common.setup_django(args.db, args.hazards)

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from grid import scoping

    user = User.objects.get(username=args.user)
    as_of = timezone.localdate()
    a, b = as_of - timedelta(days=364), as_of
    scope = scoping.scope_of(user)
    towns = sorted(scope.township_ids) if not scope.everything else []
    vendor = connection.vendor
    out = {"period": [a.isoformat(), b.isoformat()], "as_of": as_of.isoformat()}

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM hazards_hazard WHERE found_on BETWEEN %s AND %s", [a, b]
        )
        out["hazards_in_period"] = cursor.fetchone()[0]

    def baseline():
        with connection.cursor() as cursor:
            return hand_written(
                cursor, vendor, towns, a.isoformat(), b.isoformat(), as_of.isoformat()
            )

    try:
        from reports.queries import county_summary
    except ImportError as exc:
        ((sql_table, sql_times),) = timed([baseline], args.runs)
        out["sql_ms"] = round(common.median(sql_times) * 1000, 1)
        out["orm_ms"] = None
        out["note"] = f"reports.queries.county_summary not available yet ({exc})"
        common.emit(out)
        return

    def orm():
        fresh = User.objects.get(pk=user.pk)  # a new request: nothing cached on the user
        return county_summary(fresh, a, b, as_of)

    # The same table a year back, as of that date: read from the state intervals
    # (hazards.states), timed alternately with the table as of today.
    past_as_of = as_of - timedelta(days=365)
    pa, pb = past_as_of - timedelta(days=364), past_as_of

    def orm_past():
        fresh = User.objects.get(pk=user.pk)
        return county_summary(fresh, pa, pb, past_as_of)

    (_, today_times), (past_table, past_times) = timed([orm, orm_past], args.runs)
    out["past_as_of"] = past_as_of.isoformat()
    out["today_ms"] = round(common.median(today_times) * 1000, 1)
    out["past_ms"] = round(common.median(past_times) * 1000, 1)
    out["past_ratio"] = round(out["past_ms"] / out["today_ms"], 2)
    out["past_found_total"] = past_table.total.found

    (sql_table, sql_times), (table, orm_times) = timed([baseline, orm], args.runs)
    out["sql_ms"] = round(common.median(sql_times) * 1000, 1)
    out["sql_runs_ms"] = [round(t * 1000, 1) for t in sql_times]
    out["orm_ms"] = round(common.median(orm_times) * 1000, 1)
    out["orm_runs_ms"] = [round(t * 1000, 1) for t in orm_times]
    out["ratio"] = round(out["orm_ms"] / out["sql_ms"], 2)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as ctx:
        orm()
    out["orm_queries"] = len(ctx.captured_queries)

    # Do both give the same table?
    mismatches = []
    for row in table.rows:
        expected = sql_table.get(row.key, {})
        for name in (*HAZARD_NAMES, "groups", "person_times", "visits", "enterprises",
                     "documents", "talks", "cases", "orders"):  # fmt: skip
            got, want = getattr(row, name), expected.get(name, 0)
            if got != want:
                mismatches.append(f"{row.label} {name}: report {got}, SQL {want}")
    for name in ("groups", "person_times", "enterprises"):
        got, want = getattr(table.total, name), sql_table[WHOLE][name]
        if got != want:
            mismatches.append(f"合计 {name}: report {got}, SQL {want}")
    out["mismatches"] = mismatches[:20]
    out["townships"] = len(table.rows)
    out["found_total"] = table.total.found

    # The dashboard's tables (this year by township, 12 months, the longest overdue) for the
    # same user: counted afresh, and as a second view finds them in the cache.
    try:
        from django.core.cache import cache
        from django.test.utils import override_settings

        from reports.queries import dashboard
    except ImportError:
        dashboard = None
    if dashboard is not None:
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            ((_, cold),) = timed([lambda: dashboard(User.objects.get(pk=user.pk), as_of)], 3)
        cache.clear()
        dashboard(User.objects.get(pk=user.pk), as_of)
        ((_, warm),) = timed([lambda: dashboard(User.objects.get(pk=user.pk), as_of)], 9)
        out["dashboard_cold_ms"] = round(common.median(cold) * 1000, 1)
        out["dashboard_cached_ms"] = round(common.median(warm) * 1000, 1)

    # The plan of the slowest query, for the record.
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    out["slowest_query_ms"] = round(float(slowest["time"]) * 1000, 1)
    out["slowest_query"] = slowest["sql"][:2000]
    with connection.cursor() as cursor:
        try:
            out["slowest_plan"] = plan(cursor, vendor, slowest["sql"], None)
        except Exception as exc:  # noqa: BLE001 — a plan is a nicety, not the benchmark
            out["slowest_plan"] = f"(no plan: {exc})"
        hazard_sql = HAZARD_SQL.format(**placeholders(vendor, ", ".join(map(str, towns))))
        params = {"a": a.isoformat(), "b": b.isoformat(), "asof": as_of.isoformat()}
        out["sql_plan"] = plan(cursor, vendor, hazard_sql, params)
    common.emit(out)


if __name__ == "__main__":
    main()
