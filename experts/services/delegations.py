"""Delegations: staff hand a problem to a learned society, whose admin invites members.

The members' invitations are ordinary assignments made through `assignment_invite` (same
conflict checks, same capacity lock), linked to the delegation. Every change of a
delegation's state writes a DelegationEvent."""

from collections.abc import Iterable
from datetime import date

import rules
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.notifications import notify
from problems.models import Problem
from problems.services import DomainError

from ..models import Assignment, Delegation, DelegationEvent, Society
from .assignments import (
    FlagsNeedConfirmation,
    assignment_invite,
    assignment_transition,
    brief_title,
    problem_assignable,
)
from .states import transition

D = Delegation.Status


def delegation_transition(
    delegation: Delegation, to: str, *, by: User | None, reason: str = ""
) -> Delegation:
    """Move a delegation along Delegation.TRANSITIONS with an event."""
    return transition(
        delegation,
        to,
        by=by,
        reason=reason,
        refused=_("A delegation can't go from “%(from)s” to “%(to)s”."),
    )


@transaction.atomic
def delegation_create(
    *,
    problem: Problem,
    society: Society,
    experts_wanted: int,
    due_date: date,
    note: str = "",
    by: User,
) -> Delegation:
    """Hand a problem that passed 保密审查 to a society and tell its admins."""
    if not rules.has_perm("experts.delegate_problem", by, problem):
        raise DomainError(_("You may not delegate this problem."))
    problem_assignable(problem)
    if due_date <= timezone.localdate():
        raise DomainError(_("The due date must be in the future."))
    if not 1 <= experts_wanted <= 20:
        raise DomainError(_("Ask for between 1 and 20 experts."))
    if (
        Delegation.objects.filter(problem=problem, society=society)
        .exclude(status=D.WITHDRAWN)
        .exists()
    ):
        raise DomainError(_("This problem is already delegated to %s.") % society.name)
    delegation = Delegation.objects.create(
        problem=problem,
        society=society,
        experts_wanted=experts_wanted,
        due_date=due_date,
        note=note.strip(),
        created_by=by,
    )
    DelegationEvent.objects.create(
        delegation=delegation, actor=by, from_status="", to_status=D.OPEN, reason=note.strip()
    )
    url = reverse("experts:delegation_detail", args=[delegation.pk])
    for admin in society.admins.filter(is_active=True):
        notify(
            admin,
            title=_("Problem delegated to %(society)s: %(problem)s")
            % {"society": society.name, "problem": brief_title(problem)},
            body=_("Please invite %(n)d of your members to review it. Opinions due %(due)s.")
            % {"n": experts_wanted, "due": due_date.isoformat()},
            url=url,
        )
    return delegation


@transaction.atomic
def delegation_staff(
    delegation: Delegation,
    *,
    by: User,
    expert_ids: Iterable[int],
    confirm_flags: bool = False,
) -> list[Assignment]:
    """The society's admin invites members. All or nothing: if any chosen member can't be
    invited, nobody is, and the error names every refused member and why."""
    if not rules.has_perm("experts.staff_delegation", by, delegation):
        raise DomainError(_("Only the society's admins may invite its members."))
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.status == D.WITHDRAWN:
        raise DomainError(_("This delegation has been withdrawn."))
    ids = list(dict.fromkeys(expert_ids))
    if not ids:
        raise DomainError(_("Please choose at least one member."))
    members = {e.pk: e for e in delegation.society.members.filter(pk__in=ids)}
    if len(members) != len(ids):
        raise DomainError(_("Only members of the society can be invited."))
    standing = delegation.assignments.filter(status__in=Assignment.ACTIVE_STATES).count()
    if standing + len(ids) > delegation.experts_wanted:
        raise DomainError(
            _("The CAST asked for %(wanted)d experts; %(standing)d are already invited.")
            % {"wanted": delegation.experts_wanted, "standing": standing}
        )
    assignments, errors, flags = [], [], []
    for expert_id in ids:
        expert = members[expert_id]
        try:
            # A savepoint per member: a refusal must not poison the transaction we report from.
            with transaction.atomic():
                assignments.append(
                    assignment_invite(
                        problem=delegation.problem,
                        expert=expert,
                        due_date=delegation.due_date,
                        by=by,
                        confirm_flags=confirm_flags,
                        delegation=delegation,
                    )
                )
        except FlagsNeedConfirmation as error:
            flags += [f"{expert.name}: {flag}" for flag in error.flags]
        except DomainError as error:
            errors.append(str(error))
    if errors:
        raise DomainError(" ".join(errors))
    if flags:
        raise FlagsNeedConfirmation(flags)
    if delegation.status == D.OPEN:
        delegation_transition(
            delegation,
            D.STAFFED,
            by=by,
            reason="、".join(members[pk].name for pk in ids),
        )
    return assignments


@transaction.atomic
def delegation_withdraw(delegation: Delegation, *, by: User, reason: str) -> Delegation:
    """Staff take the problem back from the society. Invitations its members haven't
    answered are withdrawn with it; accepted ones stand (staff withdraw them one by one
    if they must), since those experts are already at work."""
    if not rules.has_perm("experts.withdraw_delegation", by, delegation):
        raise DomainError(_("You may not withdraw this delegation."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give the reason; the society will see it."))
    delegation = delegation_transition(delegation, D.WITHDRAWN, by=by, reason=reason)
    pending = delegation.assignments.filter(status=Assignment.Status.INVITED)
    for assignment in pending.select_related("expert__user", "problem"):
        assignment_transition(assignment, Assignment.Status.WITHDRAWN, by=by, reason=reason)
        if assignment.expert.user_id:
            notify(
                assignment.expert.user,
                title=_("Assignment withdrawn: %s") % brief_title(assignment.problem),
                body=reason,
            )
    for admin in delegation.society.admins.filter(is_active=True):
        notify(
            admin,
            title=_("Delegation withdrawn: %s") % brief_title(delegation.problem),
            body=reason,
            url=reverse("experts:delegation_detail", args=[delegation.pk]),
        )
    return delegation
