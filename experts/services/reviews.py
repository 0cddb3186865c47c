"""Review opinions (评审意见): the expert drafts and submits; staff release chosen opinions to
the enterprise, naming the expert or not. Submitting completes the assignment; releasing and
withdrawing a release are recorded as AssignmentEvents (the state stays, the reason says)."""

from collections.abc import Mapping
from typing import Any

import rules
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from problems.services import DomainError, attachment_validate

from ..models import Assignment, AssignmentEvent, Review, ReviewAttachment
from .assignments import assignment_transition, assignment_watchers

SCORE_FIELDS = ("severity", "difficulty", "urgency", "feasibility")
REVIEW_FIELDS = (*SCORE_FIELDS, "route", "recommend_topic", "opinion")
MAX_REVIEW_ATTACHMENTS = 10


def _writable_review(assignment: Assignment, by: User) -> Review:
    """The expert's review of a standing, accepted assignment (created on first save)."""
    if not rules.has_perm("experts.write_review", by, assignment):
        raise DomainError(_("Only the assigned expert may write this opinion."))
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != Assignment.Status.ACCEPTED:
        raise DomainError(_("An opinion can only be written while the assignment is accepted."))
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in REVIEW_FIELDS}
    for name in SCORE_FIELDS:
        value = values[name]
        if value in ("", None):
            values[name] = None
        elif not (isinstance(value, int) and 1 <= value <= 5):
            raise DomainError(_("Scores are whole numbers from 1 to 5."))
    values["route"] = values["route"] or ""
    if values["route"] and values["route"] not in Review.Route.values:
        raise DomainError(_("Unknown route."))
    if values["recommend_topic"] not in (True, False, None):
        raise DomainError(_("Please answer yes or no."))
    values["opinion"] = (values["opinion"] or "").strip()
    return values


def _missing(values: Mapping[str, Any]) -> list[str]:
    return [
        str(Review._meta.get_field(name).verbose_name)
        for name in REVIEW_FIELDS
        if values[name] in (None, "")
    ]


@transaction.atomic
def review_save(
    assignment: Assignment, *, by: User, data: Mapping[str, Any], submit: bool
) -> Review:
    """Save the expert's opinion. A draft may be partial; submitting requires the four
    scores, the route, the topic recommendation and the opinion text, completes the
    assignment and tells whoever invited the expert. A submitted opinion no longer changes."""
    review = _writable_review(assignment, by)
    values = _clean(data)
    if submit:
        missing = _missing(values)
        if missing:
            raise DomainError(_("Please complete before submitting: %s.") % "、".join(missing))
    for name, value in values.items():
        setattr(review, name, value)
    review.updated_at = timezone.now()
    if submit:
        review.status, review.submitted_at = Review.Status.SUBMITTED, review.updated_at
    review.save()
    if submit:
        assignment = assignment_transition(
            review.assignment, Assignment.Status.COMPLETED, by=by, reason=_("Opinion submitted.")
        )
        url = reverse("experts:problem_opinions", args=[assignment.problem_id])
        for user, own_url in assignment_watchers(assignment):
            may_read = rules.has_perm("experts.read_reviews", user, assignment.problem)
            notify(
                user,
                title=_("Opinion submitted by %(expert)s: %(problem)s")
                % {"expert": assignment.expert.name, "problem": assignment.problem.title},
                url=url if may_read else own_url,
            )
    return review


@transaction.atomic
def review_attachment_add(
    assignment: Assignment, upload: UploadedFile, *, by: User
) -> ReviewAttachment:
    review = _writable_review(assignment, by)
    if review.attachments.count() >= MAX_REVIEW_ATTACHMENTS:
        raise DomainError(
            _("An opinion may have at most %(max)d attachments.") % {"max": MAX_REVIEW_ATTACHMENTS}
        )
    try:
        name, content_type = attachment_validate(upload)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    attachment = ReviewAttachment(
        review=review, original_name=name, content_type=content_type, size=upload.size
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def review_attachment_delete(attachment: ReviewAttachment, *, by: User) -> None:
    _writable_review(attachment.review.assignment, by)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _release_check(review: Review, by: User) -> Review:
    if not rules.has_perm("experts.release_review", by, review):
        raise DomainError(_("You may not release opinions on this problem."))
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != Review.Status.SUBMITTED:
        raise DomainError(_("Only submitted opinions can be released."))
    return review


def _release_event(review: Review, by: User, reason: str) -> None:
    status = review.assignment.status
    AssignmentEvent.objects.create(
        assignment=review.assignment, actor=by, from_status=status, to_status=status, reason=reason
    )


@transaction.atomic
def review_release(review: Review, *, by: User, named: bool) -> Review:
    """Show a submitted opinion to the enterprise, with the expert's name or anonymously,
    and tell the enterprise's members. Releasing again changes the choice of naming."""
    review = _release_check(review, by)
    review.released_at, review.released_by, review.released_named = timezone.now(), by, named
    review.save(update_fields=["released_at", "released_by", "released_named"])
    _release_event(
        review,
        by,
        _("Opinion released to the enterprise, expert named.")
        if named
        else _("Opinion released to the enterprise, anonymously."),
    )
    problem = review.assignment.problem
    for member in User.objects.filter(enterprise_id=problem.enterprise_id, is_active=True):
        notify(
            member,
            title=_("An expert opinion on your problem: %s") % problem.title,
            url=problem.get_absolute_url(),
        )
    return review


@transaction.atomic
def review_unrelease(review: Review, *, by: User) -> Review:
    """Withdraw the release: the enterprise no longer sees the opinion."""
    review = _release_check(review, by)
    if not review.is_released:
        raise DomainError(_("This opinion is not released."))
    review.released_at, review.released_by, review.released_named = None, None, False
    review.save(update_fields=["released_at", "released_by", "released_named"])
    _release_event(review, by, _("Release to the enterprise withdrawn."))
    return review


def anonymous_label(index: int) -> str:
    """专家一, 专家二… for the n-th anonymous opinion (1-based); Expert 1, 2… in English."""
    numerals = "一二三四五六七八九十"
    chinese = (get_language() or "").startswith("zh") and index <= len(numerals)
    return _("Expert %s") % (numerals[index - 1] if chinese else index)


def released_reviews(problem) -> list[Review]:
    """The opinions released on a problem, in submission order, each with `shown_name`: the
    expert's name if released named, else an anonymous label numbered among the anonymous."""
    reviews = list(
        Review.objects.filter(assignment__problem=problem, released_at__isnull=False)
        .select_related("assignment__expert")
        .prefetch_related("attachments")
        .order_by("submitted_at", "pk")
    )
    anonymous = 0
    for review in reviews:
        if review.released_named:
            review.shown_name = review.assignment.expert.name
        else:
            anonymous += 1
            review.shown_name = anonymous_label(anonymous)
    return reviews
