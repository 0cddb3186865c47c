"""experts.matching.assign.solve_assignment: optimal against brute force on small random
instances, never over an expert's capacity nor over k for a problem."""

import itertools
import random
from collections import Counter

import pytest

from experts.matching.assign import SCALE, solve_assignment


def objective(pairs, candidates) -> tuple[int, int]:
    """(number of pairs, total score in solver units): what the solver maximises, in order."""
    scores = {(p, e): round(s * SCALE) for p, choices in candidates.items() for e, s in choices}
    return len(pairs), sum(scores[pair] for pair in pairs)


def feasible(pairs, capacity, k, wanted=None) -> bool:
    wanted = wanted or {}
    per_problem = Counter(p for p, _ in pairs)
    per_expert = Counter(e for _, e in pairs)
    return (
        len(set(pairs)) == len(pairs)
        and all(n <= wanted.get(p, k) for p, n in per_problem.items())
        and all(n <= capacity.get(e, 0) for e, n in per_expert.items())
    )


def brute_force(candidates, capacity, k, wanted=None) -> tuple[int, int]:
    pairs = [(p, e) for p, choices in candidates.items() for e, _ in choices]
    best = (0, 0)
    for mask in itertools.product((False, True), repeat=len(pairs)):
        chosen = [pair for pair, keep in zip(pairs, mask, strict=True) if keep]
        if feasible(chosen, capacity, k, wanted):
            best = max(best, objective(chosen, candidates))
    return best


def random_instance(rng: random.Random):
    problems = range(1, rng.randint(1, 4) + 1)
    experts = range(100, 100 + rng.randint(1, 4))
    candidates = {}
    for problem in problems:
        chosen = rng.sample(list(experts), rng.randint(0, min(3, len(experts))))
        candidates[problem] = [(e, round(rng.uniform(0, 2), 4)) for e in chosen]
    capacity = {e: rng.randint(0, 2) for e in experts}
    return candidates, capacity, rng.randint(1, 3)


@pytest.mark.parametrize("seed", range(300))
def test_solver_is_optimal_against_brute_force(seed):
    candidates, capacity, k = random_instance(random.Random(seed))

    pairs = solve_assignment(candidates, capacity, k)

    assert feasible(pairs, capacity, k)
    assert objective(pairs, candidates) == brute_force(candidates, capacity, k)


@pytest.mark.parametrize("seed", range(100))
def test_solver_honours_what_each_problem_still_wants(seed):
    rng = random.Random(1000 + seed)
    candidates, capacity, k = random_instance(rng)
    wanted = {p: rng.randint(0, k) for p in candidates}

    pairs = solve_assignment(candidates, capacity, k, wanted=wanted)

    assert feasible(pairs, capacity, k, wanted)
    assert objective(pairs, candidates) == brute_force(candidates, capacity, k, wanted)


def test_more_assignments_beat_a_higher_total_score():
    # Expert 10 is the best for both problems but can take one; greedy would give them to
    # problem 1 and leave problem 2 (whose only candidate they are) empty.
    candidates = {1: [(10, 0.9), (11, 0.2)], 2: [(10, 0.5)]}

    assert solve_assignment(candidates, {10: 1, 11: 1}, k=1) == [(1, 11), (2, 10)]


def test_among_full_assignments_the_total_score_decides():
    candidates = {1: [(10, 0.9), (11, 0.8)], 2: [(10, 0.3), (11, 0.1)]}

    # 0.9 + 0.1 = 1.0 < 0.8 + 0.3 = 1.1
    assert solve_assignment(candidates, {10: 1, 11: 1}, k=1) == [(1, 11), (2, 10)]


def test_capacity_and_k_bound_a_large_instance():
    rng = random.Random(7)
    experts = list(range(1000, 1200))
    candidates = {p: [(e, rng.random()) for e in rng.sample(experts, 30)] for p in range(1, 301)}
    capacity = {e: rng.randint(0, 5) for e in experts}

    pairs = solve_assignment(candidates, capacity, k=3)

    assert feasible(pairs, capacity, 3)
    per_expert = Counter(e for _, e in pairs)
    assert all(per_expert[e] <= capacity[e] for e in experts)
    assert max(Counter(p for p, _ in pairs).values()) == 3


def test_duplicates_keep_the_better_score_and_nobody_without_capacity_is_chosen():
    candidates = {1: [(10, 0.1), (10, 0.9), (12, 5.0)], 2: []}

    assert solve_assignment(candidates, {10: 1, 12: 0}, k=2) == [(1, 10)]
    assert solve_assignment({}, {}, k=3) == []
