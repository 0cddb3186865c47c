"""Bulk assignment proposals: the optimiser proposes experts for many problems at once
(experts.matching.assign), staff review and edit the proposal, and publishing it sends the
invitations through `assignment_invite`, like any other invitation.

Computing runs in a task (`proposal_compute_task`), so staff wait on the proposal's page,
not on the request. A proposal goes computing → draft (or failed) → published or discarded;
re-computing a draft replaces its items, staff edits included."""

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

import rules
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from problems.models import Campaign, Problem
from problems.rules import problems_visible_to
from problems.services import DomainError

from ..models import Assignment, Expert, Proposal, ProposalEvent, ProposalItem
from .assignments import assignment_invite, expert_loads, invitation_check
from .states import transition

log = logging.getLogger(__name__)

P = Proposal.Status
# How many ranked candidates per problem the optimiser chooses from.
CANDIDATES_PER_PROBLEM = 30


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """Staff see the proposals all of whose problems are in their scope (a prefecture's staff
    don't see a proposal that also covers another prefecture); platform admins see all."""
    if not rules.has_perm("experts.manage_proposals", user):
        return Proposal.objects.none()
    prefix = user.scope_prefix()
    if prefix == "":
        return Proposal.objects.all()
    outside = Proposal.problems.through.objects.filter(proposal=OuterRef("pk")).exclude(
        problem__region__code__startswith=prefix
    )
    return Proposal.objects.filter(~Exists(outside))


def _check(by: User) -> None:
    if not rules.has_perm("experts.manage_proposals", by):
        raise DomainError(_("Only CAST staff may make bulk assignments."))


def _draft(proposal: Proposal) -> Proposal:
    """The proposal, locked (publishing waits for an edit, and an edit for publishing), if
    it may still be changed. Call inside a transaction."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != P.DRAFT:
        raise DomainError(
            _("This proposal can't be changed any more (%s).") % proposal.get_status_display()
        )
    return proposal


def proposal_transition(
    proposal: Proposal, to: str, *, by: User | None = None, reason: str = "", **fields
) -> Proposal:
    """Move a proposal along Proposal.TRANSITIONS (under a row lock), setting `fields`, with
    an event (`by` is None when the background computation moves it)."""
    return transition(
        proposal,
        to,
        by=by,
        reason=reason,
        refused=_("A proposal can't go from “%(from)s” to “%(to)s”."),
        **fields,
    )


def _edited(proposal: Proposal, by: User, reason: str) -> None:
    """An edit of a draft's items: an event that keeps the state."""
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=by,
        from_status=proposal.status,
        to_status=proposal.status,
        reason=reason,
    )


def _enqueue_compute(proposal: Proposal) -> None:
    from accounts.tasks import enqueue

    from ..tasks import proposal_compute_task

    transaction.on_commit(lambda: enqueue(proposal_compute_task, proposal.pk))


@transaction.atomic
def proposal_create(
    *,
    label: str,
    problems: Iterable[Problem],
    k: int = 3,
    due_date: date,
    by: User,
    campaign: Campaign | None = None,
) -> Proposal:
    """Start a proposal for the given problems; those not ready for matching or outside the
    user's scope are left out. The computation is queued for after the commit."""
    _check(by)
    label = label.strip()
    if not label:
        raise DomainError(_("Please give the proposal a label."))
    if not 1 <= k <= 10:
        raise DomainError(_("Ask for between 1 and 10 experts per problem."))
    if due_date <= timezone.localdate():
        raise DomainError(_("The due date must be in the future."))
    chosen = problems.values("pk") if isinstance(problems, QuerySet) else [p.pk for p in problems]
    eligible = list(
        problems_visible_to(by)
        .filter(status=Problem.Status.READY, pk__in=chosen)
        .values_list("pk", flat=True)
    )
    if not eligible:
        raise DomainError(_("None of the chosen problems is ready for matching."))
    proposal = Proposal.objects.create(
        label=label,
        campaign=campaign,
        experts_per_problem=k,
        due_date=due_date,
        status=P.COMPUTING,
        created_by=by,
    )
    proposal.problems.set(eligible)
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=by,
        to_status=P.COMPUTING,
        reason=_("%d problems ready for matching.") % len(eligible),
    )
    _enqueue_compute(proposal)
    return proposal


