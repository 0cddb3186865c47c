"""Delegations to learned societies: staff delegate, the society's admin invites members (the
same checks as any invitation), staff withdraw; every state change is a DelegationEvent."""

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import Notification
from experts.models import Assignment, Delegation, ProblemConflict
from experts.services.assignments import (
    FlagsNeedConfirmation,
    assignment_accept,
    assignment_decline,
)
from experts.services.delegations import delegation_create, delegation_staff, delegation_withdraw
from problems.models import Problem
from problems.services import DomainError
from tests.experts.conftest import in_days
from tests.factories import ExpertFactory, SocietyFactory, UserFactory

D = Delegation.Status
A = Assignment.Status


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in their source language whatever translations exist.
    with translation.override("en"):
        yield


@pytest.fixture
def society(society_admin_user):
    return society_admin_user.administered_societies.get()


@pytest.fixture
def members(society, expert, other_expert):
    society.members.add(expert, other_expert)
    return [expert, other_expert]


@pytest.fixture
def delegation(problem, society, staff_tc) -> Delegation:
    return delegation_create(
        problem=problem, society=society, experts_wanted=2, due_date=in_days(21), by=staff_tc
    )


def history(delegation: Delegation) -> list[tuple[str, str]]:
    return list(delegation.events.values_list("from_status", "to_status"))


def test_delegating_tells_the_society_admins(
    problem, society, society_admin_user, staff_tc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delegation = delegation_create(
            problem=problem,
            society=society,
            experts_wanted=2,
            due_date=in_days(21),
            note="请推荐熟悉矿物加工的会员",
            by=staff_tc,
        )
    assert (delegation.status, delegation.created_by) == (D.OPEN, staff_tc)
    assert history(delegation) == [("", D.OPEN)]
    [message] = mail.outbox
    assert message.to == ["society_admin@example.cn"]
    assert message.subject == f"Problem delegated to 新疆化学化工学会: {problem.title}"
    assert f"/experts/delegations/{delegation.pk}/" in message.body


def test_only_ready_problems_of_the_region_are_delegated(problem, society, staff_tc, staff_ks):
    with pytest.raises(DomainError, match="may not delegate"):
        delegation_create(
            problem=problem, society=society, experts_wanted=1, due_date=in_days(9), by=staff_ks
        )
    Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.CONFIDENTIALITY)
    problem.refresh_from_db()
    with pytest.raises(DomainError, match="passed the confidentiality review"):
        delegation_create(
            problem=problem, society=society, experts_wanted=1, due_date=in_days(9), by=staff_tc
        )
    assert Delegation.objects.count() == 0


def test_a_problem_is_delegated_once_to_a_society(delegation, problem, society, staff_tc):
    with pytest.raises(DomainError, match="already delegated"):
        delegation_create(
            problem=problem, society=society, experts_wanted=1, due_date=in_days(9), by=staff_tc
        )


