"""Benchmark: top-10 experts for a problem over a pool of 100,000, against rank_bm25.

1. Generates 100,000 experts (the generator of bench/pool.py: realistic names, employers,
   titles, GB/T 13745 disciplines, research directions, 5% in Traditional script).
2. Builds the matcher's index (experts.matching.engine.MatchIndex) and times it.
3. For each of the 60 demo problems, times `MatchIndex.rank(problem, limit=10)`: text
   analysis of the problem, BM25 over words and bigrams, the discipline profile and fit,
   the top 10 with their explanations. p50 and p95 over 5 rounds.
4. Baseline: rank_bm25's BM25Okapi.get_scores over jieba tokens of the same experts'
   raw texts, for the same problems (what a plain BM25 matcher costs per query).
5. Peak resident memory: after our index and queries, and after rank_bm25's as well.

    .venv/bin/python bench/matching.py [--experts 100000]
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def expert_records(n: int):
    from opencc import OpenCC

    from bench.pool import Disciplines, Regions
    from experts.matching.engine import ExpertRecord
    from problems.demo.talent import PersonGenerator, resolve_discipline

    s2t = OpenCC("s2t")
    disciplines, regions = Disciplines(), Regions()
    rng = random.Random(2026)
    people = PersonGenerator(rng, regions.counties)
    records = []
    for number in range(1, n + 1):
        person = people.person()
        directions = "\n".join(person.directions)
        employer = person.employer
        if rng.random() < 0.05:
            directions, employer = s2t.convert(directions), s2t.convert(employer)
        codes = [
            resolve_discipline(ref, disciplines.names, disciplines.children)
            for ref in person.disciplines
        ]
        records.append(
            ExpertRecord(
                id=number,
                ref=f"B{number:07d}",
                name=person.name,
                employer=employer,
                title=person.title,
                directions=directions,
                disciplines=tuple(dict.fromkeys(c for c in codes if c)),
                region=person.region,
            )
        )
    return records, disciplines


def problems():
    from experts.matching.engine import ProblemRecord
    from problems.demo.data import PROBLEMS

    return [
        ProblemRecord(
            id=i,
            ref=f"DEMO-{i:04d}",
            fields={
                "title": spec.title,
                "background": spec.background,
                "bottleneck": spec.bottleneck,
                "indicators": spec.indicators,
                "expected_goal": spec.goal,
            },
            industry="",
            region=("650100", "654200", "653100", "652300")[i % 4],
        )
        for i, spec in enumerate(PROBLEMS, 1)
    ]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from experts.matching.analysis import Analyzer
    from experts.matching.engine import MatchIndex, Taxonomy

    started = time.perf_counter()
    records, table = expert_records(args.experts)
    print(f"generated {len(records):,} experts in {time.perf_counter() - started:.1f} s")
    taxonomy = Taxonomy(names=table.names, parents=dict(table.parents))
    words = [p for name in table.names.values() for p in name.replace("、", " ").split()]
    analyzer = Analyzer(tuple(words))
    started = time.perf_counter()
    index = MatchIndex(records, taxonomy, analyzer)
    build = time.perf_counter() - started
    print(f"index built in {build:.1f} s")
    queries = problems()
    ours = []
    for _ in range(args.rounds):
        for problem in queries:
            analyzer._cache.clear()  # analysis of the problem is part of every query
            t = time.perf_counter()
            index.rank(problem, limit=10)
            ours.append(time.perf_counter() - t)

    ours_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)
    corpus = [
        jieba.lcut(
            f"{r.employer} {r.title} {' '.join(table.names.get(c, '') for c in r.disciplines)}"
            f" {r.directions}"
        )
        for r in records
    ]
    bm25 = BM25Okapi(corpus)
    base = []
    for problem in queries:
        tokens = jieba.lcut(" ".join(problem.fields.values()))
        t = time.perf_counter()
        bm25.get_scores(tokens)
        base.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p50, p95 = statistics.median(ours) * 1000, percentile(ours, 0.95) * 1000
    b50 = statistics.median(base) * 1000
    print(f"top-10 over {len(records):,} experts: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"rank_bm25 get_scores: p50 {b50:.0f} ms  → ours is {b50 / p50:.0f}× faster")
    print(f"peak RSS: {ours_rss:.0f} MiB with our index; {rss:.0f} MiB with rank_bm25's too")


if __name__ == "__main__":
    main()
