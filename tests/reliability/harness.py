"""Run the real program in subprocesses on a file database of its own.

pytest's test database lives in memory (SQLite) or in test_<name> (PostgreSQL); the
reliability tests instead start ``manage.py`` and small scripts exactly as an operator or
gunicorn would, with DATABASE_URL and MEDIA_ROOT pointing into a temporary directory.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def postgres_base_url():
    """The PostgreSQL DATABASE_URL the suite runs under, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class Site:
    """One installation: a database, a MEDIA_ROOT, and the environment to reach them."""

    def __init__(self, root, database_url):
        self.root = Path(root)
        self.media = self.root / "media"
        self.database_url = database_url
        self.media.mkdir(parents=True, exist_ok=True)

    @property
    def sqlite_path(self):
        assert self.database_url.startswith("sqlite:///")
        return Path("/" + self.database_url.removeprefix("sqlite:///").lstrip("/"))

    def env(self, **extra):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(self.media),
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONPATH=str(ROOT),
            LANG="C.UTF-8",
            PYTHONIOENCODING="utf-8",
        )
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(extra)
        return env

    def run(self, *args, check=True, timeout=300):
        """Run ``args`` (a command line) in this site's environment."""
        result = subprocess.run(  # noqa: S603
            list(args),
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(map(str, args))} exited {result.returncode}\n"
                f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
            )
        return result

    def manage(self, *args, check=True, timeout=300):
        return self.run(PYTHON, "manage.py", *args, check=check, timeout=timeout)

    def scenario(self, name, timeout=300, **kwargs):
        result = self.run(
            PYTHON, "-m", "tests.reliability.scenario", name, json.dumps(kwargs), timeout=timeout
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def popen_scenario(self, name, **kwargs):
        return subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "tests.reliability.scenario", name, json.dumps(kwargs)],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def dump(self):
        """Every record of our apps (and users, groups), as dumpdata sees them."""
        result = self.manage(
            "dumpdata",
            "auth.user",
            "auth.group",
            "core",
            "grid",
            "enterprises",
            "inspections",
            "hazards",
            "reports",
            "jobs",
            "criteria",
            "notifications",
            "--format=json",
        )
        return sorted(
            json.loads(result.stdout),
            key=lambda r: (r["model"], json.dumps(r["pk"], sort_keys=True)),
        )

    def query(self, sql, params=()):
        """Rows of ``sql`` read straight from the database, outside Django."""
        if self.database_url.startswith("sqlite:"):
            from core.backup import sqlite_connect

            conn = sqlite_connect(self.sqlite_path, timeout=30)
            try:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()

    def media_hashes(self):
        return {
            p.relative_to(self.media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.media.rglob("*"))
            if p.is_file()
        }


_template_cache = {}


def _migrated_sqlite_template(tmp_root):
    """Migrate once per test session; each site starts from a copy of that file."""
    key = str(tmp_root)
    if key not in _template_cache:
        path = Path(tmp_root) / "template.sqlite3"
        Site(tmp_root / "template-site", f"sqlite:///{path}").manage("migrate", "--noinput", "-v0")
        _template_cache[key] = path
    return _template_cache[key]


def _pg_admin(base_url, sql):
    import psycopg

    parts = urlparse(base_url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def make_site(tmp_path_factory, vendor, name):
    """A fresh, migrated installation of ``vendor`` ("sqlite" or "postgresql")."""
    root = tmp_path_factory.mktemp(name)
    if vendor == "sqlite":
        template = _migrated_sqlite_template(tmp_path_factory.getbasetemp())
        db = root / "db.sqlite3"
        shutil.copyfile(template, db)
        return Site(root, f"sqlite:///{db}")
    base = postgres_base_url()
    parts = urlparse(base)
    dbname = f"{parts.path.lstrip('/')}_{name}"[:60]
    _pg_admin(base, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    _pg_admin(base, f'CREATE DATABASE "{dbname}"')
    site = Site(root, urlunparse(parts._replace(path=f"/{dbname}")))
    site.manage("migrate", "--noinput", "-v0")
    site.pg_dbname = dbname
    return site


def drop_site(site):
    dbname = getattr(site, "pg_dbname", None)
    if dbname:
        _pg_admin(postgres_base_url(), f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def vendors():
    """SQLite always; PostgreSQL as well when the suite runs on it."""
    return ["sqlite", "postgresql"] if postgres_base_url() else ["sqlite"]


@pytest.fixture
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
