"""Invitations: every move of the state table, the illegal ones, who may make each, and the
side effects (event rows, recorded conflicts, notifications and their e-mail)."""

import itertools

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import Notification
from experts.models import Assignment, ProblemBrief, ProblemConflict
from experts.services.assignments import (
    assignment_accept,
    assignment_decline,
    assignment_expire_overdue_invitations,
    assignment_transition,
    assignment_withdraw,
    problem_brief_save,
)
from problems.services import DomainError
from tests.experts.conftest import in_days, invite
from tests.factories import AssignmentFactory, ExpertFactory, ReadyProblemFactory

A = Assignment.Status
R = Assignment.DeclineReason


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in their source language whatever translations exist.
    with translation.override("en"):
        yield


def moves(assignment: Assignment) -> list[tuple[str, str, str]]:
    return [
        (e.from_status, e.to_status, e.actor.username if e.actor else "")
        for e in assignment.events.select_related("actor")
    ]


# --- the table ------------------------------------------------------------------------------

ILLEGAL = [
    (frm, to)
    for frm, to in itertools.product(A.values, A.values)
    if to not in Assignment.TRANSITIONS.get(frm, set())
]


@pytest.mark.parametrize(("frm", "to"), ILLEGAL)
def test_transition_refuses_every_move_outside_the_table(frm, to, staff_xj):
    assignment = AssignmentFactory(status=frm)
    with pytest.raises(DomainError, match="An assignment can't go from"):
        assignment_transition(assignment, to, by=staff_xj)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.events.count()) == (frm, 0)


@pytest.mark.parametrize(
    ("frm", "to"),
    [(frm, to) for frm, targets in Assignment.TRANSITIONS.items() for to in targets],
)
def test_transition_makes_every_move_of_the_table_with_an_event(frm, to, staff_xj):
    assignment = AssignmentFactory(status=frm)
    assignment_transition(assignment, to, by=staff_xj, reason="理由")
    assignment.refresh_from_db()
    assert assignment.status == to
    assert moves(assignment) == [(frm, to, "staff_xj")]
    assert assignment.events.get().reason == "理由"


def test_invitation_writes_the_first_event_and_tells_the_expert(
    problem, expert, expert_user, staff_tc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = invite(problem, expert, staff_tc)
    assert moves(assignment) == [("", A.INVITED, "staff_tc")]
    assert [m.to for m in mail.outbox] == [["expert@example.cn"]]
    note = Notification.objects.get(user=expert_user)
    assert note.url == f"/experts/assignments/{assignment.pk}/"


# --- accept ---------------------------------------------------------------------------------


def test_accept_requires_the_no_conflict_declaration(invitation, expert_user):
    with pytest.raises(DomainError, match="declare that you have no conflict"):
        assignment_accept(invitation, by=expert_user, no_conflict=False)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.no_conflict_declared_at, invitation.events.count()) == (
        A.INVITED,
        None,
        1,
    )


def test_accept_records_the_declaration_and_tells_staff_in_app(
    invitation, expert_user, staff_tc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_accept(invitation, by=expert_user, no_conflict=True)
    assert assignment.status == A.ACCEPTED
    assert assignment.no_conflict_declared_at == assignment.responded_at
    assert assignment.responded_at is not None
    assert moves(assignment)[-1] == (A.INVITED, A.ACCEPTED, "expert")
    note = Notification.objects.get(user=staff_tc)
    assert note.title == f"张教授 accepted: {invitation.problem.title}"
    assert note.url == f"/problems/{invitation.problem_id}/"
    assert mail.outbox == []  # in-app only: an acceptance needs no action


@pytest.mark.parametrize("who", ["other_expert_user", "staff_tc", "admin_user"])
def test_only_the_invited_expert_answers(who, invitation, request):
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError, match="Only the invited expert"):
        assignment_accept(invitation, by=user, no_conflict=True)
    with pytest.raises(DomainError, match="Only the invited expert"):
        assignment_decline(invitation, by=user, reason=R.TIME)
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED


