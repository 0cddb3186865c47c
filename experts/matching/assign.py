"""Bulk assignment as a min-cost max-flow problem, over plain ids and scores (no ORM).

    source ──(k)──▶ problem ──(1, −score)──▶ expert ──(capacity)──▶ sink

A maximum flow is the largest number of (problem, expert) pairs that gives no problem more
than k experts, no expert more than their free capacity, and no pair twice; among those, the
minimum cost is the largest total score. OR-Tools' network simplex solves it exactly (not
greedily: a greedy pass would give the best expert to the first problem that wants them, and
leave a later problem, for which that expert was the only candidate, empty)."""

from collections.abc import Mapping, Sequence

# Costs are integers: scores count to a thousandth.
SCALE = 1000


def solve_assignment(
    candidates: Mapping[int, Sequence[tuple[int, float]]],
    capacity: Mapping[int, int],
    k: int,
    *,
    wanted: Mapping[int, int] | None = None,
) -> list[tuple[int, int]]:
    """The optimal set of (problem id, expert id) pairs, sorted.

    `candidates` maps each problem to its (expert id, score) candidates; `capacity` each
    expert to how many more problems they may take (an expert missing from it takes none);
    `k` is how many experts each problem wants, unless `wanted` says otherwise for a problem
    (one that already has invitations wants fewer). Maximises the number of pairs first, then
    the total score."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    nodes: dict[tuple[str, int], int] = {}

    def node(kind: str, pk: int) -> int:
        return nodes.setdefault((kind, pk), len(nodes) + 2)

    pairs: dict[int, tuple[int, int]] = {}  # arc index → (problem, expert)
    supply = 0
    for problem_id, choices in candidates.items():
        want = k if wanted is None else wanted.get(problem_id, k)
        best: dict[int, float] = {}
        for expert_id, score in choices:
            if capacity.get(expert_id, 0) > 0:
                best[expert_id] = max(score, best.get(expert_id, score))
        if want <= 0 or not best:
            continue
        want = min(want, len(best))
        supply += want
        flow.add_arc_with_capacity_and_unit_cost(source, node("p", problem_id), want, 0)
        for expert_id, score in best.items():
            arc = flow.add_arc_with_capacity_and_unit_cost(
                node("p", problem_id), node("e", expert_id), 1, -round(score * SCALE)
            )
            pairs[arc] = (problem_id, expert_id)
    if not pairs:
        return []
    for (kind, expert_id), expert_node in list(nodes.items()):
        if kind == "e":
            flow.add_arc_with_capacity_and_unit_cost(expert_node, sink, capacity[expert_id], 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return sorted(pair for arc, pair in pairs.items() if flow.flow(arc) > 0)
