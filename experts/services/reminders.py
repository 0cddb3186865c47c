"""Reminders, sent by a daily job (Celery beat, or `manage.py send_reminders`).

Idempotent: each reminder is a Reminder row, unique per assignment and kind, created in the
same transaction as its notification, so running the job twice (or on two workers at once)
sends each reminder once. A day the job did not run is caught up the next day: the
conditions are "at least N days", not "exactly N days"."""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.notifications import notify

from ..models import Assignment, Reminder
from .assignments import assignment_expire_overdue_invitations, assignment_watchers, brief_title

UNANSWERED_AFTER_DAYS = 3
DUE_SOON_DAYS = 7
OVERDUE_AFTER_DAYS = 3

A = Assignment.Status
K = Reminder.Kind


def _due(kind: str, today: date) -> QuerySet[Assignment]:
    """The assignments owed a reminder of this kind today and not yet sent one."""
    assignments = Assignment.objects.exclude(reminders__kind=kind)
    if kind == K.UNANSWERED:
        # Invited on day D (at any hour): reminded from day D + 3.
        cutoff = datetime.combine(today - timedelta(days=UNANSWERED_AFTER_DAYS - 1), time.min)
        assignments = assignments.filter(
            status=A.INVITED, invited_at__lt=timezone.make_aware(cutoff)
        )
    elif kind == K.DUE_SOON:
        assignments = assignments.filter(
            status=A.ACCEPTED,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
        )
    else:
        assignments = assignments.filter(
            status=A.ACCEPTED, due_date__lte=today - timedelta(days=OVERDUE_AFTER_DAYS)
        )
    return assignments.select_related(
        "problem__brief", "expert__user", "invited_by", "delegation__created_by"
    ).order_by("pk")


def _send(assignment: Assignment, kind: str) -> None:
    problem, due = brief_title(assignment.problem), assignment.due_date.isoformat()
    url = reverse("experts:assignment_detail", args=[assignment.pk])
    if kind == K.UNANSWERED:
        title = _("Reminder: please answer the invitation to review “%s”") % problem
        body = _("Please accept or decline on the platform. Opinion due %s.") % due
    elif kind == K.DUE_SOON:
        title = _("Reminder: your opinion on “%(problem)s” is due on %(due)s") % {
            "problem": problem,
            "due": due,
        }
        body = _("Save a draft at any time; submit it when complete.")
    else:
        title = _("Your opinion on “%(problem)s” is overdue (due %(due)s)") % {
            "problem": problem,
            "due": due,
        }
        body = _("Please submit it as soon as possible, or tell the CAST staff.")
    if assignment.expert.user_id:
        notify(assignment.expert.user, title=title, body=body, url=url)
    if kind == K.OVERDUE:
        for user, watcher_url in assignment_watchers(assignment):
            notify(
                user,
                title=_("Opinion overdue: %(expert)s, %(problem)s (due %(due)s)")
                % {
                    "expert": assignment.expert.name,
                    "problem": assignment.problem.title,
                    "due": due,
                },
                url=watcher_url,
            )


def reminders_send(today: date | None = None) -> dict[str, int]:
    """Expire invitations past their due date, then send the reminders owed today.
    Returns how many of each were expired or sent."""
    today = today or timezone.localdate()
    counts = {"expired": assignment_expire_overdue_invitations(today)}
    for kind in (K.UNANSWERED, K.DUE_SOON, K.OVERDUE):
        counts[kind] = 0
        for assignment in _due(kind, today):
            try:
                with transaction.atomic():
                    Reminder.objects.create(assignment=assignment, kind=kind)
                    _send(assignment, kind)
            except IntegrityError:  # another run sent it meanwhile
                continue
            counts[kind] += 1
    return counts
