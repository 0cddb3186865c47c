"""Tasks end to end through a real Celery worker on Redis, started with the production command
(`celery -A config worker`) against the test database. Skipped when no Redis answers.

- The report PDF task sent to the broker is taken by the worker, which renders the PDF into
  the revision and returns the page count.
- With the broker unreachable, asking for the task stores it (QueuedTask) instead of losing it;
  a worker that starts once the broker is back sends it, and the PDF is rendered.

The worker is another process, so the rows it reads are committed (transactional_db); it is
pointed at the test database, media directory and a queue of its own through the environment,
as a deployment's worker is through /etc/zhiku/zhiku.env."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings as django_settings

from accounts.models import QueuedTask
from consult.services.reports import current_revision
from tests.factories import GovernmentBodyFactory, UserFactory, issued_report, region
from tests.processes import database_url, process_environment

REDIS_URL = os.getenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Nothing listens on port 1: a broker that refuses at once.
DOWN_URL = "redis://127.0.0.1:1/0"


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # no server, no route: the tests are skipped, not failed
        return False


pytestmark = [
    pytest.mark.skipif(not redis_answers(), reason="no Redis server answers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def environment(settings):
    """The environment of the project's processes: the test database and media, a queue of
    this test's own on the test Redis."""
    return process_environment(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_RESULT_BACKEND=REDIS_URL,
        CELERY_QUEUE=f"zhiku-test-{uuid.uuid4().hex[:8]}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        LOG_LEVEL="WARNING",
    )


@pytest.fixture
def start_worker(environment, tmp_path):
    """start_worker() -> a Celery client on the test Redis; the worker is stopped after."""
    processes, logs = [], []

    def start() -> Celery:
        log = (tmp_path / f"worker{len(logs)}.log").open("wb")
        logs.append(log)
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        command += ["--hostname", f"{environment['CELERY_QUEUE']}@%h", "--loglevel=WARNING"]
        command += ["--without-mingle", "--without-gossip"]
        processes.append(
            subprocess.Popen(
                command,
                cwd=Path(django_settings.BASE_DIR),
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        return client

    client = Celery("zhiku-test-client", broker=REDIS_URL, backend=REDIS_URL)
    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        client.close()


@pytest.fixture
def report():
    staff = UserFactory(role="staff", region=region("650000"))
    return issued_report(by=staff, addressees=[GovernmentBodyFactory()])


def test_a_real_worker_renders_a_report_pdf(start_worker, environment, report):
    client = start_worker()
    result = client.send_task(
        "consult.tasks.report_pdfs_task", args=[[report.pk]], queue=environment["CELERY_QUEUE"]
    )
    pages = result.get(timeout=120)
    revision = current_revision(report)
    assert pages == {str(report.pk): revision.pdf_pages}
    assert revision.pdf_pages >= 1
    with revision.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_a_task_asked_for_while_the_broker_is_down_runs_when_it_is_back(
    start_worker, environment, report, tmp_path
):
    ask = (
        "from accounts.tasks import enqueue; from consult.tasks import report_pdfs_task; "
        f"print(enqueue(report_pdfs_task, [{report.pk}]))"
    )
    asked = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ask],
        cwd=Path(django_settings.BASE_DIR),
        env={**environment, "CELERY_BROKER_URL": DOWN_URL},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert asked.stdout.splitlines()[-1] == "False", asked.stderr
    stored = QueuedTask.objects.get()
    assert (stored.name, stored.args, stored.attempts) == (
        "consult.tasks.report_pdfs_task",
        [[report.pk]],
        1,
    )

    start_worker()  # the broker answers: the worker sends what was stored, then runs it
    deadline = time.monotonic() + 120
    while current_revision(report).pdf_pages is None and time.monotonic() < deadline:
        time.sleep(0.5)
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("worker*.log"))
    assert current_revision(report).pdf_pages is not None, logs
    assert not QueuedTask.objects.exists()
