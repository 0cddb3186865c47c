"""Review opinions: drafts, submission (which completes the assignment), attachments, and the
release to the enterprise, named or anonymous."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import Notification
from experts.models import Assignment, Review
from experts.services.reviews import (
    released_reviews,
    review_attachment_add,
    review_attachment_delete,
    review_release,
    review_save,
    review_unrelease,
)
from problems.services import DomainError
from tests.factories import ExpertFactory, ReviewFactory, UserFactory, pdf_bytes

A = Assignment.Status

COMPLETE = {
    "severity": 5,
    "difficulty": 4,
    "urgency": 3,
    "feasibility": 2,
    "route": Review.Route.JOINT,
    "recommend_topic": True,
    "opinion": "该问题属于典型卡脖子问题，建议联合攻关。",
}


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in their source language whatever translations exist.
    with translation.override("en"):
        yield


def pdf(name: str = "意见.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_a_draft_may_be_partial(accepted, expert_user):
    review = review_save(accepted, by=expert_user, data={"severity": 4}, submit=False)
    review.refresh_from_db()
    assert (review.status, review.severity, review.difficulty, review.route, review.opinion) == (
        Review.Status.DRAFT,
        4,
        None,
        "",
        "",
    )
    assert review.submitted_at is None
    accepted.refresh_from_db()
    assert accepted.status == A.ACCEPTED


def test_submitting_requires_every_answer(accepted, expert_user):
    data = COMPLETE | {"urgency": None, "recommend_topic": None, "opinion": "  "}
    with translation.override("en"), pytest.raises(DomainError) as refused:
        review_save(accepted, by=expert_user, data=data, submit=True)
    assert str(refused.value) == (
        "Please complete before submitting: urgency、recommended as a research topic、opinion."
    )
    assert Review.objects.filter(status=Review.Status.SUBMITTED).count() == 0


@pytest.mark.parametrize(
    "bad", [{"severity": 0}, {"feasibility": 6}, {"urgency": "5"}, {"route": "buy"}]
)
def test_scores_and_route_are_checked(bad, accepted, expert_user):
    with pytest.raises(DomainError):
        review_save(accepted, by=expert_user, data=COMPLETE | bad, submit=False)
    assert Review.objects.count() == 0


def test_submitting_completes_the_assignment_and_tells_the_staff(
    accepted, expert_user, staff_tc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = review_save(accepted, by=expert_user, data=COMPLETE, submit=True)
    assert (review.status, review.severity, review.opinion) == (
        Review.Status.SUBMITTED,
        5,
        COMPLETE["opinion"],
    )
    assert review.submitted_at is not None
    accepted.refresh_from_db()
    assert accepted.status == A.COMPLETED
    event = accepted.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        A.ACCEPTED,
        A.COMPLETED,
        expert_user,
    )
    [message] = mail.outbox
    assert message.to == ["staff_tc@example.cn"]
    assert f"/experts/problems/{accepted.problem_id}/opinions/" in message.body


def test_a_submitted_opinion_no_longer_changes(accepted, expert_user):
    review_save(accepted, by=expert_user, data=COMPLETE, submit=True)
    with pytest.raises(DomainError, match="only be written while the assignment is accepted"):
        review_save(accepted, by=expert_user, data=COMPLETE | {"severity": 1}, submit=False)
    assert Review.objects.get().severity == 5


@pytest.mark.parametrize("who", ["other_expert_user", "staff_tc", "ent_a_user"])
def test_only_the_assigned_expert_writes(who, accepted, request):
    with pytest.raises(DomainError, match="Only the assigned expert"):
        review_save(accepted, by=request.getfixturevalue(who), data=COMPLETE, submit=False)


def test_no_opinion_before_accepting(invitation, expert_user):
    with pytest.raises(DomainError, match="only be written while the assignment is accepted"):
        review_save(invitation, by=expert_user, data=COMPLETE, submit=False)


def test_attachments_are_checked_added_and_removed(accepted, expert_user):
    with pytest.raises(DomainError, match=r"not really a \.pdf file"):
        review_attachment_add(accepted, SimpleUploadedFile("假.pdf", b"MZ\x90\x00"), by=expert_user)
    attachment = review_attachment_add(accepted, pdf(), by=expert_user)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "意见.pdf",
        "application/pdf",
        len(pdf_bytes()),
    )
    with attachment.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()
    review_attachment_delete(attachment, by=expert_user)
    assert Review.objects.get().attachments.count() == 0


# --- release --------------------------------------------------------------------------------


@pytest.fixture
def submitted(accepted, expert_user) -> Review:
    return review_save(accepted, by=expert_user, data=COMPLETE, submit=True)


def test_release_is_an_event_and_the_enterprise_is_told(
    submitted, staff_tc, ent_a_user, django_capture_on_commit_callbacks
):
    ent_a_colleague = UserFactory(username="ent_a2", enterprise=ent_a_user.enterprise)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        review = review_release(submitted, by=staff_tc, named=False)
    assert (review.is_released, review.released_by, review.released_named) == (
        True,
        staff_tc,
        False,
    )
    event = submitted.assignment.events.last()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        A.COMPLETED,
        A.COMPLETED,
        staff_tc,
        "Opinion released to the enterprise, anonymously.",
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["ent_a2@example.cn", "ent_a@example.cn"]
    assert Notification.objects.get(user=ent_a_colleague).url == (
        f"/problems/{submitted.assignment.problem_id}/"
    )


def test_releasing_again_changes_the_naming_and_unrelease_hides_it(submitted, staff_tc):
    review_release(submitted, by=staff_tc, named=False)
    review = review_release(submitted, by=staff_tc, named=True)
    assert review.released_named is True
    review = review_unrelease(review, by=staff_tc)
    assert (review.released_at, review.released_by, review.released_named) == (None, None, False)
    assert submitted.assignment.events.count() == 6  # invited, accepted, completed, 3 releases
    with pytest.raises(DomainError, match="not released"):
        review_unrelease(review, by=staff_tc)


@pytest.mark.parametrize("who", ["staff_ks", "expert_user", "ent_a_user", "official_user"])
def test_only_staff_of_the_region_release(who, submitted, request):
    with pytest.raises(DomainError, match="may not release"):
        review_release(submitted, by=request.getfixturevalue(who), named=True)
    submitted.refresh_from_db()
    assert submitted.released_at is None


def test_drafts_are_never_released(accepted, expert_user, staff_tc):
    draft = review_save(accepted, by=expert_user, data={"severity": 2}, submit=False)
    with pytest.raises(DomainError, match="Only submitted opinions"):
        review_release(draft, by=staff_tc, named=True)


def test_released_opinions_name_the_expert_or_number_the_anonymous(problem, staff_tc):
    reviews = [
        ReviewFactory(assignment__problem=problem, assignment__expert=ExpertFactory(name=name))
        for name in ["甲专家", "乙专家", "丙专家", "丁专家"]
    ]
    review_release(reviews[0], by=staff_tc, named=False)
    review_release(reviews[1], by=staff_tc, named=True)
    review_release(reviews[3], by=staff_tc, named=False)
    with translation.override("en"):
        shown = [r.shown_name for r in released_reviews(problem)]
    assert shown == ["Expert 1", "乙专家", "Expert 2"]
    with translation.override("zh-hans"):
        shown = [r.shown_name for r in released_reviews(problem)]
    assert [name[-1] for name in shown] == ["一", "家", "二"]
