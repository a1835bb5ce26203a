"""backup and restore, run as an operator runs them: manage.py on a real database file."""

import hashlib
import json
import shutil
import sqlite3
import time

import pytest

from core.backup import sqlite_connect
from tests.reliability.harness import Site, drop_site, make_site, vendors


@pytest.fixture
def sites(tmp_path_factory, request):
    made = []

    def make(vendor, name):
        site = make_site(tmp_path_factory, vendor, name)
        made.append(site)
        return site

    yield make
    for site in made:
        drop_site(site)


@pytest.mark.parametrize("vendor", vendors())
def test_a_restore_brings_back_every_record_and_every_photo_byte_for_byte(sites, vendor):
    site = sites(vendor, "roundtrip")
    seeded = site.scenario("seed_roundtrip")
    assert seeded == {"hazards": 8, "photos": 12}
    records = site.dump()
    photos = site.media_hashes()
    assert len(photos) == 24  # every photo and its thumbnail
    backup_dir = site.root / "backup"

    out = site.manage("backup", "--out", str(backup_dir)).stdout
    assert "备份完成" in out
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == vendor
    assert "hazards.0001_initial" in manifest["migrations"]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert {f"media/{p}": h for p, h in photos.items()}.items() <= listed.items()

    site.scenario("mutate")
    assert site.dump() != records
    assert site.media_hashes() != photos

    out = site.manage("restore", str(backup_dir), "--yes").stdout
    assert "恢复完成" in out
    assert site.dump() == records
    restored = site.media_hashes()
    assert {p: restored.get(p) for p in photos} == photos

    # The same backup on a new machine: an empty, migrated database needs no --yes.
    elsewhere = sites(vendor, "newmachine")
    elsewhere.manage("restore", str(backup_dir))
    assert elsewhere.dump() == records
    assert elsewhere.media_hashes() == photos


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One seeded installation and its backup, made once; tests work on copies."""
    site = make_site(tmp_path_factory, "sqlite", "seeded")
    site.scenario("seed_roundtrip")
    site.manage("backup", "--out", str(site.root / "backup"))
    return site


def _copy_of(seeded, tmp_path):
    """A copy of the seeded installation (database and media) and of its backup."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copyfile(seeded.sqlite_path, root / "db.sqlite3")
    shutil.copytree(seeded.media, root / "media")
    shutil.copytree(seeded.root / "backup", tmp_path / "backup")
    return Site(root, f"sqlite:///{root / 'db.sqlite3'}"), tmp_path / "backup"


def _state(site):
    """The database file and every media file, byte for byte."""
    return hashlib.sha256(site.sqlite_path.read_bytes()).hexdigest(), site.media_hashes()


def test_restore_refuses_to_overwrite_data_without_yes_and_changes_nothing(seeded, tmp_path):
    site, backup_dir = _copy_of(seeded, tmp_path)
    site.scenario("mutate")
    before = _state(site)

    result = site.manage("restore", str(backup_dir), check=False)

    assert result.returncode != 0
    assert "目标数据库已有数据" in result.stderr
    assert "--yes" in result.stderr
    assert _state(site) == before


def test_restore_refuses_a_damaged_backup_before_touching_anything(seeded, tmp_path):
    site, backup_dir = _copy_of(seeded, tmp_path)
    site.scenario("mutate")
    before = _state(site)
    photo = next((backup_dir / "media").rglob("*.jpg"))
    data = bytearray(photo.read_bytes())
    data[-3] ^= 0xFF
    photo.write_bytes(bytes(data))

    result = site.manage("restore", str(backup_dir), "--yes", check=False)

    assert result.returncode != 0
    assert "备份校验未通过" in result.stderr
    assert photo.name in result.stderr
    assert _state(site) == before


def test_restore_refuses_a_backup_missing_its_database_file(seeded, tmp_path):
    site, backup_dir = _copy_of(seeded, tmp_path)
    (backup_dir / "database.sqlite3").unlink()
    before = _state(site)

    result = site.manage("restore", str(backup_dir), "--yes", check=False)

    assert result.returncode != 0
    assert "database.sqlite3：文件缺失" in result.stderr
    assert _state(site) == before