def proposal_recompute(proposal: Proposal, *, by: User) -> Proposal:
    """Compute a draft (or a failed proposal) again from the current pool and loads."""
    _check(by)
    with transaction.atomic():
        proposal = proposal_transition(proposal, P.COMPUTING, by=by, error="")
        _enqueue_compute(proposal)
    return proposal


def proposal_discard(proposal: Proposal, *, by: User) -> Proposal:
    _check(by)
    return proposal_transition(proposal, P.DISCARDED, by=by)


def proposal_compute(proposal: Proposal) -> Proposal:
    """Rank candidates for every problem of the proposal, choose the optimal assignment, and
    store it as the proposal's items: computing → draft, or → failed with the error.
    Idempotent: a proposal no longer computing is left alone."""
    from ..matching import candidates_for
    from ..matching.assign import solve_assignment

    if proposal.status != P.COMPUTING:
        return proposal
    started = time.perf_counter()
    try:
        k = proposal.experts_per_problem
        problems = list(
            proposal.problems.filter(status=Problem.Status.READY)
            .select_related("enterprise", "industry", "brief")
            .order_by("pk")
        )
        # Experts already invited count towards k and aren't proposed twice.
        standing: dict[int, set[int]] = defaultdict(set)
        for problem_id, expert_id in Assignment.objects.filter(
            problem__in=problems, status__in=Assignment.ACTIVE_STATES
        ).values_list("problem_id", "expert_id"):
            standing[problem_id].add(expert_id)
        wanted = {p.pk: max(0, k - len(standing[p.pk])) for p in problems}
        ranked = candidates_for(
            [p for p in problems if wanted[p.pk]], per_problem=CANDIDATES_PER_PROBLEM
        )
        chosen, candidates, capacity = {}, {}, {}
        for problem_id, suggestions in ranked.items():
            kept = [s for s in suggestions if s.expert_id not in standing[problem_id]]
            candidates[problem_id] = [(s.expert_id, s.score) for s in kept]
            for s in kept:
                chosen[problem_id, s.expert_id] = s
                capacity[s.expert_id] = s.capacity
        solving = time.perf_counter()
        pairs = solve_assignment(candidates, capacity, k, wanted=wanted)
        solved_in = time.perf_counter() - solving
    except Exception as error:  # recorded on the proposal for staff; the log has the trace
        log.exception("proposal %s failed", proposal.pk)
        message = str(error) or repr(error)
        return proposal_transition(proposal, P.FAILED, reason=message, error=message)
    items = [
        ProposalItem(
            proposal=proposal,
            problem_id=problem_id,
            expert_id=expert_id,
            score=chosen[problem_id, expert_id].score,
            reasons=chosen[problem_id, expert_id].reasons,
            flags=chosen[problem_id, expert_id].flags,
        )
        for problem_id, expert_id in pairs
    ]
    filled = Counter(problem_id for problem_id, _expert in pairs)
    short = sum(1 for p in problems if filled[p.pk] < wanted[p.pk])
    stats = {
        "problems": len(problems),
        "filled": len(problems) - short,
        "short": short,
        "assignments": len(pairs),
        "total_score": round(sum(item.score for item in items), 3),
        "candidates": sum(len(c) for c in candidates.values()),
        "seconds": round(time.perf_counter() - started, 2),
        "solver_seconds": round(solved_in, 3),
    }
    with transaction.atomic():
        if Proposal.objects.select_for_update().get(pk=proposal.pk).status != P.COMPUTING:
            return proposal  # a concurrent run of the task got there first
        proposal.items.all().delete()
        ProposalItem.objects.bulk_create(items, batch_size=500)
        summary = _("%(n)d assignments proposed, %(short)d problems short.") % {
            "n": len(pairs),
            "short": short,
        }
        return proposal_transition(proposal, P.DRAFT, reason=summary, stats=stats, error="")


# --- staff edit the draft --------------------------------------------------------------------


@transaction.atomic
def proposal_item_remove(item: ProposalItem, *, by: User) -> None:
    _check(by)
    proposal = _draft(item.proposal)
    _edited(proposal, by, _("Removed: %s") % _pair(item))
    item.delete()


