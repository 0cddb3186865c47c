"""The staff's matching page of one problem: the matcher's ranked experts (score, reasons,
likely conflicts to confirm, load, already invited) narrowed by filters, invitations of the
chosen experts, and the ranked learned societies to delegate to.

Only a problem that passed 保密审查 (READY) can be assigned; for any other the ranking is
shown read-only and a POST is refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.rules import is_staff_or_admin
from problems.models import Problem
from problems.rules import problems_visible_to
from problems.services import DomainError
from problems.views import form_errors

from ..filters import CandidateFilter
from ..forms import DelegateForm, InviteForm
from ..models import Assignment, Delegation, Expert
from ..services.assignments import FlagsNeedConfirmation, assignment_invite
from ..services.delegations import delegation_create
from .pool import require

# How many experts the page ranks; staff narrow with the filters rather than page.
TOP = 20


def _problem(request: HttpRequest, pk: int) -> Problem:
    """403 for every role but staff; 404 for a problem outside the staff's scope."""
    if not is_staff_or_admin(request.user):
        raise PermissionDenied
    problem = get_object_or_404(
        problems_visible_to(request.user).select_related(
            "enterprise", "industry", "region", "campaign", "brief"
        ),
        pk=pk,
    )
    require(request, "experts.match_problem", problem)
    return problem


@login_required
def problem_matching(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    assignable = problem.status == Problem.Status.READY
    if request.method == "POST":
        if not assignable:
            messages.error(
                request,
                _("Only problems that passed the confidentiality review can be assigned."),
            )
        elif request.POST.get("action") == "delegate":
            _delegate(request, problem)
        else:
            _invite(request, problem)
        # Back to the same filters (the form posts to the page's own URL).
        return redirect(request.get_full_path())

    from ..matching import society_objects, suggest_experts, suggest_societies

    filterset = CandidateFilter(request.GET or None, queryset=Expert.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        expert_ids = []
    elif filterset.active:
        expert_ids = list(filterset.qs.values_list("pk", flat=True))
    else:
        expert_ids = None
    suggestions = (
        suggest_experts(problem, top=TOP, expert_ids=expert_ids) if expert_ids != [] else []
    )
    ids = [s.expert_id for s in suggestions]
    experts = Expert.objects.select_related("region").in_bulk(ids)
    standing = dict(
        Assignment.objects.filter(
            problem=problem, expert_id__in=ids, status__in=Assignment.ACTIVE_STATES
        ).values_list("expert_id", "status")
    )
    rows = [
        {
            "s": s,
            "expert": experts[s.expert_id],
            "invited": Assignment.Status(standing[s.expert_id]).label
            if s.expert_id in standing
            else "",
        }
        for s in suggestions
        if s.expert_id in experts
    ]
    societies = suggest_societies(problem)
    objects = society_objects(societies)
    delegated = set(
        problem.delegations.exclude(status=Delegation.Status.WITHDRAWN).values_list(
            "society_id", flat=True
        )
    )
    society_rows = [
        {
            "s": s,
            "society": objects[s.society_id],
            "delegated": s.society_id in delegated,
            "form": DelegateForm(
                auto_id=f"society-{s.society_id}-%s", initial={"society": s.society_id}
            ),
        }
        for s in societies
        if s.society_id in objects
    ]
    return render(
        request,
        "experts/matching.html",
        {
            "problem": problem,
            "assignable": assignable,
            "filter": filterset,
            "rows": rows,
            "society_rows": society_rows,
            "invite_form": InviteForm(),
        },
    )


def _invite(request: HttpRequest, problem: Problem) -> None:
    """Invite each chosen expert on their own: one refused (a flag not confirmed, a
    conflict, no capacity) doesn't stop the others, and each is whole or not at all."""
    from ..matching import suggest_experts

    form = InviteForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    chosen = list(form.cleaned_data["experts"])
    scores = {
        s.expert_id: s.score
        for s in suggest_experts(problem, top=len(chosen), expert_ids=[e.pk for e in chosen])
    }
    invited = []
    for expert in chosen:
        try:
            assignment_invite(
                problem=problem,
                expert=expert,
                due_date=form.cleaned_data["due_date"],
                by=request.user,
                confirm_flags=expert.pk in form.cleaned_data["confirm"],
                score=scores.get(expert.pk),
            )
        except FlagsNeedConfirmation as error:
            messages.error(
                request,
                _("%(expert)s not invited. %(error)s (tick “confirm” beside the flags)")
                % {"expert": expert.name, "error": error},
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            invited.append(expert.name)
    if invited:
        messages.success(request, _("Invited: %s.") % "、".join(invited))


def _delegate(request: HttpRequest, problem: Problem) -> None:
    require(request, "experts.delegate_problem", problem)
    form = DelegateForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    try:
        delegation_create(problem=problem, by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Delegated to %s; its admins have been told.") % form.cleaned_data["society"].name,
        )
