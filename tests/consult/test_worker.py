"""One task end to end through a real Celery worker on Redis: the report PDF task is sent to
the broker, a `celery -A config worker` process (the production command) takes it, renders the
PDF into the test database's revision and returns its page count. Skipped when no Redis answers.

The worker is another process, so the rows it reads are committed (transactional_db) and it is
pointed at the test database and media directory through the environment, as a deployment's
worker is through /etc/zhiku/zhiku.env."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.db import connection

from consult.services.reports import current_revision
from tests.factories import GovernmentBodyFactory, UserFactory, issued_report, region

REDIS_URL = os.getenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # no server, no route: the test is skipped, not failed
        return False


def database_url() -> str:
    """The test database as a DATABASE_URL the worker process can use."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


pytestmark = [
    pytest.mark.skipif(not redis_answers(), reason="no Redis server answers"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(settings, tmp_path):
    """A Celery worker process on a queue of its own, stopped after the test."""
    queue = f"zhiku-test-{uuid.uuid4().hex[:8]}"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "worker.log").open("wb")
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["--queues", queue, "--hostname", f"{queue}@%h", "--loglevel=WARNING"]
    command += ["--without-mingle", "--without-gossip"]
    process = subprocess.Popen(
        command,
        cwd=Path(django_settings.BASE_DIR),
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client = Celery("zhiku-test-client", broker=REDIS_URL, backend=REDIS_URL)
    try:
        yield client, queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        client.close()


def test_a_real_worker_renders_a_report_pdf(worker):
    client, queue = worker
    staff = UserFactory(role="staff", region=region("650000"))
    report = issued_report(by=staff, addressees=[GovernmentBodyFactory()])
    result = client.send_task("consult.tasks.report_pdfs_task", args=[[report.pk]], queue=queue)
    pages = result.get(timeout=120)
    revision = current_revision(report)
    assert pages == {str(report.pk): revision.pdf_pages}
    assert revision.pdf_pages >= 1
    with revision.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
