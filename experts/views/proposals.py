"""Bulk assignment: staff start a proposal for the problems ready for matching (of a
campaign, a region, or all of their scope), review and edit what the optimiser proposes, and
publish it, which invites every proposed expert at once (all or nothing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.listing import PAGE_SIZE, filtered_page
from problems.models import Problem
from problems.rules import campaigns_visible_to, problems_visible_to
from problems.services import DomainError

from ..filters import ProposalFilter
from ..forms import ProposalConfirmForm, ProposalCreateForm, ProposalItemAddForm
from ..models import Assignment, Proposal, ProposalItem
from ..services import proposals as services
from .pool import require


def _count(rows) -> Coalesce:
    """The number of `rows` of each proposal, as a subquery: two COUNTs over joins would
    multiply a proposal's items by its problems."""
    counted = rows.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    require(request, "experts.manage_proposals")
    return get_object_or_404(
        services.proposals_visible_to(request.user).select_related(
            "campaign", "created_by", "published_by"
        ),
        pk=pk,
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    require(request, "experts.manage_proposals")
    queryset = (
        services.proposals_visible_to(request.user)
        .select_related("campaign", "created_by")
        .annotate(
            n_items=_count(ProposalItem.objects.all()),
            n_problems=_count(Proposal.problems.through.objects.all()),
        )
    )
    filterset = ProposalFilter(
        request.GET or None, queryset=queryset, campaigns=campaigns_visible_to(request.user)
    )
    return render(request, "experts/proposal_list.html", filtered_page(request, filterset))


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    require(request, "experts.manage_proposals")
    user = request.user
    form = ProposalCreateForm(
        request.POST or None,
        campaigns=campaigns_visible_to(user),
        scope_prefix=user.scope_prefix() or "",
    )
    ready = problems_visible_to(user).filter(status=Problem.Status.READY)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = ready
        if data["campaign"]:
            problems = problems.filter(campaign=data["campaign"])
        if data["region"]:
            problems = problems.filter(region__code__startswith=data["region"].prefix)
        try:
            proposal = services.proposal_create(
                label=data["label"],
                problems=problems,
                k=data["k"],
                due_date=data["due_date"],
                by=user,
                campaign=data["campaign"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("experts:proposal_detail", proposal.pk)
    return render(request, "experts/proposal_form.html", {"form": form, "n_ready": ready.count()})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal, one page of its problems at a time, each with its proposed experts."""
    proposal = _proposal(request, pk)
    problems = proposal.problems.select_related("enterprise", "region", "brief").order_by(
        "number", "pk"
    )
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    items: dict[int, list[ProposalItem]] = {p.pk: [] for p in on_page}
    for item in proposal.items.filter(problem__in=on_page).select_related("expert__region"):
        items[item.problem_id].append(item)
    standing = dict(
        Assignment.objects.filter(problem__in=on_page, status__in=Assignment.ACTIVE_STATES)
        .values("problem")
        .annotate(n=Count("pk"))
        .values_list("problem", "n")
    )
    k = proposal.experts_per_problem
    rows = [
        {
            "problem": problem,
            "items": items[problem.pk],
            "standing": standing.get(problem.pk, 0),
            "short": len(items[problem.pk]) + standing.get(problem.pk, 0) < k,
        }
        for problem in on_page
    ]
    flagged = proposal.items.exclude(flags=[])
    return render(
        request,
        "experts/proposal_detail.html",
        {
            "proposal": proposal,
            "rows": rows,
            "page": page,
            "query": "",
            "editable": proposal.status == Proposal.Status.DRAFT,
            "n_unconfirmed": flagged.filter(flags_confirmed=False).count(),
            "add_form": ProposalItemAddForm(auto_id=False),
            "events": proposal.events.select_related("actor"),
        },
    )


def _back(proposal: Proposal, request: HttpRequest) -> HttpResponse:
    response = redirect("experts:proposal_detail", proposal.pk)
    page = request.POST.get("page", "")
    if page.isdigit():
        response["Location"] += f"?page={page}"
    return response


@login_required
@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = ProposalConfirmForm(request.POST)
    if form.is_valid():
        try:
            n = services.proposal_flags_confirm(
                proposal,
                shown=form.cleaned_data["shown"],
                confirmed=form.cleaned_data["confirm"],
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Saved: %d flagged assignment confirmed.",
                    "Saved: %d flagged assignments confirmed.",
                    n,
                )
                % n,
            )
    return _back(proposal, request)


@login_required
@require_POST
def proposal_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = ProposalItemAddForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(proposal, request)
    problem = proposal.problems.filter(pk=form.cleaned_data["problem"]).first()
    if problem is None:
        messages.error(request, _("This problem is not part of the proposal."))
        return _back(proposal, request)
    expert = form.cleaned_data["expert"]
    try:
        services.proposal_item_add(proposal, problem=problem, expert=expert, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%s added.") % expert.name)
    return _back(proposal, request)


@login_required
@require_POST
def proposal_item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    item = get_object_or_404(proposal.items.select_related("expert"), pk=item_pk)
    try:
        services.proposal_item_remove(item, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%s removed from the proposal.") % item.expert.name)
    return _back(proposal, request)


@login_required
@require_POST
def proposal_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        services.proposal_recompute(proposal, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The proposal is being computed again."))
    return redirect("experts:proposal_detail", proposal.pk)


@login_required
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        services.proposal_discard(proposal, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Proposal discarded."))
    return redirect("experts:proposal_detail", proposal.pk)


@login_required
@require_POST
def proposal_publish(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        assignments = services.proposal_publish(proposal, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "Published: %d invitation sent to the expert.",
                "Published: %d invitations sent to the experts.",
                len(assignments),
            )
            % len(assignments),
        )
    return redirect("experts:proposal_detail", proposal.pk)