def test_the_admin_invites_members_and_the_delegation_is_staffed(
    delegation, members, society_admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invited = delegation_staff(
            delegation, by=society_admin_user, expert_ids=[m.pk for m in members]
        )
    assert [(a.expert, a.delegation, a.due_date, a.invited_by) for a in invited] == [
        (m, delegation, delegation.due_date, society_admin_user) for m in members
    ]
    delegation.refresh_from_db()
    assert delegation.status == D.STAFFED
    assert history(delegation) == [("", D.OPEN), (D.OPEN, D.STAFFED)]
    assert delegation.events.last().reason == "张教授、王研究员"
    assert sorted(m.to[0] for m in mail.outbox) == ["expert2@example.cn", "expert@example.cn"]


def test_a_member_who_declines_is_replaced_without_a_second_staffing_event(
    delegation, members, society, society_admin_user, expert_user
):
    [first] = delegation_staff(delegation, by=society_admin_user, expert_ids=[members[0].pk])
    assignment_decline(first, by=expert_user, reason=Assignment.DeclineReason.TIME)
    third = ExpertFactory(name="赵工")
    society.members.add(third)
    delegation_staff(delegation, by=society_admin_user, expert_ids=[members[1].pk, third.pk])
    assert history(delegation) == [("", D.OPEN), (D.OPEN, D.STAFFED)]
    # The decline is reported to the admin who invited, linking to the delegation page.
    note = Notification.objects.get(user=society_admin_user, title__contains="declined")
    assert note.url == f"/experts/delegations/{delegation.pk}/"


def test_staffing_is_all_or_nothing_and_names_every_refusal(
    delegation, members, society_admin_user, problem
):
    outsider = ExpertFactory(name="外人")
    with pytest.raises(DomainError, match="Only members of the society"):
        delegation_staff(delegation, by=society_admin_user, expert_ids=[members[0].pk, outsider.pk])
    ProblemConflict.objects.create(expert=members[1], problem=problem)
    with pytest.raises(DomainError) as refused:
        delegation_staff(delegation, by=society_admin_user, expert_ids=[m.pk for m in members])
    assert str(refused.value).startswith("王研究员 can't review this problem: ")
    assert Assignment.objects.count() == 0
    delegation.refresh_from_db()
    assert delegation.status == D.OPEN


def test_likely_conflicts_need_the_admins_confirmation(
    delegation, members, society_admin_user, expert
):
    expert.email = "zhang@tacheng-chem.cn"
    expert.save()
    problem = delegation.problem
    problem.enterprise.contact_email = "boss@tacheng-chem.cn"
    problem.enterprise.save()
    with pytest.raises(FlagsNeedConfirmation) as flagged:
        delegation_staff(delegation, by=society_admin_user, expert_ids=[expert.pk])
    assert flagged.value.flags[0].startswith("张教授: ")
    assert Assignment.objects.count() == 0
    [assignment] = delegation_staff(
        delegation, by=society_admin_user, expert_ids=[expert.pk], confirm_flags=True
    )
    assert (assignment.flags_confirmed_by, len(assignment.flags)) == (society_admin_user, 1)


def test_no_more_members_than_the_cast_asked_for(delegation, members, society, society_admin_user):
    third = ExpertFactory()
    society.members.add(third)
    with pytest.raises(DomainError, match="asked for 2 experts; 0 are already invited"):
        delegation_staff(
            delegation, by=society_admin_user, expert_ids=[m.pk for m in [*members, third]]
        )


@pytest.mark.parametrize("who", ["staff_tc", "admin_user", "other_society_admin"])
def test_only_the_societys_admins_invite_its_members(who, delegation, members, request):
    with pytest.raises(DomainError, match="Only the society's admins"):
        delegation_staff(delegation, by=request.getfixturevalue(who), expert_ids=[members[0].pk])


@pytest.fixture
def other_society_admin(db):
    user = UserFactory(username="other_admin", role="society_admin")
    SocietyFactory(name="新疆机械工程学会", admins=[user])
    return user


def test_withdrawing_a_delegation_withdraws_unanswered_invitations_only(
    delegation,
    members,
    society_admin_user,
    expert_user,
    staff_tc,
    django_capture_on_commit_callbacks,
):
    first, second = delegation_staff(
        delegation, by=society_admin_user, expert_ids=[m.pk for m in members]
    )
    assignment_accept(first, by=expert_user, no_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        delegation = delegation_withdraw(delegation, by=staff_tc, reason="改由专家组评审")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (delegation.status, first.status, second.status) == (
        D.WITHDRAWN,
        A.ACCEPTED,
        A.WITHDRAWN,
    )
    assert history(delegation)[-1] == (D.STAFFED, D.WITHDRAWN)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "expert2@example.cn",
        "society_admin@example.cn",
    ]
    with pytest.raises(DomainError, match="has been withdrawn"):
        delegation_staff(delegation, by=society_admin_user, expert_ids=[members[1].pk])


def test_withdrawing_needs_a_reason_and_staff_of_the_region(delegation, staff_tc, staff_ks):
    with pytest.raises(DomainError, match="give the reason"):
        delegation_withdraw(delegation, by=staff_tc, reason="")
    with pytest.raises(DomainError, match="may not withdraw"):
        delegation_withdraw(delegation, by=staff_ks, reason="越权")
    with pytest.raises(DomainError, match="can't go from"):
        delegation_withdraw(
            delegation_withdraw(delegation, by=staff_tc, reason="撤回"), by=staff_tc, reason="再撤"
        )
