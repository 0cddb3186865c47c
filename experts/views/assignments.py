"""Invitations: the expert's list and page (answer, read the staff's brief, download the
attachments staff released), and the staff's actions on them (withdraw, invite the alternate
a declining expert suggested, write the brief).

What an expert reads is the brief (ProblemBrief), never the enterprise's own wording: before
staff write one, the page shows only the problem's title, category, industry and region, and
says the restatement is to come. The enterprise's name shows only on public problems."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from accounts.rules import is_expert
from problems.models import Problem
from problems.rules import problems_visible_to
from problems.services import DomainError
from problems.views import attachment_response

from ..filters import AssignmentFilter
from ..forms.assignments import AcceptForm, BriefForm, ConfirmFlagsForm, DeclineForm, WithdrawForm
from ..models import Assignment
from ..rules import assignments_visible_to
from ..services import assignments as services
from .pool import require

A = Assignment.Status


def _assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        assignments_visible_to(request.user).select_related(
            "expert",
            "problem__brief",
            "problem__enterprise",
            "problem__industry",
            "problem__region",
            "delegation__society",
            "invited_by",
            "suggested_expert",
        ),
        pk=pk,
    )


def visible_assignment(request: HttpRequest, pk: int) -> Assignment:
    """The assignment, if the user may read it now: the expert only while it stands."""
    assignment = _assignment(request, pk)
    require(request, "experts.view_assignment", assignment)
    return assignment


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    """The expert's invitations and assignments, current and past."""
    if not is_expert(request.user):
        raise PermissionDenied
    queryset = assignments_visible_to(request.user).select_related(
        "problem__brief", "problem__industry", "problem__region", "review"
    )
    filterset = AssignmentFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/assignment_list.html", filtered_page(request, filterset))


def _render_detail(request: HttpRequest, assignment: Assignment, **forms) -> HttpResponse:
    user, problem = request.user, assignment.problem
    brief = getattr(problem, "brief", None)
    is_expert_view = rules.has_perm("experts.respond_assignment", user, assignment)
    is_staff_view = rules.has_perm("experts.manage_assignment", user, assignment)
    review = getattr(assignment, "review", None)
    context = {
        "assignment": assignment,
        "problem": problem,
        "brief": brief,
        "released": brief.released_attachments.all() if brief else [],
        "show_enterprise": is_staff_view
        or problem.confidentiality == Problem.Confidentiality.PUBLIC,
        "is_expert_view": is_expert_view,
        "is_staff_view": is_staff_view,
        "review": review,
        "review_attachments": review.attachments.all() if review else [],
        "events": assignment.events.select_related("actor"),
    }
    if is_expert_view and assignment.status == A.INVITED:
        context["accept_form"] = forms.get("accept_form") or AcceptForm()
        context["decline_form"] = forms.get("decline_form") or DeclineForm()
    if is_staff_view and assignment.status in Assignment.LOAD_STATES:
        context["withdraw_form"] = WithdrawForm()
    return render(request, "experts/assignment_detail.html", context)


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, visible_assignment(request, pk))


@login_required
@require_POST
def assignment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request, pk)
    require(request, "experts.respond_assignment", assignment)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_accept(assignment, by=request.user, no_conflict=True)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: the assignment is accepted."))
            return redirect("experts:assignment_detail", assignment.pk)
    return _render_detail(request, assignment, accept_form=form)


@login_required
@require_POST
def assignment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = visible_assignment(request, pk)
    require(request, "experts.respond_assignment", assignment)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_decline(assignment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("You declined the invitation. Thank you for answering."))
            return redirect("experts:assignment_list")
    return _render_detail(request, assignment, decline_form=form)


@login_required
def brief_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """An attachment staff released to the experts of the problem, while the assignment
    stands."""
    assignment = visible_assignment(request, pk)
    brief = getattr(assignment.problem, "brief", None)
    if brief is None:
        raise Http404
    attachment = get_object_or_404(brief.released_attachments.all(), pk=attachment_pk)
    return attachment_response(attachment)


# --- staff ----------------------------------------------------------------------------------


@login_required
@require_POST
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    require(request, "experts.manage_assignment", assignment)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason; the expert will see it."))
        return redirect(assignment.problem)
    try:
        services.assignment_withdraw(
            assignment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Assignment withdrawn."))
    return redirect(assignment.problem)


@login_required
@require_POST
def assignment_invite_alternate(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite, in one click, the expert that a declining expert suggested: same problem, same
    due date. Likely conflicts are shown for confirmation first."""
    declined = _assignment(request, pk)
    require(request, "experts.manage_assignment", declined)
    alternate = declined.suggested_expert
    if declined.status != A.DECLINED or alternate is None:
        messages.error(request, _("There is no suggested expert to invite."))
        return redirect(declined.problem)
    form = ConfirmFlagsForm(request.POST)
    form.is_valid()
    try:
        services.assignment_invite(
            problem=declined.problem,
            expert=alternate,
            due_date=declined.due_date,
            by=request.user,
            confirm_flags=form.cleaned_data.get("confirm_flags", False),
            reason=_("Suggested by %s when declining.") % declined.expert.name,
        )
    except services.FlagsNeedConfirmation as error:
        return render(
            request,
            "experts/assignment_alternate_confirm.html",
            {"declined": declined, "alternate": alternate, "flags": error.flags, "form": form},
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%s invited.") % alternate.name)
    return redirect(declined.problem)


@login_required
def problem_brief(request: HttpRequest, problem_pk: int) -> HttpResponse:
    """Staff restate the problem for the experts and choose the attachments they may read."""
    problem = get_object_or_404(
        problems_visible_to(request.user).select_related("brief", "enterprise"), pk=problem_pk
    )
    require(request, "experts.edit_brief", problem)
    brief = getattr(problem, "brief", None)
    form = BriefForm(
        request.POST or None,
        instance=brief,
        problem=problem,
        initial=None if brief else {"title": problem.title},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.problem_brief_save(
                problem,
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                released_attachment_ids=[a.pk for a in data["released_attachments"]],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The brief for experts is saved."))
            return redirect(problem)
    return render(request, "experts/problem_brief_form.html", {"problem": problem, "form": form})
