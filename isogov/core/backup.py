"""Backup and restore of a whole installation: the database and the uploaded files.

One ``.tar.gz`` archive holds ``manifest.json`` (format, engine, time, every member's SHA-256,
every table's row count and content hash), the database (``db/isogov.sqlite3`` made with
SQLite's online backup API, or ``db/dump.sql`` from ``pg_dump``) and ``media/``. Restoring
checks every checksum first and refuses a database that already has tables.
See docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

FORMAT = 1


class BackupError(Exception):
    """The archive or the target is not what a restore needs."""


# --- Fingerprints (what the round-trip test and the manifest compare) -----------------------


def _value(value: Any) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return repr(value)


def table_fingerprints(cursor: Any, tables: Iterable[str], quote: str = '"') -> dict[str, Any]:
    """Every table's row count and the SHA-256 of its rows in a stable order."""
    result = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote}{table}{quote}")  # noqa: S608
        rows = sorted("\x1f".join(_value(v) for v in row) for row in cursor.fetchall())
        digest = hashlib.sha256("\x1e".join(rows).encode()).hexdigest()
        result[table] = {"rows": len(rows), "sha256": digest}
    return result


def database_fingerprints() -> dict[str, Any]:
    """This database's fingerprints, read as stored (on SQLite without Django's converters,
    from an in-memory copy made with the backup API)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:")
        connection.connection.backup(copy)
        try:
            return table_fingerprints(copy.cursor(), _sqlite_tables(copy))
        finally:
            copy.close()
    with connection.cursor() as cursor:
        return table_fingerprints(cursor, connection.introspection.table_names(cursor))


# --- Backup ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [row[0] for row in rows]


def _dump_database(target: Path) -> tuple[str, dict[str, Any]]:
    """Write the database under ``target``; returns its member name and its fingerprints,
    both of one consistent state."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        out = target / "isogov.sqlite3"
        copy = sqlite3.connect(out)
        with copy:
            connection.connection.backup(copy)  # online: writers keep writing meanwhile
        fingerprints = table_fingerprints(copy.cursor(), _sqlite_tables(copy))
        copy.close()
        return "db/isogov.sqlite3", fingerprints
    if connection.vendor == "postgresql":
        out = target / "dump.sql"
        db = settings.DATABASES["default"]
        # pg_dump reads the snapshot this transaction exported, so the fingerprints and the
        # dump see the same rows while the server keeps working.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            subprocess.run(  # noqa: S603
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--no-owner",
                    "--no-privileges",
                    "--format=plain",
                    f"--snapshot={snapshot}",
                    f"--file={out}",
                    f"--dbname={_pg_url(db)}",
                ],
                check=True,
                env=_pg_env(db),
            )
            fingerprints = table_fingerprints(cursor, connection.introspection.table_names(cursor))
        return "db/dump.sql", fingerprints
    raise BackupError(f"no backup for the {connection.vendor} engine")


def _pg_url(db: Any) -> str:
    host, port = db.get("HOST") or "localhost", db.get("PORT") or 5432
    return f"postgresql://{db.get('USER') or ''}@{host}:{port}/{db['NAME']}"


def _pg_env(db: Any) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _media_files(root: Path) -> Iterator[Path]:
    if root.exists():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def backup_create(archive: Path) -> dict[str, Any]:
    """Write the database, the uploaded files and the manifest to ``archive``."""
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="isogov-backup-") as work:
        work_dir = Path(work)
        db_member, fingerprints = _dump_database(work_dir)
        db_file = work_dir / Path(db_member).name
        members = {db_member: db_file}
        for path in _media_files(media_root):
            members[f"media/{path.relative_to(media_root).as_posix()}"] = path
        # The uploaded papers and results, kept out of MEDIA_ROOT (dossiers/uploads.py).
        private_root = Path(settings.ISOGOV_PRIVATE_DIR)
        for path in _media_files(private_root):
            members[f"private/{path.relative_to(private_root).as_posix()}"] = path
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
            "checksums": {name: _sha256(path) for name, path in members.items()},
            "tables": fingerprints,
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        partial.replace(archive)  # a half-written archive never has the final name
    return manifest


# --- Restore --------------------------------------------------------------------------------


def _read_archive(archive: Path, into: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    manifest = json.loads((into / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    for name, expected in manifest["checksums"].items():
        path = into / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"{name}: checksum does not match the manifest")
    return dict(manifest)


def backup_restore(archive: Path) -> dict[str, Any]:
    """Restore ``archive`` into this installation, whose database must be empty."""
    with tempfile.TemporaryDirectory(prefix="isogov-restore-") as work:
        work_dir = Path(work)
        manifest = _read_archive(archive, work_dir)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest['engine']} database; this is {connection.vendor}"
            )
        with connection.cursor() as cursor:
            if connection.introspection.table_names(cursor):
                raise BackupError("the database is not empty: restore into a new installation")
        if connection.vendor == "sqlite":
            target = Path(settings.DATABASES["default"]["NAME"])
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(work_dir / "db/isogov.sqlite3")
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            source.close()
            restored = table_fingerprints(copy.cursor(), _sqlite_tables(copy))
            copy.close()
        else:
            db = settings.DATABASES["default"]
            subprocess.run(  # noqa: S603
                [
                    shutil.which("psql") or "psql",
                    "--quiet",
                    "--set=ON_ERROR_STOP=1",
                    "--single-transaction",
                    f"--file={work_dir / 'db/dump.sql'}",
                    f"--dbname={_pg_url(db)}",
                ],
                check=True,
                env=_pg_env(db),
                stdout=subprocess.DEVNULL,
            )
            restored = database_fingerprints()
        media_root = Path(settings.MEDIA_ROOT)
        media = work_dir / "media"
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
        private = work_dir / "private"
        if private.exists():
            shutil.copytree(private, Path(settings.ISOGOV_PRIVATE_DIR), dirs_exist_ok=True)
        if restored != manifest["tables"]:
            differ = [t for t in manifest["tables"] if restored.get(t) != manifest["tables"][t]]
            raise BackupError(f"restored tables differ from the manifest: {differ[:5]}")
    return manifest