def test_restore_refuses_a_backup_from_a_newer_schema_than_the_code(seeded, tmp_path):
    site, backup_dir = _copy_of(seeded, tmp_path)
    manifest_path = backup_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["migrations"].append("hazards.9999_from_the_future")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    before = _state(site)

    result = site.manage("restore", str(backup_dir), "--yes", check=False)

    assert result.returncode != 0
    assert "更新版本的程序" in result.stderr
    assert "hazards.9999_from_the_future" in result.stderr
    assert _state(site) == before


def test_restore_refuses_a_directory_that_is_not_a_backup(seeded, tmp_path):
    site, _backup = _copy_of(seeded, tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()

    result = site.manage("restore", str(empty), check=False)

    assert result.returncode != 0
    assert "不是完整的备份目录" in result.stderr


def test_backup_refuses_a_directory_that_is_not_empty_and_leaves_it_alone(sites):
    site = sites("sqlite", "notempty")
    out = site.root / "backup"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")

    result = site.manage("backup", "--out", str(out), check=False)

    assert result.returncode != 0
    assert "已存在且不为空" in result.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in site.root.iterdir()) == ["backup", "db.sqlite3", "media"]


def test_a_backup_taken_while_the_app_writes_is_a_consistent_snapshot(sites):
    """Online: a writer registers hazards with photos during the backup. The copy passes
    integrity_check, every hazard in it has its register event and its photo files."""
    site = sites("sqlite", "online")
    stop = site.root / "stop"
    writer = site.popen_scenario("write_until", stop_path=str(stop))

    def hazards_written():
        conn = sqlite3.connect(site.sqlite_path, timeout=30)
        try:
            return conn.execute("SELECT count(*) FROM hazards_hazard").fetchone()[0]
        finally:
            conn.close()

    try:
        deadline = time.monotonic() + 60
        while hazards_written() < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        before = hazards_written()
        for name in ("backup1", "backup2"):
            site.manage("backup", "--out", str(site.root / name))
        during = hazards_written()
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    written = json.loads(out.strip().splitlines()[-1])["written"]
    # The writer went on while the backups ran: they were taken online.
    assert before >= 5
    assert during > before

    counts = []
    for name in ("backup1", "backup2"):
        backup_dir = site.root / name
        conn = sqlite_connect(backup_dir / "database.sqlite3", readonly=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            hazards = conn.execute("SELECT count(*) FROM hazards_hazard").fetchone()[0]
            orphans = conn.execute(
                "SELECT count(*) FROM hazards_hazard h WHERE NOT EXISTS (SELECT 1 FROM "
                "hazards_hazardevent e WHERE e.hazard_id = h.id AND e.action = 'register')"
            ).fetchone()[0]
            events = conn.execute("SELECT count(*) FROM hazards_hazardevent").fetchone()[0]
            paths = [
                p
                for row in conn.execute("SELECT image, thumbnail FROM hazards_hazardphoto")
                for p in row
            ]
        finally:
            conn.close()
        assert orphans == 0
        assert events == hazards
        assert len(paths) == 2 * hazards
        for p in paths:
            assert (backup_dir / "media" / p).is_file(), p
        counts.append(hazards)
    assert before <= counts[0] <= counts[1] <= during <= written


def test_backup_draws_a_progress_bar_on_a_terminal_and_nothing_in_a_pipe(seeded, tmp_path):
    import os
    import pty
    import subprocess

    from tests.reliability.harness import PYTHON, ROOT

    site, _backup = _copy_of(seeded, tmp_path)
    piped = site.manage("backup", "--out", str(tmp_path / "piped"))
    assert piped.stderr == ""

    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "backup", "--out", str(tmp_path / "terminal")],
            cwd=ROOT,
            env=site.env(),
            stdout=subprocess.PIPE,
            stderr=secondary,
        )
        os.close(secondary)
        drawn = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            drawn += chunk
        out, _err = process.communicate(timeout=120)
    finally:
        os.close(main)
    assert process.returncode == 0
    text = drawn.decode("utf-8", "replace")
    assert "备份" in text
    assert "█" in text
    assert "25/25" in text  # the database and 24 photo files
    assert "备份完成" in out.decode()
