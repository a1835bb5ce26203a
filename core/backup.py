"""Online backup and restore of the database and the media files.

A backup is a directory:

    manifest.json        what, when, from which database and schema, every file's sha256
    database.sqlite3     SQLite: a consistent copy made with the sqlite3 backup API
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    media/...            photos and job files, as they were under MEDIA_ROOT

The backup runs while the application keeps writing: the SQLite backup API (and pg_dump)
copies one consistent snapshot, and the media are copied after the database, so every
photo the snapshot refers to was already on disk. It is written to a temporary sibling
directory and renamed into place at the end: a directory with a manifest is complete.

A restore checks every checksum and the schema before it touches anything, refuses to
overwrite a database that holds data unless told to, and replaces the database in one
step (SQLite backup API into the live file; PostgreSQL: the dump replayed by psql in one
transaction into an emptied schema), then puts the media back and runs ``migrate`` so
that an older backup is brought up to the code's schema.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 — pg_dump, pg_restore and psql, with argument lists
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Backup or restore refused or failed; ``message`` says why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def _noop(*args, **kwargs):
    return None


# --- helpers --------------------------------------------------------------------------------


def _copy_and_hash(src, dst):
    """Copy ``src`` to ``dst`` and return (size, sha256) computed in the same pass."""
    digest = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while block := fin.read(CHUNK):
            digest.update(block)
            fout.write(block)
            size += len(block)
    shutil.copystat(src, dst)
    return size, digest.hexdigest()


def _hash(path):
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _regexp(pattern, value):
    """Django's REGEXP for SQLite: CHECK constraints use it, so integrity_check needs it."""
    if pattern is None or value is None:
        return None
    return bool(re.search(pattern, str(value)))


def sqlite_connect(path, *, readonly=False, timeout=30):
    """A plain sqlite3 connection that can evaluate our CHECK constraints."""
    uri = Path(path).absolute().as_uri() + ("?mode=ro" if readonly else "")
    conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    conn.create_function("REGEXP", 2, _regexp, deterministic=True)
    return conn


def _vendor(using):
    return connections[using].vendor


def _pg_env(using):
    """The libpq environment for the configured PostgreSQL database."""
    conf = settings.DATABASES[using]
    env = dict(os.environ)
    mapping = {
        "PGHOST": conf.get("HOST"),
        "PGPORT": conf.get("PORT"),
        "PGUSER": conf.get("USER"),
        "PGPASSWORD": conf.get("PASSWORD"),
        "PGDATABASE": conf.get("NAME"),
    }
    # What the URL leaves out (a password, a port) may still come from the environment.
    env.update({key: str(value) for key, value in mapping.items() if value})
    return env


def _run(args, *, env, what):
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("找不到 %(tool)s 命令，请安装 PostgreSQL 客户端工具。") % {"tool": args[0]}
        ) from exc
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s失败：%(error)s") % {"what": what, "error": result.stderr.strip()[-2000:]}
        )
    return result


