"""Invitations of experts to review problems: the one path for creating and moving them.

`assignment_invite` is the only way an assignment comes to exist (matching page, society
admins, bulk proposals, one-click alternates all call it): it checks that the problem passed
保密审查, refuses hard conflicts, requires confirmation of likely ones, and locks the expert's
row so that two staff inviting at once can't push the expert over capacity.
`assignment_transition` is the only way one changes state; both write an AssignmentEvent."""

from collections.abc import Iterable
from datetime import date

import rules
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.notifications import notify
from problems.models import Problem
from problems.services import DomainError

from ..matching.facts import conflicts_between
from ..models import (
    Assignment,
    AssignmentEvent,
    Delegation,
    Expert,
    ProblemBrief,
    ProblemConflict,
    Proposal,
    Review,
)
from .states import transition

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


def problem_assignable(problem: Problem) -> None:
    if problem.status != Problem.Status.READY:
        raise DomainError(
            _("Only problems that passed the confidentiality review can be assigned.")
        )


def invitation_check(problem: Problem, expert: Expert, *, confirm_flags: bool | None) -> list:
    """Refuse an expert who can't be invited to the problem (DomainError): a hard conflict,
    likely conflicts not confirmed (unless `confirm_flags` is None: the caller keeps them for
    later), an invitation already standing, not accepting. Returns the likely conflicts.
    Capacity is the caller's to check: what counts as load differs."""
    hard, flags = conflicts_between(expert, problem)
    if hard:
        raise DomainError(
            _("%(expert)s can't review this problem: %(reasons)s")
            % {"expert": expert.name, "reasons": "；".join(hard)}
        )
    if flags and confirm_flags is False:
        raise FlagsNeedConfirmation(flags)
    if Assignment.objects.filter(
        problem=problem, expert=expert, status__in=Assignment.ACTIVE_STATES
    ).exists():
        raise DomainError(_("%s is already invited to this problem.") % expert.name)
    if not expert.accepting:
        raise DomainError(_("%s is not accepting assignments at the moment.") % expert.name)
    return flags


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
    flags = invitation_check(problem, expert, confirm_flags=bool(confirm_flags))
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


def assignment_transition(
    assignment: Assignment, to: str, *, by: User | None, reason: str = "", **fields
) -> Assignment:
    """Move an assignment along Assignment.TRANSITIONS, setting `fields`, with an event."""
    return transition(
        assignment,
        to,
        by=by,
        reason=reason,
        refused=_("An assignment can't go from “%(from)s” to “%(to)s”."),
        **fields,
    )


# --- the expert answers; staff withdraw; unanswered invitations expire --------------------------


def assignment_watchers(assignment: Assignment) -> list[tuple[User, str]]:
    """Who hears about the expert's answers and lateness, with the page each should open:
    whoever invited (staff, or a society's admin for a delegation) and the staff who delegated.
    """
    problem_url = reverse("problems:problem_detail", args=[assignment.problem_id])
    watchers: dict[int, tuple[User, str]] = {}
    users = [assignment.invited_by]
    if assignment.delegation_id:
        users.append(assignment.delegation.created_by)
    for user in users:
        if user is None or not user.is_active or user.pk in watchers:
            continue
        if user.is_cast_staff or user.is_platform_admin or not assignment.delegation_id:
            url = problem_url
        else:
            url = reverse("experts:delegation_detail", args=[assignment.delegation_id])
        watchers[user.pk] = (user, url)
    return list(watchers.values())


def _respond_check(assignment: Assignment, by: User) -> None:
    if not rules.has_perm("experts.respond_assignment", by, assignment):
        raise DomainError(_("Only the invited expert may answer this invitation."))
    if assignment.status != A.INVITED:
        raise DomainError(
            _("This invitation has already been answered or closed (%s).")
            % assignment.get_status_display()
        )


@transaction.atomic
def assignment_accept(assignment: Assignment, *, by: User, no_conflict: bool) -> Assignment:
    """The expert accepts, declaring that they have no conflict of interest."""
    _respond_check(assignment, by)
    if not no_conflict:
        raise DomainError(
            _("Please declare that you have no conflict of interest, or decline the invitation.")
        )
    if assignment.due_date < timezone.localdate():
        raise DomainError(_("This invitation has expired."))
    # A conflict declared since the invitation was sent (an employer change, say) still counts.
    hard, _flags = conflicts_between(assignment.expert, assignment.problem)
    if hard:
        raise DomainError(
            _("You have a conflict of interest on this problem (%s); please decline instead.")
            % "；".join(hard)
        )
    now = timezone.now()
    assignment = assignment_transition(
        assignment,
        A.ACCEPTED,
        by=by,
        reason=_("No conflict of interest declared."),
        responded_at=now,
        no_conflict_declared_at=now,
    )
    for user, url in assignment_watchers(assignment):
        notify(
            user,
            title=_("%(expert)s accepted: %(problem)s")
            % {"expert": assignment.expert.name, "problem": assignment.problem.title},
            url=url,
            email=False,
        )
    return assignment


