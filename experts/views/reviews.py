"""Review opinions: the expert's form (save a draft, submit), downloads of their attachments,
and the staff's side-by-side reading of a problem's opinions with the release controls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from problems.rules import problems_visible_to
from problems.services import DomainError
from problems.views import attachment_response

from ..forms.assignments import ReleaseForm, ReviewForm
from ..models import Assignment, Review, ReviewAttachment
from ..rules import review_attachments_visible_to
from ..services import reviews as services
from .assignments import visible_assignment
from .pool import require


@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request, pk)
    require(request, "experts.write_review", assignment)
    if assignment.status != Assignment.Status.ACCEPTED:
        messages.info(
            request, _("An opinion can only be written while the assignment is accepted.")
        )
        return redirect("experts:assignment_detail", assignment.pk)
    review = getattr(assignment, "review", None)
    form = ReviewForm(request.POST or None, request.FILES or None, instance=review)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.REVIEW_FIELDS}
        try:
            with transaction.atomic():
                services.review_save(assignment, by=request.user, data=data, submit=False)
                for upload in form.cleaned_data["new_attachments"]:
                    services.review_attachment_add(assignment, upload, by=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if "submit" not in request.POST:
                messages.success(request, _("Draft saved."))
                return redirect("experts:review_edit", assignment.pk)
            try:
                services.review_save(assignment, by=request.user, data=data, submit=True)
            except DomainError as error:
                messages.warning(request, _("Saved as a draft, but not submitted: %s") % error)
                return redirect("experts:review_edit", assignment.pk)
            messages.success(request, _("Opinion submitted. Thank you."))
            return redirect("experts:assignment_detail", assignment.pk)
    return render(
        request,
        "experts/review_form.html",
        {
            "assignment": assignment,
            "problem": assignment.problem,
            "form": form,
            "attachments": review.attachments.all() if review else [],
        },
    )


@login_required
def review_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(review_attachments_visible_to(request.user), pk=pk)
    return attachment_response(attachment)


@login_required
@require_POST
def review_attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        ReviewAttachment.objects.filter(
            review__assignment__expert__user=request.user
        ).select_related("review__assignment__expert"),
        pk=pk,
    )
    assignment = attachment.review.assignment
    try:
        services.review_attachment_delete(attachment, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Attachment removed."))
    return redirect("experts:review_edit", assignment.pk)


SCORES = [
    ("severity", gettext_lazy("Bottleneck severity")),
    ("difficulty", gettext_lazy("Technical difficulty")),
    ("urgency", gettext_lazy("Urgency")),
    ("feasibility", gettext_lazy("Feasibility")),
]


@login_required
def problem_opinions(request: HttpRequest, problem_pk: int) -> HttpResponse:
    """All submitted opinions on a problem side by side, with average scores and the controls
    to release each one to the enterprise, named or anonymous."""
    problem = get_object_or_404(
        problems_visible_to(request.user).select_related("brief"), pk=problem_pk
    )
    require(request, "experts.read_reviews", problem)
    reviews = list(
        Review.objects.filter(assignment__problem=problem, status=Review.Status.SUBMITTED)
        .select_related("assignment__expert", "released_by")
        .prefetch_related("attachments")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for name, label in SCORES:
        values = [getattr(r, name) for r in reviews]
        average = sum(values) / len(values) if values else None
        rows.append({"label": label, "values": values, "average": average})
    counts = dict(
        problem.assignments.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "experts/problem_opinions.html",
        {
            "problem": problem,
            "reviews": reviews,
            "score_rows": rows,
            "counts": [(s.label, counts[s.value]) for s in Assignment.Status if s.value in counts],
            "release_form": ReleaseForm(),
        },
    )


def _staff_review(request: HttpRequest, pk: int) -> Review:
    review = get_object_or_404(
        Review.objects.filter(
            assignment__problem__in=problems_visible_to(request.user)
        ).select_related("assignment__problem"),
        pk=pk,
    )
    require(request, "experts.release_review", review)
    return review


@login_required
@require_POST
def review_release(request: HttpRequest, pk: int) -> HttpResponse:
    review = _staff_review(request, pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether to name the expert."))
    else:
        try:
            services.review_release(review, by=request.user, named=form.cleaned_data["named"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Opinion released to the enterprise."))
    return redirect("experts:problem_opinions", review.assignment.problem_id)


@login_required
@require_POST
def review_unrelease(request: HttpRequest, pk: int) -> HttpResponse:
    review = _staff_review(request, pk)
    try:
        services.review_unrelease(review, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The enterprise no longer sees this opinion."))
    return redirect("experts:problem_opinions", review.assignment.problem_id)
