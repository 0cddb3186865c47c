"""Data for the assignment workflow's panels on the problem page, so that the page (owned by
the problems app) needs only an `{% include %}`: staff see the assignments, brief and
delegations of a problem in their scope; its enterprise sees the opinions released to it.
Queries only; the decisions live in experts.rules and experts.services."""

import rules
from django import template
from django.db.models import Count, Q

from accounts.rules import is_enterprise_member

from ..models import Assignment, ProblemBrief
from ..services.assignments import MATCHING_STAGES, problem_matching_stage
from ..services.reviews import released_reviews

register = template.Library()


@register.simple_tag(takes_context=True)
def problem_workflow(context, problem) -> dict | None:
    """The staff panel's data, or None for whoever may not act on the problem's assignments."""
    user = context["request"].user
    if not rules.has_perm("experts.edit_brief", user, problem):
        return None
    assignments = list(
        problem.assignments.select_related(
            "expert", "suggested_expert", "delegation__society"
        ).order_by("-invited_at", "-pk")
    )
    standing = {a.expert_id for a in assignments if a.status in Assignment.ACTIVE_STATES}
    for assignment in assignments:
        assignment.may_invite_alternate = (
            assignment.status == Assignment.Status.DECLINED
            and assignment.suggested_expert_id is not None
            and assignment.suggested_expert_id not in standing
        )
    return {
        "assignments": assignments,
        "brief": ProblemBrief.objects.filter(problem=problem)
        .prefetch_related("released_attachments")
        .first(),
        "delegations": problem.delegations.select_related("society")
        .annotate(
            n_invited=Count(
                "assignments", filter=Q(assignments__status__in=Assignment.ACTIVE_STATES)
            )
        )
        .order_by("-created_at", "-pk"),
        "assignable": problem.status == problem.Status.READY,
        "n_opinions": sum(a.status == Assignment.Status.COMPLETED for a in assignments),
    }


@register.simple_tag(takes_context=True)
def matching_stage(context, problem) -> str:
    """The problem's stage with its experts, for staff of its region and its enterprise."""
    user = context["request"].user
    own = is_enterprise_member(user) and user.enterprise_id == problem.enterprise_id
    if not (own or rules.has_perm("experts.read_reviews", user, problem)):
        return ""
    stage = problem_matching_stage(problem)
    return MATCHING_STAGES[stage] if stage else ""


@register.simple_tag(takes_context=True)
def released_opinions(context, problem) -> list:
    """The opinions released to the enterprise, for its own members only."""
    user = context["request"].user
    if not (is_enterprise_member(user) and user.enterprise_id == problem.enterprise_id):
        return []
    return released_reviews(problem)
