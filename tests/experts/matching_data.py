"""Data the matching page and bulk assignment tests share: a pool of experts on lithium-battery
cathode materials, problems of enterprise A (塔城甲化工有限公司) about them, and a proposal
computed the way the pages do it (the computation runs when the creating transaction commits).
"""

from experts.models import Expert, Proposal
from experts.services.proposals import proposal_create
from problems.models import Problem
from tests.experts.conftest import in_days
from tests.factories import ExpertFactory, ReadyProblemFactory, discipline

BATTERY = "锂离子电池正极材料\n高镍三元材料"
# The likely conflict of an expert employed by 塔城甲化工研究院 on enterprise A's problems.
FLAG = "employer 塔城甲化工研究院 shares the name 甲化 with the enterprise"


def battery_expert(ref: str, **kwargs) -> Expert:
    kwargs.setdefault("research_directions", BATTERY)
    kwargs.setdefault("disciplines", [discipline("430")])
    return ExpertFactory(ref=ref, name=f"专家{ref}", **kwargs)


def battery_problem(enterprise, **kwargs) -> Problem:
    return ReadyProblemFactory(
        enterprise=enterprise,
        title="锂电池高镍三元正极材料国产化",
        bottleneck="高镍三元正极材料循环寿命不足，依赖进口。",
        **kwargs,
    )


def computed(capture_on_commit, problems, *, by, k: int = 2, **kwargs) -> Proposal:
    """proposal_create and the computation its commit queues (Celery runs eagerly)."""
    with capture_on_commit(execute=True):
        proposal = proposal_create(
            label="第一批", problems=problems, k=k, due_date=in_days(21), by=by, **kwargs
        )
    proposal.refresh_from_db()
    return proposal


def items_of(proposal: Proposal) -> list[tuple[int, str]]:
    return sorted(proposal.items.values_list("problem_id", "expert__ref"))
