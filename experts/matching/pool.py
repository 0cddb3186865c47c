"""The matcher over the database: plain records read from the ORM, one index per process,
rebuilt when the talent pool changes."""

import csv
import threading
import time
from collections import defaultdict
from functools import lru_cache

from django.db.models import Count, Max

from problems.models import Problem

from ..models import Discipline, Expert, Society
from .analysis import DATA, Analyzer
from .engine import ExpertRecord, MatchIndex, ProblemRecord, SocietyRecord, Taxonomy

Membership = Society.members.through
AFFINITY_FILE = DATA / "industry_disciplines.csv"

_lock = threading.Lock()
_state: dict = {"version": None, "index": None, "built_in": 0.0}


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    names, parents = {}, {}
    for code, name, parent in Discipline.objects.values_list("code", "name", "parent_id"):
        names[code] = name
        parents[code] = parent
    affinity: dict[str, dict[str, float]] = defaultdict(dict)
    if AFFINITY_FILE.exists():
        with AFFINITY_FILE.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                industry, code = row["industry"].strip(), row["discipline"].strip()
                if code in names:
                    affinity[industry][code] = float(row.get("weight") or 1)
    return Taxonomy(names=names, parents=parents, industry_affinity=dict(affinity))


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    tax = taxonomy()
    words = []
    for name in tax.names.values():
        words.extend(part for part in name.replace("、", " ").split() if part)
    return Analyzer(tuple(words))


def pool_version() -> tuple:
    """Cheap fingerprint of everything the index is built from."""
    experts = Expert.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    societies = Society.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    members = Membership.objects.aggregate(n=Count("pk"), top=Max("pk"))
    expert_disciplines = Expert.disciplines.through.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return (
        tuple(experts.values()),
        tuple(societies.values()),
        tuple(members.values()),
        tuple(expert_disciplines.values()),
    )


def expert_records() -> list[ExpertRecord]:
    disciplines: dict[int, list[str]] = defaultdict(list)
    for expert_id, code in Expert.disciplines.through.objects.values_list(
        "expert_id", "discipline_id"
    ).order_by("expert_id", "discipline_id"):
        disciplines[expert_id].append(code)
    societies: dict[int, list[int]] = defaultdict(list)
    for expert_id, society_id in Membership.objects.values_list("expert_id", "society_id"):
        societies[expert_id].append(society_id)
    # Anonymised experts (their deletion request approved) are never candidates.
    rows = (
        Expert.objects.filter(anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "ref", "name", "employer", "title", "research_directions", "region_id")
    )
    return [
        ExpertRecord(
            id=pk,
            ref=ref,
            name=name,
            employer=employer,
            title=title,
            directions=directions,
            disciplines=tuple(disciplines[pk]),
            region=region or "",
            societies=tuple(societies[pk]),
        )
        for pk, ref, name, employer, title, directions, region in rows.iterator(chunk_size=5000)
    ]


def society_records() -> list[SocietyRecord]:
    disciplines: dict[int, list[str]] = defaultdict(list)
    for society_id, code in Society.disciplines.through.objects.values_list(
        "society_id", "discipline_id"
    ):
        disciplines[society_id].append(code)
    members: dict[int, list[int]] = defaultdict(list)
    for society_id, expert_id in Membership.objects.values_list("society_id", "expert_id"):
        members[society_id].append(expert_id)
    return [
        SocietyRecord(
            id=pk,
            ref=ref,
            name=name,
            description=description,
            disciplines=tuple(disciplines[pk]),
            members=tuple(members[pk]),
        )
        for pk, ref, name, description in Society.objects.order_by("pk").values_list(
            "pk", "ref", "name", "description"
        )
    ]


def pool_index() -> MatchIndex:
    """The index of the current pool, built on first use and whenever the pool changed."""
    version = pool_version()
    with _lock:
        if _state["version"] != version or _state["index"] is None:
            started = time.perf_counter()
            _state["index"] = MatchIndex(
                expert_records(), taxonomy(), analyzer(), society_records()
            )
            _state["version"] = version
            _state["built_in"] = time.perf_counter() - started
        return _state["index"]


def problem_record(problem: Problem) -> ProblemRecord:
    industry = problem.industry
    brief = getattr(problem, "brief", None)
    fields = {
        "title": problem.title,
        "bottleneck": problem.bottleneck,
        "expected_goal": problem.expected_goal,
        "indicators": problem.indicators,
        "background": problem.background,
        "industry": industry.name if industry else "",
    }
    if brief is not None:
        # The staff's restatement sharpens the question; it adds to the enterprise's words.
        fields["title"] = f"{problem.title}\n{brief.title}"
        fields["bottleneck"] = f"{problem.bottleneck}\n{brief.summary}"
    return ProblemRecord(
        id=problem.pk,
        ref=problem.ref or problem.number or str(problem.pk),
        fields={name: text for name, text in fields.items() if text},
        industry=problem.industry_id or "",
        region=problem.region_id or "",
    )


def problems_for_matching():
    """Every problem accepted into the pool and not closed."""
    return Problem.objects.filter(
        status__in=[Problem.Status.ACCEPTED, Problem.Status.CONFIDENTIALITY, Problem.Status.READY]
    )