@transaction.atomic
def proposal_item_add(
    proposal: Proposal, *, problem: Problem, expert: Expert, by: User
) -> ProposalItem:
    """Add an expert of the staff's choosing to one problem of the proposal, with the
    matcher's score and reasons. Hard conflicts are refused; likely ones are flagged."""
    from ..matching import suggest_experts

    _check(by)
    proposal = _draft(proposal)
    if not proposal.problems.filter(pk=problem.pk).exists():
        raise DomainError(_("This problem is not part of the proposal."))
    if proposal.items.filter(problem=problem, expert=expert).exists():
        raise DomainError(_("%s is already proposed for this problem.") % expert.name)
    flags = invitation_check(problem, expert, confirm_flags=None)
    load = (
        expert_loads([expert.pk]).get(expert.pk, 0) + proposal.items.filter(expert=expert).count()
    )
    if load >= expert.max_assignments:
        raise DomainError(
            _("%(expert)s would have more than %(max)d concurrent assignments.")
            % {"expert": expert.name, "max": expert.max_assignments}
        )
    ranked = suggest_experts(problem, top=1, expert_ids=[expert.pk])
    item = ProposalItem.objects.create(
        proposal=proposal,
        problem=problem,
        expert=expert,
        score=ranked[0].score if ranked else 0.0,
        reasons=ranked[0].reasons if ranked else [],
        flags=flags,
        added_by_staff=True,
    )
    _edited(proposal, by, _("Added: %s") % _pair(item))
    return item


@transaction.atomic
def proposal_flags_confirm(
    proposal: Proposal, *, shown: Iterable[int], confirmed: Iterable[int], by: User
) -> int:
    """Record which flagged items staff confirmed, among the items `shown` to them (the rest
    keep their state); returns how many flagged items are confirmed now."""
    _check(by)
    proposal = _draft(proposal)
    shown, confirmed = set(shown), set(confirmed)
    flagged = proposal.items.exclude(flags=[]).filter(pk__in=shown)
    named = flagged.select_related("expert", "problem")  # for the event's text
    newly = list(named.filter(pk__in=confirmed, flags_confirmed=False))
    withdrawn = list(named.exclude(pk__in=confirmed).filter(flags_confirmed=True))
    flagged.filter(pk__in=confirmed).update(flags_confirmed=True)
    flagged.exclude(pk__in=confirmed).update(flags_confirmed=False)
    for items, text in (
        (newly, _("Conflict flags confirmed: %s")),
        (withdrawn, _("Confirmation withdrawn: %s")),
    ):
        if items:
            _edited(proposal, by, text % "；".join(_pair(item) for item in items))
    return proposal.items.exclude(flags=[]).filter(flags_confirmed=True).count()


# --- publishing -----------------------------------------------------------------------------


def _pair(item: ProposalItem) -> str:
    return f"{item.expert.name} → {item.problem.number or item.problem.title}"


@transaction.atomic
def proposal_publish(proposal: Proposal, *, by: User) -> list[Assignment]:
    """Invite every proposed expert (and so notify them), all or nothing: an unconfirmed
    flag, a conflict or an expert over capacity refuses the whole publication, naming the
    expert, and nothing is written. Two staff publishing proposals that share experts queue
    on the experts' row locks; the second one sees the first one's invitations in the load."""
    _check(by)
    proposal = _draft(proposal)
    items = list(proposal.items.select_related("problem__brief", "expert__user"))
    if not items:
        raise DomainError(_("The proposal has no assignment to publish."))
    unconfirmed = [item for item in items if item.flags and not item.flags_confirmed]
    if unconfirmed:
        more = "…" if len(unconfirmed) > 5 else ""
        raise DomainError(
            _("Please confirm the possible conflicts of interest first: %s")
            % ("；".join(_pair(item) for item in unconfirmed[:5]) + more)
        )
    # Every expert locked up front in one order: two publishes sharing experts can't deadlock.
    list(
        Expert.objects.select_for_update()
        .filter(pk__in={item.expert_id for item in items})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assignments = []
    for item in items:
        try:
            assignments.append(
                assignment_invite(
                    problem=item.problem,
                    expert=item.expert,
                    due_date=proposal.due_date,
                    by=by,
                    confirm_flags=item.flags_confirmed,
                    proposal=proposal,
                    score=item.score,
                )
            )
        except DomainError as error:
            raise DomainError(
                _("Nothing was published. %(pair)s: %(error)s")
                % {"pair": _pair(item), "error": error}
            ) from error
    proposal_transition(
        proposal,
        P.PUBLISHED,
        by=by,
        reason=_("%d invitations sent.") % len(assignments),
        published_by=by,
        published_at=timezone.now(),
    )
    return assignments