def test_accept_refused_after_the_due_date(invitation, expert_user):
    Assignment.objects.filter(pk=invitation.pk).update(due_date=in_days(-1))
    invitation.refresh_from_db()
    with pytest.raises(DomainError, match="expired"):
        assignment_accept(invitation, by=expert_user, no_conflict=True)


def test_accept_refused_when_a_conflict_was_declared_since(invitation, expert, expert_user):
    expert.conflicts.create(organisation="塔城甲化工有限公司", kind="employer")
    with pytest.raises(DomainError, match="conflict of interest on this problem"):
        assignment_accept(invitation, by=expert_user, no_conflict=True)


# --- decline --------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "note"), [(R.UNFAMILIAR, ""), (R.TIME, ""), (R.OTHER, "出国")])
def test_decline_records_the_reason(reason, note, invitation, expert_user):
    assignment = assignment_decline(invitation, by=expert_user, reason=reason, note=note)
    assert (assignment.status, assignment.decline_reason, assignment.decline_note) == (
        A.DECLINED,
        reason,
        note,
    )
    assert assignment.responded_at is not None
    assert moves(assignment)[-1] == (A.INVITED, A.DECLINED, "expert")
    assert ProblemConflict.objects.count() == 0


def test_decline_other_requires_a_note(invitation, expert_user):
    with pytest.raises(DomainError, match="Please explain"):
        assignment_decline(invitation, by=expert_user, reason=R.OTHER, note="  ")
    with pytest.raises(DomainError, match="choose a reason"):
        assignment_decline(invitation, by=expert_user, reason="bored")
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED


def test_decline_for_a_conflict_records_it_and_the_expert_is_never_invited_again(
    invitation, expert, expert_user, problem, staff_tc
):
    assignment_decline(invitation, by=expert_user, reason=R.CONFLICT, note="曾任该公司顾问")
    conflict = ProblemConflict.objects.get()
    assert (conflict.expert, conflict.problem, conflict.reason, conflict.recorded_by) == (
        expert,
        problem,
        "曾任该公司顾问",
        expert_user,
    )
    with pytest.raises(DomainError, match="can't review this problem"):
        invite(problem, expert, staff_tc)


