"""Invitations of experts to review problems: the one path for creating and moving them.

`assignment_invite` is the only way an assignment comes to exist (matching page, society
admins, bulk proposals, one-click alternates all call it): it checks that the problem passed
保密审查, refuses hard conflicts, requires confirmation of likely ones, and locks the expert's
row so that two staff inviting at once can't push the expert over capacity.
`assignment_transition` is the only way one changes state; both write an AssignmentEvent."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from problems.models import Problem
from problems.services import DomainError

from ..matching.facts import conflicts_between
from ..models import Assignment, AssignmentEvent, Delegation, Expert, Proposal

A = Assignment.Status


class FlagsNeedConfirmation(DomainError):
    """The expert has likely conflicts that staff haven't confirmed."""

    def __init__(self, flags: list[str]):
        self.flags = flags
        super().__init__(
            _("Possible conflict of interest, confirm to assign: %s") % "；".join(flags)
        )


def expert_loads(expert_ids: Iterable[int]) -> dict[int, int]:
    """Current load (invitations open plus assignments accepted) of each expert."""
    rows = (
        Assignment.objects.filter(expert_id__in=list(expert_ids), status__in=Assignment.LOAD_STATES)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    return dict(rows)


def expert_capacity(expert: Expert, load: int) -> int:
    return max(0, expert.max_assignments - load) if expert.accepting else 0


def problem_assignable(problem: Problem) -> None:
    if problem.status != Problem.Status.READY:
        raise DomainError(
            _("Only problems that passed the confidentiality review can be assigned.")
        )


@transaction.atomic
def assignment_invite(
    *,
    problem: Problem,
    expert: Expert,
    due_date: date,
    by: User,
    confirm_flags: bool = False,
    delegation: Delegation | None = None,
    proposal: Proposal | None = None,
    score: float | None = None,
    reason: str = "",
) -> Assignment:
    """Invite an expert to review a problem and notify them."""
    problem_assignable(problem)
    if due_date <= timezone.localdate():
        raise DomainError(_("The due date must be in the future."))
    # The lock serialises every invitation of this expert: the load counted below can't
    # change until we commit (PostgreSQL; SQLite serialises writers anyway).
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    hard, flags = conflicts_between(expert, problem)
    if hard:
        raise DomainError(
            _("%(expert)s can't review this problem: %(reasons)s")
            % {"expert": expert.name, "reasons": "；".join(hard)}
        )
    if flags and not confirm_flags:
        raise FlagsNeedConfirmation(flags)
    if Assignment.objects.filter(
        problem=problem, expert=expert, status__in=Assignment.ACTIVE_STATES
    ).exists():
        raise DomainError(_("%s is already invited to this problem.") % expert.name)
    if not expert.accepting:
        raise DomainError(_("%s is not accepting assignments at the moment.") % expert.name)
    load = expert_loads([expert.pk]).get(expert.pk, 0)
    if load >= expert.max_assignments:
        raise DomainError(
            _("%(expert)s already has %(load)d of %(max)d concurrent assignments.")
            % {"expert": expert.name, "load": load, "max": expert.max_assignments}
        )
    assignment = Assignment.objects.create(
        problem=problem,
        expert=expert,
        due_date=due_date,
        delegation=delegation,
        proposal=proposal,
        score=score,
        flags=flags,
        flags_confirmed_by=by if flags else None,
        invited_by=by,
    )
    note = reason
    if flags:
        confirmed = _("Conflict flags confirmed: %s") % "；".join(flags)
        note = f"{reason}\n{confirmed}" if reason else confirmed
    AssignmentEvent.objects.create(
        assignment=assignment, actor=by, from_status="", to_status=A.INVITED, reason=note
    )
    if expert.user_id:
        notify(
            expert.user,
            title=_("Invitation to review: %s") % brief_title(problem),
            body=_("Please accept or decline by replying on the platform. Opinion due %s.")
            % due_date.isoformat(),
            url=reverse("experts:assignment_detail", args=[assignment.pk]),
        )
    return assignment


def brief_title(problem: Problem) -> str:
    """What experts see as the problem's title: the staff's restatement when there is one."""
    brief = getattr(problem, "brief", None)
    return brief.title if brief else problem.title


@transaction.atomic
def assignment_transition(
    assignment: Assignment, to: str, *, by: User | None, reason: str = "", **fields
) -> Assignment:
    """Move an assignment along Assignment.TRANSITIONS, setting `fields`, with an event."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if to not in Assignment.TRANSITIONS.get(assignment.status, set()):
        raise DomainError(
            _("An assignment can't go from “%(from)s” to “%(to)s”.")
            % {"from": assignment.get_status_display(), "to": A(to).label}
        )
    from_status = assignment.status
    assignment.status = to
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save()
    AssignmentEvent.objects.create(
        assignment=assignment, actor=by, from_status=from_status, to_status=to, reason=reason
    )
    return assignment
