"""The talent pool is shared: every staff user may read it; staff edit and verify only the
experts and societies of their region; experts see and edit themselves; society admins see
and edit their society and read their members' profiles.

Querysets are scoped here too, so that list and detail pages agree: an expert or society out
of a user's reach answers 404; an action the user may not take on a visible one answers 403.
"""

import rules
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from accounts.rules import (
    is_cast_staff,
    is_expert,
    is_platform_admin,
    is_root_staff,
    is_society_admin,
)
from problems.rules import problems_visible_to

from .models import Assignment, Delegation, Expert, ReviewAttachment, Society

Membership = Society.members.through


def experts_visible_to(user: User) -> QuerySet[Expert]:
    if not user.is_authenticated:
        return Expert.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Expert.objects.all()
    if user.role == User.Role.SOCIETY_ADMIN:
        return Expert.objects.filter(
            Exists(Membership.objects.filter(expert=OuterRef("pk"), society__admins=user))
        )
    if user.role == User.Role.EXPERT:
        return Expert.objects.filter(user=user)
    return Expert.objects.none()


def societies_visible_to(user: User) -> QuerySet[Society]:
    if not user.is_authenticated:
        return Society.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Society.objects.all()
    return Society.objects.filter(admins=user)


@rules.predicate
def is_self(user, expert) -> bool:
    return expert is not None and expert.user_id is not None and expert.user_id == user.pk


@rules.predicate
def is_region_of(user, obj) -> bool:
    return obj is not None and user.in_scope(obj.region_id)


@rules.predicate
def is_change_in_region(user, change) -> bool:
    return change is not None and user.in_scope(change.expert.region_id)


@rules.predicate
def administers(user, society) -> bool:
    return society is not None and society.admins.filter(pk=user.pk).exists()


@rules.predicate
def administers_society_of(user, expert) -> bool:
    return (
        expert is not None
        and Membership.objects.filter(expert=expert, society__admins=user).exists()
    )


staff_of_region = is_platform_admin | (is_cast_staff & is_region_of)

rules.add_perm("experts.list_experts", is_platform_admin | is_cast_staff)
rules.add_perm(
    "experts.view_expert",
    is_platform_admin
    | is_cast_staff
    | (is_expert & is_self)
    | (is_society_admin & administers_society_of),
)
# Staff edit the record directly (name and employer included); the expert edits their own
# profile, but their name and employer changes wait for staff (experts.decide_change).
rules.add_perm("experts.change_expert", staff_of_region)
# Mobile and e-mail in full (个人信息保护法): for the expert and the staff who look after the
# expert's region (they verify and edit the record); masked for everyone else, on the page
# and in exports.
rules.add_perm("experts.view_contacts", (is_expert & is_self) | staff_of_region)
rules.add_perm("experts.verify_expert", staff_of_region)
rules.add_perm("experts.edit_own_profile", is_expert & is_self)
rules.add_perm("experts.manage_conflicts", is_expert & is_self)
rules.add_perm("experts.decide_change", is_platform_admin | (is_cast_staff & is_change_in_region))

rules.add_perm("experts.list_societies", is_platform_admin | is_cast_staff)
rules.add_perm(
    "experts.view_society", is_platform_admin | is_cast_staff | (is_society_admin & administers)
)
rules.add_perm("experts.change_society", staff_of_region | (is_society_admin & administers))
# A society's name and region are its identity towards the CAST; only staff change them.
rules.add_perm("experts.rename_society", staff_of_region)
rules.add_perm("experts.manage_members", staff_of_region | (is_society_admin & administers))


# --- matching and assignment ------------------------------------------------------------------
# Staff match and assign the problems of their region; the expert sees their own invitations.


@rules.predicate
def is_problem_of_region(user, problem) -> bool:
    return problem is not None and user.in_scope(problem.region_id)


rules.add_perm("experts.match_problem", is_platform_admin | (is_cast_staff & is_problem_of_region))
rules.add_perm("experts.manage_proposals", is_platform_admin | is_cast_staff)


