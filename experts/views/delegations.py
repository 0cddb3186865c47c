"""Delegations to learned societies: staff delegate a problem; the society's admins see the
delegations to their society (never another's: 404) and pick the members to invite."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from accounts.rules import is_society_admin
from problems.models import Problem
from problems.rules import problems_visible_to
from problems.services import DomainError

from ..filters import DelegationFilter
from ..forms.assignments import DelegationForm, DelegationStaffForm, WithdrawForm
from ..matching import rank_among
from ..matching.conflicts import hard_conflicts, likely_conflicts
from ..matching.facts import experts_facts, problem_facts
from ..models import Assignment, Delegation
from ..rules import delegations_visible_to
from ..services.assignments import expert_loads
from ..services.delegations import delegation_create, delegation_staff, delegation_withdraw
from .pool import require

STANDING = Q(assignments__status__in=Assignment.ACTIVE_STATES)


@login_required
def delegation_create_view(request: HttpRequest, problem_pk: int) -> HttpResponse:
    problem = get_object_or_404(problems_visible_to(request.user), pk=problem_pk)
    require(request, "experts.delegate_problem", problem)
    form = DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegation_create(problem=problem, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Delegated to %s; its admins have been told.") % form.cleaned_data["society"],
            )
            return redirect(problem)
    return render(request, "experts/delegation_form.html", {"problem": problem, "form": form})


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    """The delegations to the societies the user administers."""
    if not is_society_admin(request.user):
        raise PermissionDenied
    queryset = (
        delegations_visible_to(request.user)
        .select_related("society", "problem__brief", "problem__industry", "problem__region")
        .annotate(n_invited=Count("assignments", filter=STANDING))
        # Meta.ordering doesn't apply to a GROUP BY query; the pager needs a stable order.
        .order_by("-created_at", "-pk")
    )
    filterset = DelegationFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/delegation_list.html", filtered_page(request, filterset))


def _members(delegation: Delegation) -> list:
    """The society's members, best match for the problem first, each with the matcher's
    reasons, their load, conflicts on this problem (hard ones refuse the invitation, likely
    ones need confirming) and current invitation, in a fixed number of queries."""
    members = list(delegation.society.members.select_related("region").order_by("name", "pk"))
    ids = [m.pk for m in members]
    ranked = rank_among(delegation.problem, ids)
    loads = expert_loads(ids)
    facts = experts_facts(ids)
    about = problem_facts(delegation.problem)
    standing = dict(
        Assignment.objects.filter(
            problem=delegation.problem, expert_id__in=ids, status__in=Assignment.ACTIVE_STATES
        ).values_list("expert_id", "status")
    )
    for member in members:
        member.load = loads.get(member.pk, 0)
        member.hard = hard_conflicts(facts[member.pk], about)
        member.flags = likely_conflicts(facts[member.pk], about)
        member.standing = (
            Assignment.Status(standing[member.pk]).label if member.pk in standing else ""
        )
        member.score, member.reasons = ranked.get(member.pk, (0.0, []))
    members.sort(key=lambda m: -m.score)  # stable: equal scores stay in name order
    return members


@login_required
def delegation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    delegation = get_object_or_404(
        delegations_visible_to(user).select_related(
            "society",
            "created_by",
            "problem__brief",
            "problem__enterprise",
            "problem__industry",
            "problem__region",
        ),
        pk=pk,
    )
    require(request, "experts.view_delegation", delegation)
    may_staff = rules.has_perm("experts.staff_delegation", user, delegation)
    form = DelegationStaffForm(request.POST or None)
    if request.method == "POST":
        if not may_staff:
            raise PermissionDenied
        if form.is_valid():
            try:
                invited = delegation_staff(
                    delegation,
                    by=user,
                    expert_ids=[e.pk for e in form.cleaned_data["experts"]],
                    confirm_flags=form.cleaned_data["confirm_flags"],
                )
            except DomainError as error:  # FlagsNeedConfirmation too: the form has the box
                form.add_error(None, str(error))
            else:
                n = len(invited)
                messages.success(
                    request,
                    ngettext("%(n)d member invited.", "%(n)d members invited.", n) % {"n": n},
                )
                return redirect("experts:delegation_detail", delegation.pk)
    problem = delegation.problem
    is_staff_view = rules.has_perm("experts.withdraw_delegation", user, delegation)
    return render(
        request,
        "experts/delegation_detail.html",
        {
            "delegation": delegation,
            "problem": problem,
            "brief": getattr(problem, "brief", None),
            "show_enterprise": is_staff_view
            or problem.confidentiality == Problem.Confidentiality.PUBLIC,
            "assignments": delegation.assignments.select_related("expert").order_by("pk"),
            "events": delegation.events.select_related("actor"),
            "members": _members(delegation) if may_staff else [],
            "may_staff": may_staff and delegation.status != Delegation.Status.WITHDRAWN,
            "form": form,
        },
    )


@login_required
@require_POST
def delegation_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(
        delegations_visible_to(request.user).select_related("problem", "society"), pk=pk
    )
    require(request, "experts.withdraw_delegation", delegation)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason; the society will see it."))
        return redirect(delegation.problem)
    try:
        delegation_withdraw(delegation, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Delegation withdrawn."))
    return redirect(delegation.problem)
