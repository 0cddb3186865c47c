"""Background work for imports and e-mail, and the hand-over of every task to the broker.
Thin: ids in, services do the work. Without a broker (the embedded default) Celery runs tasks
at once, inside the request."""

import logging

from celery import current_app, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from config.celery import TRANSIENT

from .imports import import_job_apply, import_job_check
from .models import ImportJob, QueuedTask

log = logging.getLogger(__name__)


@shared_task(**TRANSIENT | {"autoretry_for": (*TRANSIENT["autoretry_for"], OSError)})
def send_email_task(to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; SMTP outages (OSError family) are retried like a database
    outage."""
    send_mail(subject, body, None, [to])


@shared_task(**TRANSIENT)
def import_check_task(job_id: int) -> None:
    import_job_check(ImportJob.objects.get(pk=job_id))


@shared_task(**TRANSIENT)
def import_apply_task(job_id: int) -> None:
    import_job_apply(ImportJob.objects.get(pk=job_id))


def _publish(name: str, args: list) -> None:
    # No retries here: a page waits for this, and a refused message is stored instead.
    current_app.send_task(name, args=args, retry=False)


def enqueue(task, *args) -> bool:
    """Hand a task to the broker; True when it was. If the broker can't be reached the task is
    stored (QueuedTask) and sent when it answers again: False, so a page can say so."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.delay(*args)
        return True
    try:
        _publish(task.name, list(args))
    except Exception as error:  # kombu raises several families when the broker is down
        log.warning("broker unavailable; %s stored for later", task.name, exc_info=True)
        QueuedTask.objects.create(name=task.name, args=list(args), last_error=str(error)[:2000])
        return False
    return True


def queued_tasks_flush() -> int:
    """Send the stored tasks, oldest first; stops at the first refusal (the broker is still
    away). Returns how many were sent. Safe to run in several processes at once."""
    sent = 0
    while True:
        with transaction.atomic():
            row = QueuedTask.objects.select_for_update(skip_locked=True).order_by("pk").first()
            if row is None:
                return sent
            try:
                _publish(row.name, row.args)
            except Exception as error:
                row.attempts += 1
                row.last_error = str(error)[:2000]
                row.save(update_fields=["attempts", "last_error"])
                return sent
            row.delete()
            sent += 1


@shared_task(**TRANSIENT)
def queued_tasks_flush_task() -> int:
    return queued_tasks_flush()
