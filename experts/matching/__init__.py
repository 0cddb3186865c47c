"""Matching experts and societies to problems.

`engine` ranks over plain records (pure functions and arrays, no ORM); `conflicts` holds the
conflict-of-interest rules over plain facts; `pool` reads both from the database and keeps
one index per process; this module is the API the views, commands and services use."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from problems.models import Problem

from ..models import Expert, Society
from .conflicts import hard_conflicts, likely_conflicts
from .engine import Ranked
from .facts import experts_facts, problems_facts
from .pool import pool_index, problem_record

__all__ = [
    "SocietySuggestion",
    "Suggestion",
    "candidates_for",
    "rank_among",
    "suggest_experts",
    "suggest_societies",
]


@dataclass
class Suggestion:
    expert_id: int
    expert_ref: str
    score: float
    reasons: list[str]
    flags: list[str]
    terms: list[str] = field(default_factory=list)
    disciplines: list[str] = field(default_factory=list)
    load: int = 0
    capacity: int = 0

    def as_dict(self) -> dict:
        return {
            "expert": self.expert_ref,
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "flags": self.flags,
        }


@dataclass
class SocietySuggestion:
    society_id: int
    society_ref: str
    score: float
    reasons: list[str]


def _explain(ranked: Ranked, expert, names, region_names, load, capacity) -> list[str]:
    reasons = []
    if ranked.terms:
        reasons.append(_("Matched terms: %s") % "、".join(ranked.terms))
    if ranked.disciplines:
        reasons.append(
            _("Disciplines: %s") % "、".join(names.get(c, c) for c in ranked.disciplines)
        )
    region = region_names.get(expert.region, expert.region)
    if ranked.same_region:
        reasons.append(_("Region: %s (same prefecture as the problem)") % region)
    elif region:
        reasons.append(_("Region: %s") % region)
    reasons.append(_("Current load: %(load)d of %(max)d") % {"load": load, "max": capacity})
    return reasons


def _rank(problems: Sequence[Problem], *, top: int, allowed=None) -> dict[int, list[Suggestion]]:
    """Rank for several problems at once: one index, and the conflict facts, loads and
    region names of all their candidates in a handful of queries."""
    from accounts.models import Region

    from ..services.assignments import expert_loads

    index = pool_index()
    about = problems_facts(problems)
    kept: dict[int, list[Ranked]] = {}
    facts: dict = {}
    pending = {p.pk: (problem_record(p), top * 2 + 10) for p in problems}
    while pending:
        ranked = {
            pk: index.rank(record, limit=limit, allowed=allowed)
            for pk, (record, limit) in pending.items()
        }
        new_ids = {index.experts[r.index].id for rows in ranked.values() for r in rows}
        facts.update(experts_facts(new_ids - facts.keys()))
        retry = {}
        for pk, rows in ranked.items():
            free = [
                r for r in rows if not hard_conflicts(facts[index.experts[r.index].id], about[pk])
            ]
            record, limit = pending[pk]
            if len(free) < top and len(rows) == limit:
                retry[pk] = (record, limit * 4)  # many conflicts: look further down
            kept[pk] = free[:top]
        pending = retry
    ids = {index.experts[r.index].id for rows in kept.values() for r in rows}
    loads = expert_loads(ids)
    limits = {
        pk: (most, accepting)
        for pk, most, accepting in Expert.objects.filter(pk__in=ids).values_list(
            "pk", "max_assignments", "accepting"
        )
    }
    region_codes = {index.experts[r.index].region for rows in kept.values() for r in rows}
    region_names = dict(Region.objects.filter(code__in=region_codes).values_list("code", "name"))
    names = index.taxonomy.names
    result = {}
    for pk, rows in kept.items():
        suggestions = []
        for r in rows:
            expert = index.experts[r.index]
            load = loads.get(expert.id, 0)
            most, accepting = limits.get(expert.id, (0, False))
            suggestions.append(
                Suggestion(
                    expert_id=expert.id,
                    expert_ref=expert.ref,
                    score=r.score,
                    reasons=_explain(r, expert, names, region_names, load, most),
                    flags=likely_conflicts(facts[expert.id], about[pk]),
                    terms=r.terms,
                    disciplines=[names.get(c, c) for c in r.disciplines],
                    load=load,
                    capacity=max(0, most - load) if accepting else 0,
                )
            )
        result[pk] = suggestions
    return result


def suggest_experts(
    problem: Problem, *, top: int = 20, expert_ids: Collection[int] | None = None
) -> list[Suggestion]:
    """The best experts for a problem, best first, each with reasons; experts with a hard
    conflict of interest are never included, likely conflicts carry `flags`."""
    return _rank([problem], top=top, allowed=expert_ids)[problem.pk]


def rank_among(problem: Problem, expert_ids: Collection[int]) -> dict[int, tuple[float, list]]:
    """Score and explain (matched terms, disciplines) the given experts for a problem, with no
    query beyond the index's freshness check: for pages that have the rest of the facts."""
    index = pool_index()
    names = index.taxonomy.names
    result = {}
    for r in index.rank(problem_record(problem), limit=max(len(expert_ids), 1), allowed=expert_ids):
        reasons = []
        if r.terms:
            reasons.append(_("Matched terms: %s") % "、".join(r.terms))
        if r.disciplines:
            reasons.append(_("Disciplines: %s") % "、".join(names.get(c, c) for c in r.disciplines))
        result[index.experts[r.index].id] = (r.score, reasons)
    return result


def candidates_for(problems: Sequence[Problem], *, per_problem: int = 30) -> dict:
    """Ranked candidates (conflicts excluded) of each problem, by problem pk."""
    return _rank(problems, top=per_problem)


def suggest_societies(problem: Problem, *, top: int = 10) -> list[SocietySuggestion]:
    """Societies whose disciplines fit the problem and whose members know the subject."""
    index = pool_index()
    names = index.taxonomy.names
    results = []
    for society, score, codes, members in index.rank_societies(problem_record(problem), top=top):
        reasons = []
        if codes:
            reasons.append(_("Disciplines: %s") % "、".join(names.get(c, c) for c in codes))
        if members:
            reasons.append(
                _("Members who match: %s")
                % "、".join(index.experts[index.position[m]].name for m in members)
            )
        results.append(SocietySuggestion(society.id, society.ref, score, reasons))
    return results


def society_objects(suggestions: list[SocietySuggestion]) -> dict[int, Society]:
    return Society.objects.in_bulk([s.society_id for s in suggestions])
