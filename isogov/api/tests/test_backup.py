"""Backup and restore round trip on SQLite and PostgreSQL (issue 13, item 10).

A seeded database with dossiers, audit events and an uploaded file is backed up in this
process, restored by the real ``isogov restore`` command into a new installation, and every
table's row count and content hash is compared; ``isogov audit verify`` then passes on the copy,
checkpoints included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg.types.string import TextLoader

from isogov.audit.checkpoints import checkpoint_write
from isogov.core.backup import BackupError, backup_create, database_fingerprints
from isogov.core.backup import table_fingerprints as fingerprints_of
from isogov.dossiers.tests.apiclient import MONDAY_8, receive

ISOGOV = str(Path(sys.executable).with_name("isogov"))


def _isogov(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [ISOGOV, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _seeded(desk: Any, tmp_path: Path, settings: Any) -> tuple[Path, bytes]:
    for minutes in (0, 5, 10):
        receive(desk, MONDAY_8.replace(minute=minutes))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    upload = tmp_path / "media" / "scans" / "don-de-nghi.pdf"
    upload.parent.mkdir(parents=True)
    content = b"%PDF-1.4 a scanned application form \xe1\xba\xa1"
    upload.write_bytes(content)
    # An applicant's upload, in the private directory (dossiers/uploads.py).
    settings.ISOGOV_PRIVATE_DIR = tmp_path / "private"
    private = tmp_path / "private" / "online" / "giay-to.pdf"
    private.parent.mkdir(parents=True)
    private.write_bytes(content)
    checkpoint_write()
    return upload, content


def _env(tmp_path: Path, settings: Any, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE_URL"))}
    env.update(
        ISOGOV_DATA_DIR=str(tmp_path / "copy"),
        ISOGOV_AUDIT_KEY=settings.ISOGOV_AUDIT_KEY,
        ISOGOV_AUDIT_CHECKPOINT_FILE=settings.ISOGOV_AUDIT_CHECKPOINT_FILE,
        **extra,
    )
    return env


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_every_table_and_file(
    desk: Any, tmp_path: Path, settings: Any
) -> None:
    upload, content = _seeded(desk, tmp_path, settings)
    archive = tmp_path / "isogov-backup.tar.gz"
    manifest = backup_create(archive)
    source = database_fingerprints()
    assert manifest["tables"] == {t: source[t] for t in manifest["tables"]}
    assert manifest["tables"]["dossiers_dossier"]["rows"] >= 3
    env = _env(tmp_path, settings)
    restored = _isogov(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    copy = __import__("sqlite3").connect(tmp_path / "copy" / "isogov.sqlite3")
    tables = [
        r[0]
        for r in copy.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert fingerprints_of(copy.cursor(), tables) == source
    copy.close()
    assert (tmp_path / "copy" / "media" / "scans" / upload.name).read_bytes() == content
    assert (tmp_path / "copy" / "private" / "online" / "giay-to.pdf").read_bytes() == content
    verified = _isogov(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "audit chain OK" in verified.stdout
    again = _isogov(env, "restore", str(archive))
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused(tmp_path: Path, settings: Any) -> None:
    import tarfile

    archive = tmp_path / "b.tar.gz"
    backup_create(archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            payload = data.read() if data else b""
            if member.name.startswith("db/"):
                payload = payload[:-1] + bytes([payload[-1] ^ 1])
            import io

            dst.addfile(member, io.BytesIO(payload))
    from isogov.core.backup import _read_archive

    with pytest.raises(BackupError, match="checksum"):
        _read_archive(damaged, tmp_path / "out")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_every_table_and_file(
    desk: Any, tmp_path: Path, settings: Any
) -> None:
    upload, content = _seeded(desk, tmp_path, settings)
    archive = tmp_path / "isogov-backup.tar.gz"
    manifest = backup_create(archive)
    source = database_fingerprints()
    assert manifest["tables"] == source
    db = connection.settings_dict
    copy_name = f"{db['NAME']}_restore"
    admin = f"postgresql://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
        conn.execute(f'CREATE DATABASE "{copy_name}"')
    try:
        url = admin.rsplit("/", 1)[0] + f"/{copy_name}"
        env = _env(tmp_path, settings, DATABASE_URL=url)
        restored = _isogov(env, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(url) as conn:
            # Read as Django reads: JSON as text, times in UTC.
            conn.adapters.register_loader("jsonb", TextLoader)
            conn.adapters.register_loader("json", TextLoader)
            cursor = conn.cursor()
            cursor.execute("SET TIME ZONE 'UTC'")
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = [row[0] for row in cursor.fetchall()]
            assert fingerprints_of(cursor, tables) == source
        assert (tmp_path / "copy" / "media" / "scans" / upload.name).read_bytes() == content
        verified = _isogov(env, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert "audit chain OK" in verified.stdout
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
