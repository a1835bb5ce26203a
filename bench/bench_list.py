"""First page of the hazard list: server time for 50 rows, and its query count.

The list view is called in-process through Django's test Client (the whole middleware
stack, the template, the state tabs whose count the paginator reuses) as a township
supervisor with a state filter, and as a county user with none (the 全部 tab, every
township: issue 17). Each is timed alternately with the bare page of bench/views.py (the
same 50 rows from the same scoped queryset in a plain ``<table>``). For the township the
bare SQL of the page (the COUNT and the 50 newest with their enterprise, township and cell
names) is recorded as before.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

PAGE_SQL = """
SELECT h.id, h.number, h.level, h.status, h.description, h.location, h.found_on, h.deadline,
       h.fixed_on, e.name, t.name, c.name
FROM hazards_hazard h
JOIN enterprises_enterprise e ON e.id = h.enterprise_id
JOIN grid_gridcell t ON t.id = h.township_id
JOIN grid_gridcell c ON c.id = h.cell_id
WHERE h.township_id = {t} AND h.status = '{s}'
ORDER BY h.found_on DESC, h.id DESC LIMIT 50"""
COUNT_SQL = "SELECT COUNT(*) FROM hazards_hazard WHERE township_id = {t} AND status = '{s}'"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--user", default="sup01a")
    parser.add_argument("--county-user", default="county1")
    parser.add_argument("--status", default="deadline")
    args = parser.parse_args(argv)
    common.setup_django(args.db, args.hazards)

    from django.contrib.auth.models import User
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    user = User.objects.get(username=args.user)
    township = user.grid_assignments.get().cell_id
    out = {"user": args.user, "filter": f"status={args.status}"}

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL.format(t=township, s=args.status))
            count = cursor.fetchone()[0]
            cursor.execute(PAGE_SQL.format(t=township, s=args.status))
            return count, cursor.fetchall()

    bare()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        count, rows = bare()
        times.append(time.perf_counter() - t0)
    out["sql_ms"] = round(common.median(times) * 1000, 2)
    out["matching_rows"] = count

    try:
        reverse("hazards:list")
    except NoReverseMatch:
        out["view_ms"] = None
        out["note"] = "hazards:list is not installed yet"
        common.emit(out)
        return
    township_page = page_figures(user, {"status": args.status}, args.runs)
    if township_page.get("note"):
        out.update(view_ms=None, note=township_page["note"])
        common.emit(out)
        return
    out.update(township_page)  # the figures of earlier runs: the township supervisor
    out["ratio"] = round(out["view_ms"] / out["sql_ms"], 1) if out["sql_ms"] else None
    county = User.objects.get(username=args.county_user)
    out["county"] = page_figures(county, {}, args.runs)
    out["county"]["user"] = args.county_user
    common.emit(out)


def page_figures(user, query, runs):
    """The ledger's first page for ``user`` against the bare page, alternately, in process:
    medians of server time, the query counts (5 rows, 50 rows, few matches) and the plans
    of the slowest queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url, bare_url = reverse("hazards:list"), reverse("bench_bare")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    out = {}
    for u in (url, bare_url):
        response = client.get(u, query)
        if response.status_code != 200:
            return {"note": f"GET {u}?{query} answered {response.status_code}"}
    times = {url: [], bare_url: []}
    for _ in range(runs):
        for u in (url, bare_url):
            t0 = time.perf_counter()
            response = client.get(u, query)
            times[u].append(time.perf_counter() - t0)
            assert response.status_code == 200
            if u == url:
                out["bytes"] = len(response.content)
    out["view_ms"] = round(common.median(times[url]) * 1000, 1)
    out["view_p90_ms"] = round(common.percentile(times[url], 90) * 1000, 1)
    out["bare_ms"] = round(common.median(times[bare_url]) * 1000, 1)

    # Query count with a page of 5 and a page of 50 rows: it must not grow.
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, {**query, "page_size": size, "per_page": size})
        counts[size] = len(ctx.captured_queries)
        if size == 50:
            slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
            out["slowest_queries"] = [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:1500]} for q in slowest
            ]
        out[f"rows_on_page_{size}"] = r.content.count(b"<tr") - 1
    out["queries_page_5"] = counts[5]
    out["queries_page_50"] = counts[50]
    # Fewer matching rows than a page: the same count of queries too.
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"status": "found", "q": "应急照明灯不亮"})
    out["queries_few_rows"] = len(ctx.captured_queries)
    with connection.cursor() as cursor:
        for q in out["slowest_queries"]:
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
            try:
                cursor.execute(prefix + q["sql"])
                q["plan"] = "\n".join(str(r[-1] if len(r) > 1 else r[0]) for r in cursor.fetchall())
            except Exception as exc:  # noqa: BLE001 — a plan is a nicety
                q["plan"] = f"(no plan: {exc})"
    return out


if __name__ == "__main__":
    main()
