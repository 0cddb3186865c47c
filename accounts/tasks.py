"""Background work for imports and e-mail. Thin: ids in, services do the work. Without a broker
(the embedded default) Celery runs them at once, inside the request."""

import logging

from celery import shared_task
from django.core.mail import send_mail

from .imports import import_job_apply, import_job_check
from .models import ImportJob

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail; SMTP outages (OSError family) are retried with backoff."""
    send_mail(subject, body, None, [to])


@shared_task(acks_late=True)
def import_check_task(job_id: int) -> None:
    import_job_check(ImportJob.objects.get(pk=job_id))


@shared_task(acks_late=True)
def import_apply_task(job_id: int) -> None:
    import_job_apply(ImportJob.objects.get(pk=job_id))


def enqueue(task, *args) -> None:
    """Queue a task; if the broker can't be reached, run it here rather than lose it."""
    try:
        task.delay(*args)
    except Exception:  # kombu raises several families when the broker is down
        log.warning("broker unavailable; running %s inline", task.name, exc_info=True)
        task.apply(args=args)
