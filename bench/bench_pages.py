"""Every list and report page a county user opens from the navigation, in process (issue 17).

Goal: each page's median server time < 300 ms at 1,000,000 hazards, on SQLite and
PostgreSQL. The pages are requested through Django's test Client (the whole middleware
stack, production settings of bench.settings) as the county user, in rounds: each round
requests every page once, in the navigation's order, so a burst of load from another
process falls on all of them alike. One warm-up round first (imports, template loading,
and the caches a first view fills: the figures are those of a county user who is not the
first to open a page in the cache's lifetime; ``--cold`` clears the cache before every
request instead). Reported per page: median and maximum in ms, queries, status.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

BOUND_MS = 300
# (name, url name, query string): the navigation's lists and reports of a county user.
PAGES = (
    ("ledger", "hazards:list", ""),
    ("overdue board", "hazards:overdue", ""),
    ("inspections", "inspections:list", ""),
    ("enforcement", "inspections:enforcement_list", ""),
    ("enterprises", "enterprises:list", ""),
    ("dashboard", "reports:dashboard", ""),
    ("summary", "reports:report", ""),
    ("coverage", "inspections:coverage", ""),
    ("daily", "inspections:daily", ""),
    ("groups", "inspections:group_list", ""),
    ("self-report rates", "enterprises:selfreport_rates", ""),
    ("notifications", "notifications:center", ""),
)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--user", default="county1")
    parser.add_argument("--cold", action="store_true", help="clear the cache before each page")
    parser.add_argument("--only", nargs="*", help="page names to measure")
    args = parser.parse_args(argv)
    common.setup_django(args.db, args.hazards)

    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    user = User.objects.get(username=args.user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pages = [p for p in PAGES if not args.only or p[0] in args.only]
    urls = {
        name: reverse(url_name) + (f"?{query}" if query else "") for name, url_name, query in pages
    }

    def get(name):
        if args.cold:
            cache.clear()
        t0 = time.perf_counter()
        response = client.get(urls[name])
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return time.perf_counter() - t0, response

    out = {"user": args.user, "cold": args.cold, "pages": {}}
    for name in urls:  # warm-up round, with the query count
        with CaptureQueriesContext(connection) as ctx:
            _, response = get(name)
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
        out["pages"][name] = {
            "url": urls[name],
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "slowest_query_ms": round(float(slowest["time"]) * 1000, 1) if slowest else None,
            "slowest_query": slowest["sql"][:300] if slowest else None,
            "times": [],
        }
    for _ in range(args.runs):
        for name in urls:
            seconds, _ = get(name)
            out["pages"][name]["times"].append(seconds * 1000)
    for page in out["pages"].values():
        times = page.pop("times")
        page["median_ms"] = round(common.median(times), 1)
        page["max_ms"] = round(max(times), 1)
        page["met"] = page["status"] == 200 and page["median_ms"] < BOUND_MS
    out["slowest_page"] = max(out["pages"], key=lambda n: out["pages"][n]["median_ms"])
    common.emit(out)


if __name__ == "__main__":
    main()