def test_decline_with_a_suggestion_tells_the_inviting_staff_by_mail(
    invitation, expert_user, other_expert, staff_tc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_decline(
            invitation, by=expert_user, reason=R.TIME, suggested_expert=other_expert
        )
    assert assignment.suggested_expert == other_expert
    [message] = mail.outbox
    assert message.to == ["staff_tc@example.cn"]
    assert message.subject == f"张教授 declined: {invitation.problem.title}"
    assert "Suggested instead: 王研究员" in message.body
    assert f"/problems/{invitation.problem_id}/" in message.body


def test_decline_refuses_suggesting_oneself(invitation, expert, expert_user):
    with pytest.raises(DomainError, match="someone other than yourself"):
        assignment_decline(invitation, by=expert_user, reason=R.TIME, suggested_expert=expert)


@pytest.mark.parametrize("state", [A.DECLINED, A.EXPIRED, A.WITHDRAWN, A.ACCEPTED, A.COMPLETED])
def test_an_invitation_is_answered_once(state, invitation, expert_user):
    Assignment.objects.filter(pk=invitation.pk).update(status=state)
    invitation.refresh_from_db()
    with pytest.raises(DomainError, match="already been answered or closed"):
        assignment_accept(invitation, by=expert_user, no_conflict=True)
    with pytest.raises(DomainError, match="already been answered or closed"):
        assignment_decline(invitation, by=expert_user, reason=R.TIME)
    assert invitation.events.count() == 1


# --- withdraw and expire --------------------------------------------------------------------


@pytest.mark.parametrize("accept_first", [False, True])
def test_staff_withdraw_with_a_reason_and_the_expert_is_told(
    accept_first, invitation, expert_user, staff_tc, django_capture_on_commit_callbacks
):
    if accept_first:
        invitation = assignment_accept(invitation, by=expert_user, no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_withdraw(invitation, by=staff_tc, reason="企业已自行解决")
    assert assignment.status == A.WITHDRAWN
    assert assignment.events.last().reason == "企业已自行解决"
    assert [(m.to, m.body) for m in mail.outbox] == [(["expert@example.cn"], "企业已自行解决")]


def test_withdraw_requires_a_reason_and_staff_of_the_region(invitation, staff_tc, staff_ks):
    with pytest.raises(DomainError, match="give the reason"):
        assignment_withdraw(invitation, by=staff_tc, reason=" ")
    with pytest.raises(DomainError, match="may not withdraw"):
        assignment_withdraw(invitation, by=staff_ks, reason="越权")
    invitation.refresh_from_db()
    assert invitation.status == A.INVITED


@pytest.fixture
def accepted_elsewhere(problem, staff_tc) -> Assignment:
    return AssignmentFactory(problem=problem, status=A.ACCEPTED, invited_by=staff_tc)


def test_unanswered_invitations_expire_after_their_due_date(
    invitation, accepted_elsewhere, staff_tc, django_capture_on_commit_callbacks
):
    Assignment.objects.filter(pk__in=[invitation.pk, accepted_elsewhere.pk]).update(
        due_date=in_days(-1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_expire_overdue_invitations(in_days(0)) == 1
    invitation.refresh_from_db()
    accepted_elsewhere.refresh_from_db()
    assert (invitation.status, accepted_elsewhere.status) == (A.EXPIRED, A.ACCEPTED)
    assert moves(invitation)[-1] == (A.INVITED, A.EXPIRED, "")
    assert [m.to for m in mail.outbox] == [["staff_tc@example.cn"]]
    assert assignment_expire_overdue_invitations(in_days(0)) == 0


def test_an_invitation_due_today_does_not_expire(invitation):
    Assignment.objects.filter(pk=invitation.pk).update(due_date=in_days(0))
    assert assignment_expire_overdue_invitations(in_days(0)) == 0


# --- the brief ------------------------------------------------------------------------------


def test_brief_is_written_then_rewritten(problem, staff_tc, attachment):
    brief = problem_brief_save(
        problem, by=staff_tc, title="石英砂提纯", summary="如何去除杂质", released_attachment_ids=[]
    )
    assert list(brief.released_attachments.all()) == []
    brief = problem_brief_save(
        problem,
        by=staff_tc,
        title=" 高纯石英砂提纯 ",
        summary="如何将杂质降到 10ppm 以下",
        released_attachment_ids=[attachment.pk],
    )
    problem.brief.refresh_from_db()
    assert (problem.brief.title, problem.brief.summary, problem.brief.updated_by) == (
        "高纯石英砂提纯",
        "如何将杂质降到 10ppm 以下",
        staff_tc,
    )
    assert list(brief.released_attachments.all()) == [attachment]


def test_brief_refuses_other_problems_attachments_and_staff_of_other_regions(
    problem, staff_tc, staff_ks, attachment
):
    other = ReadyProblemFactory()
    with pytest.raises(DomainError, match="own attachments"):
        problem_brief_save(
            other, by=staff_tc, title="t", summary="s", released_attachment_ids=[attachment.pk]
        )
    with pytest.raises(DomainError, match="may not edit the brief"):
        problem_brief_save(problem, by=staff_ks, title="t", summary="s")
    with pytest.raises(DomainError, match="needs a title"):
        problem_brief_save(problem, by=staff_tc, title="t", summary=" ")
    assert ProblemBrief.objects.count() == 0


def test_an_expert_not_accepting_is_not_invited(problem, staff_tc):
    expert = ExpertFactory(accepting=False)
    with pytest.raises(DomainError, match="not accepting"):
        invite(problem, expert, staff_tc)