def migration_state(using=DEFAULT_DB_ALIAS):
    """The applied migrations of the database, as sorted "app.name" strings."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _code_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# What an operator would lose: a freshly migrated database has none of these (the role
# groups and checklist templates that migrations create do not count).
DATA_MODELS = (
    "auth.User",
    "grid.GridCell",
    "enterprises.Enterprise",
    "inspections.Inspection",
    "hazards.Hazard",
)


def data_row_count(using=DEFAULT_DB_ALIAS):
    """Rows of users, grid cells, enterprises, inspections and hazards (0 when none, or
    when the database was never migrated)."""
    existing = set(connections[using].introspection.table_names())
    total = 0
    for label in DATA_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in existing:
            total += model._base_manager.using(using).count()
    return total


# --- backup ---------------------------------------------------------------------------------


def _backup_sqlite(using, target):
    source_path = settings.DATABASES[using]["NAME"]
    if str(source_path) == ":memory:" or not Path(source_path).is_file():
        raise BackupError(_("数据库文件不存在：%(path)s") % {"path": source_path})
    # A read-only connection of our own: the backup API copies one consistent snapshot
    # page by page; in WAL mode the application goes on writing meanwhile.
    src = sqlite_connect(source_path, readonly=True)
    dst = sqlite_connect(target)
    try:
        with dst:
            src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        # The copy is a single self-contained file (no -wal beside it).
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    if ok != "ok":
        raise BackupError(_("数据库副本完整性检查未通过：%(result)s") % {"result": ok})


def _backup_postgresql(using, target):
    _run(
        ["pg_dump", "--format=custom", "--no-password", f"--file={target}"],
        env=_pg_env(using),
        what=_("pg_dump 导出数据库"),
    )


def _media_files(root, exclude=()):
    root = Path(root)
    if not root.is_dir():
        return []
    excluded = [Path(p).resolve() for p in exclude]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).resolve()
        dirnames[:] = sorted(d for d in dirnames if not any((here / d) == e for e in excluded))
        for name in sorted(filenames):
            files.append(Path(dirpath) / name)
    return files


def create_backup(out_dir, *, using=DEFAULT_DB_ALIAS, progress=_noop):
    """Write a complete backup to ``out_dir`` (which must not exist or be empty).

    ``progress(done, total)`` is called as files are copied. Returns the manifest.
    """
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise BackupError(
            _("备份目录 %(path)s 已存在且不为空，请指定一个新目录。") % {"path": out_dir}
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(using)
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("不支持备份此类数据库：%(vendor)s") % {"vendor": vendor})
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        started = timezone.now()
        progress(0, None)
        db_name = SQLITE_FILE if vendor == "sqlite" else PG_FILE
        if vendor == "sqlite":
            _backup_sqlite(using, work / db_name)
        else:
            _backup_postgresql(using, work / db_name)
        size, sha = _hash(work / db_name)
        files = [{"path": db_name, "size": size, "sha256": sha}]
        # Media listed and copied only AFTER the database snapshot: a photo is written
        # before the transaction that refers to it commits, so every file the snapshot
        # refers to is on disk by now. (Listed earlier, a photo saved meanwhile would be
        # referenced by the snapshot and missing from the copy.)
        media_root = Path(settings.MEDIA_ROOT)
        media = _media_files(media_root, exclude=[out_dir, work])
        total = len(media) + 1
        progress(1, total)
        for done, src in enumerate(media, start=2):
            rel = src.relative_to(media_root)
            dst = work / MEDIA_DIR / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                size, sha = _copy_and_hash(src, dst)
            except FileNotFoundError:
                continue  # removed meanwhile (an expired job file): not part of the snapshot
            files.append({"path": f"{MEDIA_DIR}/{rel.as_posix()}", "size": size, "sha256": sha})
            progress(done, total)
        manifest = {
            "format": FORMAT,
            "application": "hazardtrack",
            "created_at": started.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "file": db_name},
            "migrations": migration_state(using),
            "files": files,
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# --- restore --------------------------------------------------------------------------------


def read_manifest(backup_dir):
    path = Path(backup_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(path)s 不是完整的备份目录（缺少 manifest.json）。") % {"path": backup_dir}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("manifest.json 已损坏，无法读取。")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("不认识的备份格式。"))
    return manifest


def verify_backup(backup_dir, *, progress=_noop):
    """Check every file of the manifest (size and sha256). Returns the manifest."""
    backup_dir = Path(backup_dir).resolve()
    manifest = read_manifest(backup_dir)
    files = manifest.get("files") or []
    problems = []
    for done, entry in enumerate(files, start=1):
        rel = entry["path"]
        path = (backup_dir / rel).resolve()
        if backup_dir not in path.parents:
            problems.append(_("%(path)s：路径不在备份目录内") % {"path": rel})
            continue
        if not path.is_file():
            problems.append(_("%(path)s：文件缺失") % {"path": rel})
            continue
        size, sha = _hash(path)
        if size != entry["size"] or sha != entry["sha256"]:
            problems.append(_("%(path)s：校验和不符（文件已损坏或被修改）") % {"path": rel})
        progress(done, len(files))
    db_file = manifest.get("database", {}).get("file")
    if db_file not in {f["path"] for f in files}:
        problems.append(_("备份中没有数据库文件"))
    if problems:
        raise BackupError(_("备份校验未通过：") + "；".join(str(p) for p in problems))
    return manifest


def check_schema(manifest):
    """Refuse a backup made by a newer version of the program than this one."""
    known = _code_migrations()
    unknown = sorted(m for m in manifest.get("migrations", []) if m not in known)
    if unknown:
        names = "、".join(unknown[:5])
        raise BackupError(
            _(
                "该备份来自更新版本的程序（数据库结构包含本程序没有的迁移：%(names)s），"
                "请先升级程序再恢复。"
            )
            % {"names": names}
        )


def _restore_sqlite(using, source):
    target = settings.DATABASES[using]["NAME"]
    if str(target) == ":memory:":
        raise BackupError(_("不能恢复到内存数据库。"))
    connections[using].close()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    src = sqlite_connect(source, readonly=True)
    dst = sqlite_connect(target)
    try:
        # The backup API replaces the live file's pages under its write lock, in one step:
        # interrupted, the destination rolls back to what it was.
        src.backup(dst)
        ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if ok != "ok":
        raise BackupError(_("恢复后的数据库完整性检查未通过：%(result)s") % {"result": ok})


def _restore_postgresql(using, source):
    env = _pg_env(using)
    connections[using].close()
    # pg_restore renders the dump as SQL; psql replays it after emptying the schema, inside
    # ONE transaction that is committed only when pg_restore has rendered all of it. Any
    # failure leaves the database as it was, and no table of a newer schema lingers.
    render = ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(source)]
    replay = ["psql", "--no-password", "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1"]
    with tempfile.TemporaryFile() as render_err, tempfile.TemporaryFile() as replay_err:
        try:
            renderer = subprocess.Popen(render, env=env, stdout=subprocess.PIPE, stderr=render_err)  # noqa: S603
            player = subprocess.Popen(  # noqa: S603
                replay,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=replay_err,
            )
        except FileNotFoundError as exc:
            raise BackupError(
                _("找不到 pg_restore 或 psql 命令，请安装 PostgreSQL 客户端工具。")
            ) from exc
        try:
            player.stdin.write(
                b"BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
            )
            shutil.copyfileobj(renderer.stdout, player.stdin, CHUNK)
            rendered_ok = renderer.wait() == 0
            if rendered_ok:
                player.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            # psql stopped on an error: let pg_restore end too (SIGPIPE) and report.
            renderer.stdout.close()
            renderer.wait()
            rendered_ok = False
        finally:
            renderer.stdout.close()
            try:
                player.stdin.close()
            except BrokenPipeError:
                pass
        replayed_ok = player.wait() == 0
        if not (rendered_ok and replayed_ok):
            render_err.seek(0)
            replay_err.seek(0)
            error = (render_err.read() + replay_err.read()).decode("utf-8", "replace").strip()
            raise BackupError(
                _("恢复 PostgreSQL 数据库失败（数据库未改动）：%(error)s")
                % {"error": error[-2000:]}
            )


def _restore_media(backup_dir, manifest, progress):
    media_root = Path(settings.MEDIA_ROOT)
    entries = [f for f in manifest["files"] if f["path"].startswith(f"{MEDIA_DIR}/")]
    for done, entry in enumerate(entries, start=1):
        rel = entry["path"][len(MEDIA_DIR) + 1 :]
        dst = media_root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.restoring")
        _copy_and_hash(backup_dir / entry["path"], tmp)
        os.replace(tmp, dst)
        progress(done, len(entries))
    return len(entries)


def restore_backup(
    backup_dir, *, using=DEFAULT_DB_ALIAS, force=False, progress=_noop, verified=None
):
    """Restore ``backup_dir`` over the configured database and MEDIA_ROOT.

    Checks everything first (checksums, schema version, that the database is empty unless
    ``force``), then replaces the database, then the media, then migrates. Returns a
    summary dict. ``progress(done, total)`` follows the checksums and the media copy.
    """
    backup_dir = Path(backup_dir).resolve()
    # ``verified``: the manifest verify_backup just returned (the command checks first,
    # with a bar of its own); otherwise every checksum is checked here.
    manifest = verified or verify_backup(backup_dir, progress=progress)
    check_schema(manifest)
    vendor = _vendor(using)
    backup_vendor = manifest["database"]["vendor"]
    if backup_vendor != vendor:
        raise BackupError(
            _("备份来自 %(src)s 数据库，当前配置的是 %(dst)s 数据库，不能直接恢复。")
            % {"src": backup_vendor, "dst": vendor}
        )
    rows = data_row_count(using)
    if rows and not force:
        raise BackupError(
            _(
                "目标数据库已有数据（%(rows)d 条记录），恢复将覆盖全部现有数据。"
                "确认无误后请加 --yes 参数重新执行。"
            )
            % {"rows": rows}
        )
    source = backup_dir / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(using, source)
    else:
        _restore_postgresql(using, source)
    media = _restore_media(backup_dir, manifest, progress)
    call_command("migrate", database=using, interactive=False, verbosity=0)
    return {
        "vendor": vendor,
        "created_at": manifest.get("created_at"),
        "media_files": media,
        "rows_before": rows,
    }
