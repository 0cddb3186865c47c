"""Who may see and do what with enterprises, campaigns and problems.

Querysets are scoped here too, so list pages and detail pages always agree: an object that a
user may not see answers 404; an action the user may not take on a visible object answers 403.
"""

import rules
from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.rules import is_cast_staff, is_enterprise_member, is_platform_admin

from .models import Campaign, Enterprise, Problem


def _region_q(user: User, field: str) -> Q | None:
    """Q for objects whose `field` (a Region FK) is within the user's scope; None = nothing."""
    prefix = user.scope_prefix() if user.is_authenticated else None
    if prefix is None:
        return None
    return Q() if prefix == "" else Q(**{f"{field}__startswith": prefix})


def problems_visible_to(user: User) -> QuerySet[Problem]:
    problems = Problem.objects.all()
    if not user.is_authenticated:
        return problems.none()
    if user.role == User.Role.ENTERPRISE and user.enterprise_id:
        return problems.filter(enterprise_id=user.enterprise_id)
    scope = _region_q(user, "region__code")
    if scope is None:
        return problems.none()
    # Drafts belong to the enterprise until it submits them.
    return problems.filter(scope).exclude(status=Problem.Status.DRAFT)


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.all()
    if not user.is_authenticated:
        return enterprises.none()
    if user.role == User.Role.ENTERPRISE and user.enterprise_id:
        return enterprises.filter(pk=user.enterprise_id)
    scope = _region_q(user, "region__code")
    return enterprises.none() if scope is None else enterprises.filter(scope)


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Staff see campaigns issued in their scope and those issued above them (their
    enterprises take part); enterprises see published campaigns open to their region."""
    campaigns = Campaign.objects.all()
    if not user.is_authenticated:
        return campaigns.none()
    if user.role == User.Role.ENTERPRISE and user.enterprise_id:
        code = user.enterprise.region_id
        return campaigns.filter(
            status__in=[Campaign.Status.PUBLISHED, Campaign.Status.CLOSED]
        ).filter(Q(region_id=settings.ROOT_REGION_CODE) | Q(region_id__in=_ancestor_codes(code)))
    prefix = user.scope_prefix()
    if prefix is None:
        return campaigns.none()
    if prefix == "":
        return campaigns
    return campaigns.filter(
        Q(region__code__startswith=prefix) | Q(region_id__in=_ancestor_codes(user.region_id))
    )


def _ancestor_codes(code: str) -> list[str]:
    """650000, 654200 and 654201 for 654201: the region and every region that contains it."""
    return [code[:2] + "0000", code[:4] + "00", code]


@rules.predicate
def is_own_problem(user, problem) -> bool:
    return bool(user.enterprise_id) and user.enterprise_id == problem.enterprise_id


@rules.predicate
def is_problem_in_scope(user, problem) -> bool:
    return problem.status != Problem.Status.DRAFT and user.in_scope(problem.region_id)


@rules.predicate
def is_editable(user, problem) -> bool:
    return problem.status in {Problem.Status.DRAFT, Problem.Status.RETURNED}


@rules.predicate
def is_own_enterprise_verified(user) -> bool:
    return bool(user.enterprise_id) and user.enterprise.is_verified


@rules.predicate
def is_enterprise_in_scope(user, enterprise) -> bool:
    return user.in_scope(enterprise.region_id)


@rules.predicate
def is_own_enterprise(user, enterprise) -> bool:
    return bool(user.enterprise_id) and user.enterprise_id == enterprise.pk


@rules.predicate
def is_campaign_in_scope(user, campaign) -> bool:
    return user.in_scope(campaign.region_id)


can_view_problem = ((is_cast_staff | is_platform_admin) & is_problem_in_scope) | (
    is_enterprise_member & is_own_problem
)

rules.add_perm("problems.view_problem", can_view_problem)
rules.add_perm("problems.add_problem", is_enterprise_member)
rules.add_perm("problems.change_problem", is_enterprise_member & is_own_problem & is_editable)
rules.add_perm("problems.screen_problem", (is_cast_staff | is_platform_admin) & is_problem_in_scope)
rules.add_perm("problems.list_problems", is_cast_staff | is_platform_admin)

rules.add_perm(
    "problems.view_enterprise",
    is_platform_admin | (is_cast_staff & is_enterprise_in_scope) | is_own_enterprise,
)
rules.add_perm(
    "problems.verify_enterprise", is_platform_admin | (is_cast_staff & is_enterprise_in_scope)
)
rules.add_perm("problems.list_enterprises", is_cast_staff | is_platform_admin)

# Campaigns concern the staff who run them and the enterprises who answer them.
rules.add_perm("problems.view_campaign", is_cast_staff | is_platform_admin | is_enterprise_member)
rules.add_perm("problems.add_campaign", is_cast_staff | is_platform_admin)
rules.add_perm(
    "problems.change_campaign", is_platform_admin | (is_cast_staff & is_campaign_in_scope)
)
