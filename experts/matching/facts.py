"""Plain conflict facts read from the database, for the pure rules in `conflicts`."""

from collections import defaultdict
from collections.abc import Iterable

from accounts.models import User

from ..models import DeclaredConflict, Expert, ProblemConflict
from .conflicts import ExpertFacts, Organisation, ProblemFacts, hard_conflicts, likely_conflicts


def problem_facts(problem) -> ProblemFacts:
    return problems_facts([problem])[problem.pk]


def problems_facts(problems) -> dict[int, ProblemFacts]:
    """Facts of several problems (their enterprises loaded) in one query."""
    emails: dict[int, list[str]] = defaultdict(list)
    enterprise_ids = {problem.enterprise_id for problem in problems}
    for enterprise_id, email in User.objects.filter(enterprise_id__in=enterprise_ids).values_list(
        "enterprise_id", "email"
    ):
        emails[enterprise_id].append(email)
    result = {}
    for problem in problems:
        enterprise = problem.enterprise
        found = [enterprise.contact_email, *emails[enterprise.pk]]
        result[problem.pk] = ProblemFacts(
            id=problem.pk,
            enterprise=enterprise.name,
            credit_code=enterprise.credit_code or "",
            emails=tuple(email for email in dict.fromkeys(found) if email),
        )
    return result


def experts_facts(expert_ids: Iterable[int]) -> dict[int, ExpertFacts]:
    """Facts of many experts in three queries."""
    ids = list(expert_ids)
    declared: dict[int, list[Organisation]] = defaultdict(list)
    for expert_id, name, code in DeclaredConflict.objects.filter(expert_id__in=ids).values_list(
        "expert_id", "organisation", "credit_code"
    ):
        declared[expert_id].append(Organisation(name, code))
    on_problems: dict[int, set[int]] = defaultdict(set)
    for expert_id, problem_id in ProblemConflict.objects.filter(expert_id__in=ids).values_list(
        "expert_id", "problem_id"
    ):
        on_problems[expert_id].add(problem_id)
    return {
        pk: ExpertFacts(
            employer=employer,
            email=email,
            declared=tuple(declared[pk]),
            conflict_problems=frozenset(on_problems[pk]),
        )
        for pk, employer, email in Expert.objects.filter(pk__in=ids).values_list(
            "pk", "employer", "email"
        )
    }


def conflicts_between(expert: Expert, problem) -> tuple[list[str], list[str]]:
    """(hard conflicts, likely conflicts) of one expert on one problem."""
    facts = experts_facts([expert.pk])[expert.pk]
    about = problem_facts(problem)
    return hard_conflicts(facts, about), likely_conflicts(facts, about)
