"""What every benchmark script shares: where the bench databases live and how to reach them.

The benchmarks never touch the development database (var/) or a test database: SQLite runs
use ``bench/results/bench-<N>.sqlite3`` (inside the checkout) and PostgreSQL runs use the
database ``<BENCH_DB_PREFIX><N>`` on ``BENCH_PG_SERVER`` (N = the number of hazards, so a
100,000-hazard database for quick iterations and a 1,000,000-hazard one can live side by
side). The prefix defaults to ``ht_bench_<checkout directory>_<hash of its path>_``, so two
checkouts on one server each drop and recreate only their own databases (issue 17: with
one shared ``ht_bench_<N>`` they destroyed each other's); the generator also records the
checkout in the database's comment and refuses to drop one another checkout made. Each benchmark runs in a child process whose
``DATABASE_URL`` points at one of them, so Django's settings are the production ones.
"""

import hashlib
import os
import re
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


def default_prefix(root=ROOT):
    """``ht_bench_<checkout directory>_<6 hex of its absolute path>_``: one per checkout."""
    tag = re.sub(r"[^a-z0-9]+", "_", root.name.lower()).strip("_")[:20] or "checkout"
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:6]
    return f"ht_bench_{tag}_{digest}_"


def db_prefix():
    prefix = os.environ.get("BENCH_DB_PREFIX") or default_prefix()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", prefix):
        raise ValueError(f"BENCH_DB_PREFIX {prefix!r}: lower-case letters, digits and _ only")
    return prefix


# What the generator writes into COMMENT ON DATABASE: which checkout owns it.
OWNER = f"HazardTrack bench database of {ROOT.resolve()}"


def pg_name(n):
    return f"{db_prefix()}{n}"


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
