"""Periodic work of the assignment workflow. Thin: the service does the work."""

from datetime import date

from celery import shared_task

from config.celery import TRANSIENT

from .services.reminders import reminders_send


@shared_task(**TRANSIENT)
def send_reminders_task(today: str | None = None) -> dict[str, int]:
    """The daily reminder run (config.settings.CELERY_BEAT_SCHEDULE); `today` as YYYY-MM-DD."""
    return reminders_send(date.fromisoformat(today) if today else None)


@shared_task(**TRANSIENT)
def proposal_compute_task(proposal_id: int) -> None:
    """Compute a bulk assignment proposal (experts.services.proposals.proposal_compute)."""
    from .models import Proposal
    from .services.proposals import proposal_compute

    proposal_compute(Proposal.objects.get(pk=proposal_id))