@transaction.atomic
def assignment_decline(
    assignment: Assignment,
    *,
    by: User,
    reason: str,
    note: str = "",
    suggested_expert: Expert | None = None,
    suggested_text: str = "",
) -> Assignment:
    """The expert declines with a reason and perhaps suggests someone else. A declared
    conflict of interest is recorded on the problem, so the expert is never suggested for it
    or invited to it again."""
    _respond_check(assignment, by)
    if reason not in Assignment.DeclineReason.values:
        raise DomainError(_("Please choose a reason for declining."))
    note, suggested_text = note.strip(), suggested_text.strip()
    if reason == Assignment.DeclineReason.OTHER and not note:
        raise DomainError(_("Please explain why you decline."))
    if suggested_expert is not None and suggested_expert.pk == assignment.expert_id:
        raise DomainError(_("Please suggest someone other than yourself."))
    if reason == Assignment.DeclineReason.CONFLICT:
        ProblemConflict.objects.get_or_create(
            expert=assignment.expert,
            problem=assignment.problem,
            defaults={"reason": note, "recorded_by": by},
        )
    label = Assignment.DeclineReason(reason).label
    assignment = assignment_transition(
        assignment,
        A.DECLINED,
        by=by,
        reason=f"{label}：{note}" if note else str(label),
        responded_at=timezone.now(),
        decline_reason=reason,
        decline_note=note,
        suggested_expert=suggested_expert,
        suggested_text=suggested_text,
    )
    suggestion = suggested_expert.name if suggested_expert else suggested_text
    body = _("Reason: %s") % (f"{label}：{note}" if note else label)
    if suggestion:
        body += "\n" + _("Suggested instead: %s") % suggestion
    for user, url in assignment_watchers(assignment):
        notify(
            user,
            title=_("%(expert)s declined: %(problem)s")
            % {"expert": assignment.expert.name, "problem": assignment.problem.title},
            body=body,
            url=url,
        )
    return assignment


@transaction.atomic
def assignment_withdraw(assignment: Assignment, *, by: User, reason: str) -> Assignment:
    """Staff withdraw an invitation or an accepted assignment; the expert is told why."""
    if not rules.has_perm("experts.manage_assignment", by, assignment):
        raise DomainError(_("You may not withdraw this assignment."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give the reason; the expert will see it."))
    assignment = assignment_transition(assignment, A.WITHDRAWN, by=by, reason=reason)
    if assignment.expert.user_id:
        notify(
            assignment.expert.user,
            title=_("Assignment withdrawn: %s") % brief_title(assignment.problem),
            body=reason,
        )
    return assignment


def assignment_expire_overdue_invitations(today: date) -> int:
    """Invitations still unanswered after their due date expire; whoever invited is told.
    Returns how many expired."""
    overdue = Assignment.objects.filter(status=A.INVITED, due_date__lt=today).select_related(
        "problem", "expert", "invited_by", "delegation__created_by"
    )
    count = 0
    for assignment in overdue:
        with transaction.atomic():
            try:
                assignment = assignment_transition(
                    assignment,
                    A.EXPIRED,
                    by=None,
                    reason=_("Not answered before the due date."),
                )
            except DomainError:  # answered meanwhile
                continue
            count += 1
            for user, url in assignment_watchers(assignment):
                notify(
                    user,
                    title=_("Invitation expired: %(expert)s, %(problem)s")
                    % {"expert": assignment.expert.name, "problem": assignment.problem.title},
                    url=url,
                )
    return count


# --- the brief experts read -----------------------------------------------------------------


@transaction.atomic
def problem_brief_save(
    problem: Problem,
    *,
    by: User,
    title: str,
    summary: str,
    released_attachment_ids: Iterable[int] = (),
) -> ProblemBrief:
    """Write or rewrite the staff's restatement of a problem and choose which of the
    enterprise's attachments the assigned experts may download."""
    if not rules.has_perm("experts.edit_brief", by, problem):
        raise DomainError(_("You may not edit the brief of this problem."))
    title, summary = title.strip(), summary.strip()
    if not title or not summary:
        raise DomainError(_("The brief needs a title and the restated problem."))
    ids = set(released_attachment_ids)
    attachments = list(problem.attachments.filter(pk__in=ids))
    if len(attachments) != len(ids):
        raise DomainError(_("Only this problem's own attachments can be released."))
    brief, _created = ProblemBrief.objects.update_or_create(
        problem=problem,
        defaults={
            "title": title,
            "summary": summary,
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    brief.released_attachments.set(attachments)
    return brief


MATCHING_STAGES = {
    "waiting": gettext_lazy("Awaiting experts"),
    "invited": gettext_lazy("Experts invited"),
    "reviewing": gettext_lazy("Under expert review"),
    "reviewed": gettext_lazy("Opinions received"),
    "released": gettext_lazy("Opinions released"),
}


def problem_matching_stage(problem: Problem) -> str | None:
    """Where a problem ready for matching stands with its experts (derived from its
    assignments, which hold the history): a key of MATCHING_STAGES, or None before 保密审查."""
    statuses = set(problem.assignments.values_list("status", flat=True))
    if problem.status != Problem.Status.READY and not statuses:
        return None
    if Review.objects.filter(assignment__problem=problem, released_at__isnull=False).exists():
        return "released"
    if A.COMPLETED in statuses:
        return "reviewed"
    if A.ACCEPTED in statuses:
        return "reviewing"
    if A.INVITED in statuses or problem.delegations.filter(status=Delegation.Status.OPEN).exists():
        return "invited"
    return "waiting"
