"""Benchmark: a bulk assignment of 3 experts to each of 1,000 problems from 10,000 experts.

1. Generates a throw-away database (SQLite, or BENCH_DATABASE_URL, which must exist and be
   empty): 10,000 experts imported with `import_experts` from a bench/pool.py spreadsheet
   (limits of 2 to 5 concurrent assignments, 5% not accepting, some already loaded), and
   1,000 problems ready for matching, the demo problems (problems/demo/data.py) spread over
   the demo enterprises.
2. Times `proposal_create` for all of them with k = 3, end to end: the commit queues the
   computation, which Celery (eager without a broker) runs at once: ranking the candidates of
   every problem (`candidates_for`, which builds the matcher's index first), their loads, the
   min-cost flow, the items written. Then once more with the index built (a recompute).
3. Checks the result (no expert over capacity, no problem over k) and times publishing it:
   3,000 invitations through `assignment_invite`, all or nothing.
4. Prints the figures and the peak resident memory of the process.

    .venv/bin/python bench/bulk_assign.py [--experts 10000] [--problems 1000] [--k 3]
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_database() -> None:
    tmp = tempfile.mkdtemp(prefix="zhiku-bench-assign-")
    os.environ["DATABASE_URL"] = os.getenv("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CELERY_BROKER_URL"] = ""  # tasks run inline: the computation is measured
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate_experts(n: int, rng: random.Random) -> None:
    from django.core.management import call_command

    from bench.pool import EXPERT_HEADERS, generate_experts, write_csv
    from experts.models import Expert

    path = Path(tempfile.mkdtemp(prefix="zhiku-bench-assign-")) / "pool.csv"
    write_csv(path, generate_experts(n, seed=2026), EXPERT_HEADERS)
    with open(os.devnull, "w") as quiet:
        call_command("import_experts", str(path), "--no-progress", stdout=quiet)
    experts = list(Expert.objects.only("pk"))
    for expert in experts:
        expert.max_assignments = rng.choice((2, 3, 3, 3, 5))
        expert.accepting = rng.random() > 0.05
    Expert.objects.bulk_update(experts, ["max_assignments", "accepting"], batch_size=1000)


def generate_problems(n: int, rng: random.Random) -> list:
    from django.utils import timezone

    from problems.demo.data import ENTERPRISES, PROBLEMS
    from problems.models import Enterprise, Problem
    from problems.validators import CHARSET, credit_code_check_char

    enterprises = {}
    for key, name, region, industry, contact, _status in ENTERPRISES:
        body = "91" + region + "".join(rng.choice(CHARSET) for _ in range(9))
        enterprises[key] = Enterprise.objects.create(
            name=name,
            credit_code=body + credit_code_check_char(body),
            region_id=region,
            industry_id=industry,
            contact_name=contact,
            contact_phone="13900000000",
            status=Enterprise.Status.VERIFIED,
        )
    now = timezone.now()
    problems = []
    for i in range(n):
        spec = PROBLEMS[i % len(PROBLEMS)]
        enterprise = enterprises.get(spec.enterprise) or rng.choice(list(enterprises.values()))
        problems.append(
            Problem(
                enterprise=enterprise,
                number=f"KBZ-2026-{i + 1:05d}",
                title=f"{spec.title}（{i // len(PROBLEMS) + 1}）",
                category=spec.category,
                industry_id=enterprise.industry_id,
                region_id=enterprise.region_id,
                background=spec.background,
                bottleneck=spec.bottleneck,
                indicators=spec.indicators,
                expected_goal=spec.goal,
                status=Problem.Status.READY,
                submitted_at=now,
            )
        )
    return Problem.objects.bulk_create(problems, batch_size=500)


def preload(rng: random.Random, share: float = 0.2) -> int:
    """Invitations already standing elsewhere: a fifth of the experts carry one."""
    import datetime

    from django.utils import timezone

    from experts.models import Assignment, Expert
    from problems.models import Problem

    other = Problem.objects.create(
        enterprise=Problem.objects.first().enterprise,
        title="既有评审任务",
        category="other",
        industry_id="C26",
        region_id="650100",
        bottleneck="—",
        status=Problem.Status.READY,
    )
    due = timezone.localdate() + datetime.timedelta(days=10)
    ids = list(Expert.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, int(len(ids) * share))
    Assignment.objects.bulk_create(
        [Assignment(problem=other, expert_id=pk, due_date=due) for pk in chosen], batch_size=1000
    )
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=10_000)
    parser.add_argument("--problems", type=int, default=1_000)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()

    setup_database()
    import datetime

    from django.db import connection
    from django.utils import timezone

    from accounts.models import Region, User
    from experts.models import Assignment, Expert, Proposal
    from experts.services.assignments import expert_loads
    from experts.services.proposals import proposal_create, proposal_publish, proposal_recompute
    from problems.models import Problem

    rng = random.Random(2026)
    started = time.perf_counter()
    generate_experts(args.experts, rng)
    problems = generate_problems(args.problems, rng)
    loaded = preload(rng)
    staff = User.objects.create(
        username="staff_xj", role=User.Role.STAFF, region=Region.objects.get(code="650000")
    )
    print(
        f"{Expert.objects.count():,} experts ({loaded:,} with an invitation already), "
        f"{len(problems):,} problems ready for matching, {connection.vendor}; "
        f"generated in {time.perf_counter() - started:.1f} s"
    )

    due = timezone.localdate() + datetime.timedelta(days=21)
    ready = Problem.objects.filter(pk__in=[p.pk for p in problems])
    started = time.perf_counter()
    proposal = proposal_create(label="bench", problems=ready, k=args.k, due_date=due, by=staff)
    cold = time.perf_counter() - started
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT, (proposal.status, proposal.error)
    report("proposal_create, index built on the way", cold, proposal)

    started = time.perf_counter()
    proposal = proposal_recompute(proposal, by=staff)
    warm = time.perf_counter() - started
    proposal.refresh_from_db()
    report("re-compute, index already built", warm, proposal)

    items = list(proposal.items.values_list("problem_id", "expert_id"))
    loads = expert_loads({e for _, e in items})
    limits = dict(Expert.objects.values_list("pk", "max_assignments"))
    per_expert = Counter(e for _, e in items)
    assert all(loads.get(e, 0) + n <= limits[e] for e, n in per_expert.items())
    assert max(Counter(p for p, _ in items).values()) <= args.k
    print("  checked: no expert over capacity, no problem over k")

    if not args.no_publish:
        proposal.items.exclude(flags=[]).update(flags_confirmed=True)
        started = time.perf_counter()
        published = proposal_publish(proposal, by=staff)
        elapsed = time.perf_counter() - started
        count = Assignment.objects.filter(proposal=proposal).count()
        assert count == len(published) == len(items)
        print(f"proposal_publish: {count:,} invitations in {elapsed:.1f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:,.0f} MiB")


def report(what: str, elapsed: float, proposal) -> None:
    stats = proposal.stats
    print(
        f"{what}: {elapsed:.1f} s end to end (computing {stats['seconds']:.1f} s, of which "
        f"the min-cost flow {stats['solver_seconds']:.2f} s); "
        f"{stats['assignments']:,} assignments, {stats['filled']:,} problems fully staffed, "
        f"{stats['short']:,} short; {stats['candidates']:,} candidates; "
        f"total score {stats['total_score']:,.1f}"
    )


if __name__ == "__main__":
    main()
