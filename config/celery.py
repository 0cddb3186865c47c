import logging
import os

from celery import Celery
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task: acknowledged after it ran (a worker that dies leaves it to be delivered again),
# and retried with growing pauses when the database is briefly away (a restart, a failover);
# the tasks are idempotent, so running one again is harmless.
TRANSIENT = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}

app = Celery("zhiku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def send_stored_tasks(**kwargs) -> None:
    """A worker that starts sends the tasks stored while the broker was away (beat does it
    every minute too)."""
    from django.db import DatabaseError

    from accounts.tasks import queued_tasks_flush

    try:
        queued_tasks_flush()
    except DatabaseError:  # the database is away too: beat tries again within a minute
        logging.getLogger(__name__).warning("stored tasks not sent", exc_info=True)
