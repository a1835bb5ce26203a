"""What every benchmark script shares: where the bench databases live and how to reach them.

The benchmarks never touch the development database (var/) or a test database: SQLite runs
use ``bench/results/bench-<N>.sqlite3`` and PostgreSQL runs use the database
``ht_bench_<N>`` on ``BENCH_PG_SERVER`` (N = the number of hazards, so a 100,000-hazard
database for quick iterations and a 1,000,000-hazard one can live side by side). Each benchmark runs in a child process whose
``DATABASE_URL`` points at one of them, so Django's settings are the production ones.
"""

import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
# Every generated user has this password; the load generator logs in with it.
PASSWORD = "bench-Pass-2026"  # noqa: S105 — a throwaway bench database, never deployed


def sqlite_path(n):
    return RESULTS / f"bench-{n}.sqlite3"


def pg_name(n):
    return f"ht_bench_{n}"


def pg_url(n, name=None):
    return f"{PG_SERVER}/{name or pg_name(n)}".replace("postgres://", "postgresql://", 1)


def database_url(db, n):
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(n)}"
    if db == "postgres":
        return f"{PG_SERVER}/{pg_name(n)}"
    raise ValueError(f"unknown database {db!r} (sqlite or postgres)")


def child_env(db, n, **extra):
    """The environment of a child process that runs Django against the bench database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(db, n)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("LOG_LEVEL", "ERROR")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def setup_django(db=None, n=None):
    """Configure Django in this process against the bench database ``db`` of ``n`` hazards."""
    if db is not None:
        os.environ["DATABASE_URL"] = database_url(db, n)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mb():
    """Peak resident memory of this process (VmHWM), in MiB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return float("nan")
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def emit(result):
    """The last line a benchmark prints: its result as JSON, read by bench/run.py."""
    import json

    print("RESULT " + json.dumps(result, default=str, ensure_ascii=False), flush=True)
