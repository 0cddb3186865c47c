"""The daily reminder job: what it sends on which day, to whom, and that running it twice
sends nothing more (one Reminder row per assignment and kind)."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import Notification
from experts.models import Assignment, Reminder
from experts.services.reminders import reminders_send
from experts.tasks import send_reminders_task
from tests.experts.conftest import in_days

A = Assignment.Status
K = Reminder.Kind
NOTHING = {"expired": 0, K.UNANSWERED: 0, K.DUE_SOON: 0, K.OVERDUE: 0}


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in their source language whatever translations exist.
    with translation.override("en"):
        yield


def invited_days_ago(assignment: Assignment, days: int) -> None:
    at = timezone.now() - datetime.timedelta(days=days)
    Assignment.objects.filter(pk=assignment.pk).update(invited_at=at)


def due_in(assignment: Assignment, days: int) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(due_date=in_days(days))


def run(capture, today=None) -> dict:
    with capture(execute=True):
        return reminders_send(today)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_nothing_is_owed_on_a_fresh_invitation(invitation, capture):
    assert run(capture) == NOTHING
    assert (Reminder.objects.count(), mail.outbox) == (0, [])


def test_an_invitation_unanswered_for_three_days_is_reminded_once(invitation, capture):
    invited_days_ago(invitation, 2)
    assert run(capture) == NOTHING
    invited_days_ago(invitation, 3)
    assert run(capture) == NOTHING | {K.UNANSWERED: 1}
    assert run(capture) == NOTHING
    assert run(capture, in_days(1)) == NOTHING
    [message] = mail.outbox
    assert message.to == ["expert@example.cn"]
    assert message.subject == (
        f"Reminder: please answer the invitation to review “{invitation.problem.title}”"
    )
    assert f"/experts/assignments/{invitation.pk}/" in message.body
    assert list(Reminder.objects.values_list("assignment_id", "kind")) == [
        (invitation.pk, K.UNANSWERED)
    ]


def test_the_unanswered_reminder_counts_calendar_days(invitation, capture):
    # Invited late on day D, reminded on day D + 3 whatever the hour.
    today = timezone.localdate()
    late = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 30)))
    Assignment.objects.filter(pk=invitation.pk).update(invited_at=late)
    assert run(capture, today + datetime.timedelta(days=2)) == NOTHING
    assert run(capture, today + datetime.timedelta(days=3)) == NOTHING | {K.UNANSWERED: 1}


def test_an_accepted_assignment_is_reminded_a_week_before_it_is_due(accepted, capture):
    due_in(accepted, 8)
    assert run(capture) == NOTHING
    due_in(accepted, 7)
    assert run(capture) == NOTHING | {K.DUE_SOON: 1}
    assert run(capture) == NOTHING
    [message] = mail.outbox
    assert message.subject == (
        f"Reminder: your opinion on “{accepted.problem.title}” is due on {in_days(7)}"
    )


def test_an_opinion_three_days_late_reminds_the_expert_and_tells_the_staff(
    accepted, staff_tc, capture
):
    due_in(accepted, -2)
    assert run(capture) == NOTHING
    due_in(accepted, -3)
    assert run(capture) == NOTHING | {K.OVERDUE: 1}
    assert run(capture) == NOTHING
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "expert@example.cn",
            f"Your opinion on “{accepted.problem.title}” is overdue (due {in_days(-3)})",
        ),
        (
            "staff_tc@example.cn",
            f"Opinion overdue: 张教授, {accepted.problem.title} (due {in_days(-3)})",
        ),
    ]
    overdue = Notification.objects.get(user=staff_tc, title__startswith="Opinion overdue")
    assert overdue.url == f"/problems/{accepted.problem_id}/"


def test_invitations_past_their_due_date_expire_instead_of_being_reminded(invitation, capture):
    invited_days_ago(invitation, 20)
    due_in(invitation, -1)
    assert run(capture) == NOTHING | {"expired": 1}
    invitation.refresh_from_db()
    assert invitation.status == A.EXPIRED
    assert Reminder.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["staff_tc@example.cn"]]


@pytest.mark.parametrize("state", [A.DECLINED, A.WITHDRAWN, A.COMPLETED, A.EXPIRED])
def test_closed_assignments_are_never_reminded(state, invitation, capture):
    Assignment.objects.filter(pk=invitation.pk).update(
        status=state,
        invited_at=timezone.now() - datetime.timedelta(days=30),
        due_date=in_days(-5),
    )
    assert run(capture) == NOTHING
    assert mail.outbox == []


def test_the_command_runs_the_job_for_a_given_date(invitation, capture):
    invited_days_ago(invitation, 1)
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_reminders", "--date", in_days(2).isoformat(), stdout=out)
    assert out.getvalue() == "expired=0 unanswered=1 due_soon=0 overdue=0\n"
    assert len(mail.outbox) == 1


def test_the_command_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2026/05/01")


def test_the_task_runs_the_job_and_beat_runs_it_daily(invitation, capture):
    invited_days_ago(invitation, 3)
    with capture(execute=True):
        result = send_reminders_task.delay().get()
    assert result == NOTHING | {K.UNANSWERED: 1}
    schedule = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert schedule["task"] == send_reminders_task.name == "experts.tasks.send_reminders_task"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({8}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
