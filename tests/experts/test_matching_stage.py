"""A ready problem's stage with its experts, derived from its assignments, and where it shows."""

import pytest
from django.utils import timezone

from experts.models import Assignment, Delegation
from experts.services.assignments import problem_matching_stage
from problems.models import Problem
from tests.factories import (
    AssignmentFactory,
    DelegationFactory,
    ProblemFactory,
    ReadyProblemFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
S = Assignment.Status


def test_problem_before_confidentiality_review_has_no_stage():
    assert problem_matching_stage(ProblemFactory(status=Problem.Status.ACCEPTED)) is None


def test_ready_problem_without_experts_awaits_them():
    assert problem_matching_stage(ReadyProblemFactory()) == "waiting"


def test_declined_invitations_alone_leave_the_problem_waiting():
    problem = ReadyProblemFactory()
    AssignmentFactory(problem=problem, status=S.DECLINED)
    assert problem_matching_stage(problem) == "waiting"


def test_open_delegation_or_invitation_means_invited():
    problem = ReadyProblemFactory()
    delegation = DelegationFactory(problem=problem)
    assert problem_matching_stage(problem) == "invited"
    Delegation.objects.filter(pk=delegation.pk).update(status=Delegation.Status.WITHDRAWN)
    AssignmentFactory(problem=problem, status=S.INVITED)
    assert problem_matching_stage(problem) == "invited"


@pytest.mark.parametrize(
    ("statuses", "stage"),
    [
        ([S.INVITED, S.ACCEPTED], "reviewing"),
        ([S.ACCEPTED, S.COMPLETED], "reviewed"),
    ],
)
def test_stage_follows_the_furthest_assignment(statuses, stage):
    problem = ReadyProblemFactory()
    for status in statuses:
        AssignmentFactory(problem=problem, status=status)
    assert problem_matching_stage(problem) == stage


def test_released_opinion_is_the_last_stage():
    review = ReviewFactory()
    problem = review.assignment.problem
    assert problem_matching_stage(problem) == "reviewed"
    review.released_at = timezone.now()
    review.save()
    assert problem_matching_stage(problem) == "released"


def test_stage_shows_to_staff_and_own_enterprise_only(
    client_for, staff_tc, staff_ks, ent_a, ent_a_user, ent_b_user
):
    problem = ReadyProblemFactory(enterprise=ent_a)
    AssignmentFactory(problem=problem, status=S.ACCEPTED)
    url = problem.get_absolute_url()
    for user in (staff_tc, ent_a_user):
        assert '<span class="badge badge-stage">Under expert review</span>' in (
            client_for(user).get(url).content.decode()
        )
    assert client_for(staff_ks).get(url).status_code == 404
    assert client_for(ent_b_user).get(url).status_code == 404