# --- invitations, delegations and review opinions ---------------------------------------------
# Staff act on the assignments, delegations and opinions of problems in their region; the
# expert on their own invitations (and sees them only while they stand); a society's admins on
# the delegations to their society; the enterprise reads the opinions released to it.


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """Staff: the assignments of the problems in their scope; experts: their own (the detail
    page further requires the invitation to stand, experts.view_assignment)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Assignment.objects.filter(problem__in=problems_visible_to(user))
    if user.role == User.Role.EXPERT:
        return Assignment.objects.filter(expert__user=user)
    return Assignment.objects.none()


def delegations_visible_to(user: User) -> QuerySet[Delegation]:
    if not user.is_authenticated:
        return Delegation.objects.none()
    if user.is_platform_admin or user.is_cast_staff:
        return Delegation.objects.filter(problem__in=problems_visible_to(user))
    if user.role == User.Role.SOCIETY_ADMIN:
        return Delegation.objects.filter(society__admins=user)
    return Delegation.objects.none()


def review_attachments_visible_to(user: User) -> QuerySet[ReviewAttachment]:
    """The expert who wrote the opinion, staff in scope, and the enterprise once released."""
    attachments = ReviewAttachment.objects.all()
    if not user.is_authenticated:
        return attachments.none()
    if user.is_platform_admin or user.is_cast_staff:
        return attachments.filter(review__assignment__problem__in=problems_visible_to(user))
    if user.role == User.Role.EXPERT:
        return attachments.filter(review__assignment__expert__user=user)
    if user.role == User.Role.ENTERPRISE and user.enterprise_id:
        return attachments.filter(
            review__released_at__isnull=False,
            review__assignment__problem__enterprise_id=user.enterprise_id,
        )
    return attachments.none()


@rules.predicate
def is_invited_expert(user, assignment) -> bool:
    return assignment is not None and assignment.expert.user_id == user.pk


@rules.predicate
def is_standing(user, assignment) -> bool:
    return assignment is not None and assignment.status in Assignment.ACTIVE_STATES


@rules.predicate
def is_assignment_of_region(user, assignment) -> bool:
    return assignment is not None and user.in_scope(assignment.problem.region_id)


@rules.predicate
def is_delegation_of_region(user, delegation) -> bool:
    return delegation is not None and user.in_scope(delegation.problem.region_id)


@rules.predicate
def administers_delegation(user, delegation) -> bool:
    return delegation is not None and delegation.society.admins.filter(pk=user.pk).exists()


@rules.predicate
def is_review_of_region(user, review) -> bool:
    return review is not None and user.in_scope(review.assignment.problem.region_id)


staff_of_problem = is_platform_admin | (is_cast_staff & is_problem_of_region)
staff_of_assignment = is_platform_admin | (is_cast_staff & is_assignment_of_region)

rules.add_perm(
    "experts.view_assignment", staff_of_assignment | (is_expert & is_invited_expert & is_standing)
)
rules.add_perm("experts.respond_assignment", is_expert & is_invited_expert)
rules.add_perm("experts.write_review", is_expert & is_invited_expert)
rules.add_perm("experts.manage_assignment", staff_of_assignment)
rules.add_perm("experts.edit_brief", staff_of_problem)
rules.add_perm("experts.delegate_problem", staff_of_problem)
rules.add_perm("experts.read_reviews", staff_of_problem)
rules.add_perm("experts.release_review", is_platform_admin | (is_cast_staff & is_review_of_region))
rules.add_perm(
    "experts.view_delegation",
    is_platform_admin
    | (is_cast_staff & is_delegation_of_region)
    | (is_society_admin & administers_delegation),
)
# The society, not the CAST, picks its members: that is the point of delegating.
rules.add_perm("experts.staff_delegation", is_society_admin & administers_delegation)
rules.add_perm(
    "experts.withdraw_delegation", is_platform_admin | (is_cast_staff & is_delegation_of_region)
)


# --- personal data ----------------------------------------------------------------------------
# The expert downloads their own data and may ask for its deletion; the autonomous-region
# staff (and platform admins) decide deletion requests, which concern the whole platform.


rules.add_perm("experts.export_own_data", is_expert & is_self)
rules.add_perm("experts.request_deletion", is_expert & is_self)
rules.add_perm("experts.decide_deletion", is_platform_admin | is_root_staff)
