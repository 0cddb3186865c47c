"""Consistent backups (database + uploaded files) and their restore.

A backup is a directory `zhiku-backup-<time>/` holding:
- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, the
  online backup API): one consistent snapshot. On PostgreSQL the row counts of the manifest are
  read in the same snapshot the dump is taken from (`pg_export_snapshot` + `--snapshot`);
- `media.tar.gz`: MEDIA_ROOT (uploads, figures, scans, cached PDFs);
- `manifest.json`: when, which database kind, the row count of every table, and the SHA-256 of
  every file.

`restore` refuses a database that has tables or a MEDIA_ROOT that has files, loads both and then
checks counts and checksums against the manifest."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class Verification:
    tables: int
    rows: int
    files: int
    problems: list[str]


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments and environment for pg_dump / pg_restore."""
    db = connection.settings_dict
    arguments = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        arguments += ["--username", db["USER"]]
    environment = {**os.environ}
    if db["PASSWORD"]:
        environment["PGPASSWORD"] = db["PASSWORD"]
    return arguments, environment


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _file_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            hashes[path.relative_to(root).as_posix()] = digest.hexdigest()
    return hashes


def backup(output: Path) -> Path:
    """Write a backup directory under `output`; returns its path."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = Path(output) / f"zhiku-backup-{stamp}"
    try:
        target.mkdir(parents=True, exist_ok=False)
    except OSError as error:
        raise BackupError(f"Cannot write the backup to {target}: {error.strerror}.") from error
    vendor = connection.vendor
    if vendor == "postgresql":
        counts = _backup_postgresql(target / PG_DUMP)
    elif vendor == "sqlite":
        counts = _backup_sqlite(target / SQLITE_COPY)
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    manifest = {
        "created": timezone.now().isoformat(),
        "database": vendor,
        "tables": counts,
        "files": _file_hashes(media),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return target


def _backup_postgresql(path: Path) -> dict[str, int]:
    arguments, environment = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        result = subprocess.run(
            [
                "pg_dump",
                *arguments,
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(path),
                connection.settings_dict["NAME"],
            ],
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return _counts(cursor, _tables())


def _backup_sqlite(path: Path) -> dict[str, int]:
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
        tables = [
            name
            for (name,) in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in sorted(tables)
        }
    finally:
        copy.close()
        source.close()


def restore(source: Path) -> Verification:
    """Load a backup into the configured (empty) database and MEDIA_ROOT, then verify it."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not a zhiku backup ({error}).") from error
    if not isinstance(manifest, dict) or not {"database", "tables", "files"} <= set(manifest):
        raise BackupError(f"{source} is not a zhiku backup (its manifest is incomplete).")
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"The backup is of a {manifest['database']} database; the configured one is "
            f"{connection.vendor}."
        )
    if _tables():
        raise BackupError("The configured database is not empty: restore only into a new one.")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media}) is not empty: restore only into an empty one.")
    if connection.vendor == "postgresql":
        arguments, environment = _pg_environment()
        result = subprocess.run(
            [
                "pg_restore",
                *arguments,
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(source / PG_DUMP),
            ],
            env=environment,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        connection.close()
        shutil.copyfile(source / SQLITE_COPY, connection.settings_dict["NAME"])
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("media/")]
        for member in members:
            member.name = member.name.removeprefix("media/")
        archive.extractall(media, members=members, filter="data")
    return verify(manifest)


def verify(manifest: dict) -> Verification:
    """Compare the configured database and MEDIA_ROOT with a backup's manifest."""
    problems = []
    with connection.cursor() as cursor:
        counts = _counts(cursor, _tables())
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, expected {expected}")
    files = _file_hashes(Path(settings.MEDIA_ROOT))
    for name, digest in manifest["files"].items():
        if files.get(name) != digest:
            problems.append(f"file {name}: missing or changed")
    return Verification(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        problems=problems,
    )
