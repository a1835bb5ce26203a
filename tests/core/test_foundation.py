"""Settings, health check, login and the rule that nothing loads from another host."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_200_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_fails(client, db):
    from unittest import mock

    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=RuntimeError("database down")):
        response = client.get("/healthz")
    assert response.status_code == 503


def template_files():
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(p for d in dirs for p in d.rglob("*.html") if ".venv" not in p.parts)


REMOTE = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)


def test_there_are_templates_to_check():
    assert len(template_files()) >= 8


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_loads_anything_from_another_host(path):
    text = path.read_text(encoding="utf-8")
    assert not REMOTE.search(text), f"{path} references another host"
    assert "cdn." not in text.lower()


def test_the_remote_pattern_catches_what_it_must():
    for bad in [
        '<script src="https://cdn.example.com/x.js">',
        "<link href='//fonts.example.com/a.css'>",
        "background: url(http://x.example/a.png)",
    ]:
        assert REMOTE.search(bad)
    assert not REMOTE.search("<script src=\"{% static 'vendor/htmx-2.0.11/htmx.min.js' %}\">")


def test_sqlite_is_configured_for_several_writers():
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running on PostgreSQL")
    init = db["OPTIONS"]["init_command"]
    assert "journal_mode=WAL" in init
    assert re.search(r"busy_timeout=\d{4,}", init)
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_sqlite_connection_really_uses_wal(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("running on PostgreSQL")
    if connection.settings_dict["NAME"].startswith("file:memorydb") or ":memory:" in str(
        connection.settings_dict["NAME"]
    ):
        pytest.skip("in-memory test database has no WAL")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


def load_settings(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    environment.update({"HAZARDTRACK_VAR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 — our own interpreter and module
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_malformed_debug_value_raises_improperly_configured(tmp_path):
    result = load_settings(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DEBUG" in result.stderr


def test_debug_is_off_by_default_and_the_language_is_chinese(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "zh-hans", "Asia/Shanghai"]
    assert (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_the_login_page_renders_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county", "admin"])
def test_home_sends_every_role_somewhere_it_may_go(client, personas, role):
    login(client, getattr(personas, role))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county", "admin"])
def test_the_navigation_offers_the_enterprise_list_to_every_role(client, personas, role):
    response = login(client, getattr(personas, role)).get(reverse("enterprises:list"))
    assert reverse("enterprises:list") in [i["url"] for i in response.context["nav_items"]]
