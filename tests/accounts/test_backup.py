"""The backup drill: a backup of a database with records and uploaded files is restored into a
fresh database and an empty MEDIA_ROOT by another process (as an operator would), which checks
every table's row count and every file's checksum against the manifest; a sample record is read
back; a second restore into the now non-empty database is refused."""

import io
import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from problems.models import Attachment
from tests.factories import ProblemFactory, pdf_bytes
from tests.processes import process_environment, server_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL of a new, empty database of the same kind, a query function on it)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    name = f"zhiku_drill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")

    def query(sql):
        with psycopg.connect(f"{server_url()}/{name}") as db:
            return db.execute(sql).fetchall()

    try:
        yield f"{server_url()}/{name}", query
    finally:
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def restore_process(backup: Path, database_url: str, media: Path) -> subprocess.CompletedProcess:
    environment = process_environment(DATABASE_URL=database_url, MEDIA_ROOT=str(media))
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=Path(django_settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_restores_into_a_fresh_database_with_its_files(ent_a, tmp_path, fresh_database):
    problem = ProblemFactory(enterprise=ent_a, status="submitted", title="高纯硅提纯工艺")
    Attachment.objects.create(
        problem=problem,
        file=SimpleUploadedFile("工艺.pdf", pdf_bytes()),
        original_name="工艺.pdf",
        content_type="application/pdf",
        size=len(pdf_bytes()),
    )
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    backup = Path(out.getvalue().strip())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["problems_problem"] == 1
    assert manifest["tables"]["problems_attachment"] == 1
    assert len(manifest["files"]) == 1

    database_url, query = fresh_database
    media = tmp_path / "restored-media"
    result = restore_process(backup, database_url, media)
    assert result.returncode == 0, result.stderr
    tables, rows = len(manifest["tables"]), sum(manifest["tables"].values())
    assert result.stdout.strip() == (
        f"Restored and verified: {tables} tables, {rows} rows, 1 files."
    )
    assert query("SELECT title FROM problems_problem") == [("高纯硅提纯工艺",)]
    (name,) = manifest["files"]
    assert (media / name).read_bytes() == pdf_bytes()

    again = restore_process(backup, database_url, tmp_path / "other-media")
    assert again.returncode == 1
    assert "The configured database is not empty" in again.stderr


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="is not a zhiku backup"):
        call_command("restore", str(tmp_path / "missing"))
    (tmp_path / "manifest.json").write_text('{"database": "sqlite"}')
    with pytest.raises(CommandError, match=r"is not a zhiku backup \(its manifest is incomplete\)"):
        call_command("restore", str(tmp_path))


def test_backup_reports_a_directory_it_cannot_write(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="Cannot write the backup to"):
        call_command("backup", output=str(tmp_path / "file"))
