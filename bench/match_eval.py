"""Evaluate the expert matcher on a labelled set, beside a plain BM25 baseline.

Each set (bench/match_eval/, the one the matcher was tuned on, and bench/match_eval_holdout/,
built independently and never used for tuning) holds experts.csv and problems.csv in the import
formats and qrels.csv (problem,expert,grade,conflict). The script imports both files with
`import_experts` and `import_problems` into a scratch SQLite database, runs
`suggest_experts --all --top 10 --format json` as a user would, and scores it:

- nDCG@10 with gains 2^grade − 1; experts who work for the submitting enterprise
  (conflict=1) count as gain 0 — they must not be suggested at all — and are left out of
  the ideal ranking;
- P@5 with grade ≥ 2 as relevant;
- how many conflicted experts were suggested.

The baseline is rank_bm25's BM25Okapi over jieba tokens of the raw texts, no normalisation:
an expert's 工作单位, 职称, 学科领域 and 研究方向; a problem's 难题名称, 难题描述 and 期望目标.

    .venv/bin/python bench/match_eval.py [--set DIR ...] [--per-problem]
"""

import argparse
import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_qrels(path: Path) -> tuple[dict, dict]:
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    conflicts: dict[str, set[str]] = defaultdict(set)
    for row in read_csv(path):
        problem, expert = row["problem"].strip(), row["expert"].strip()
        grades[problem][expert] = int(row["grade"])
        if row.get("conflict", "0").strip() == "1":
            conflicts[problem].add(expert)
    return grades, conflicts


def ndcg(ranked: list[str], grades: dict[str, int], banned: set[str], k: int = 10) -> float:
    gain = {e: g for e, g in grades.items() if e not in banned}
    dcg = sum((2 ** gain.get(e, 0) - 1) / math.log2(i + 2) for i, e in enumerate(ranked[:k]))
    ideal = sorted(gain.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def precision(ranked: list[str], grades: dict[str, int], banned: set[str], k: int = 5) -> float:
    hits = sum(1 for e in ranked[:k] if e not in banned and grades.get(e, 0) >= 2)
    return hits / k


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def matcher_rankings(eval_dir: Path, top: int) -> dict[str, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/eval.sqlite3",
            "CELERY_BROKER_URL": "",
            "MEDIA_ROOT": f"{tmp}/media",
        }
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "import_experts", str(eval_dir / "experts.csv"), "--no-progress")
        manage(env, "import_problems", str(eval_dir / "problems.csv"), "--no-progress")
        out = manage(env, "suggest_experts", "--all", "--top", str(top), "--format", "json")
    payload = json.loads(out)
    return {ref: [row["expert"] for row in rows] for ref, rows in payload.items()}


def baseline_rankings(eval_dir: Path, top: int) -> dict[str, list[str]]:
    import jieba
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)
    experts = read_csv(eval_dir / "experts.csv")
    refs = [row["编号"] for row in experts]
    corpus = [
        jieba.lcut(" ".join(row.get(c, "") for c in ("工作单位", "职称", "学科领域", "研究方向")))
        for row in experts
    ]
    bm25 = BM25Okapi(corpus)
    rankings = {}
    for row in read_csv(eval_dir / "problems.csv"):
        text = " ".join(row.get(c, "") for c in ("难题名称", "难题描述", "期望目标"))
        scores = bm25.get_scores(jieba.lcut(text))
        order = sorted(range(len(refs)), key=lambda i: -scores[i])[:top]
        rankings[row["编号"]] = [refs[i] for i in order]
    return rankings


def evaluate(rankings: dict, grades: dict, conflicts: dict) -> dict:
    ndcgs, precisions, conflicted = [], [], 0
    per_problem = {}
    for problem, judged in grades.items():
        ranked = rankings.get(problem, [])
        banned = conflicts.get(problem, set())
        n, p = ndcg(ranked, judged, banned), precision(ranked, judged, banned)
        ndcgs.append(n)
        precisions.append(p)
        conflicted += sum(1 for e in ranked if e in banned)
        per_problem[problem] = n
    return {
        "ndcg@10": sum(ndcgs) / len(ndcgs),
        "p@5": sum(precisions) / len(precisions),
        "conflicted": conflicted,
        "per_problem": per_problem,
    }


SETS = ("match_eval", "match_eval_holdout")


def report(eval_dir: Path, per_problem: bool) -> str:
    grades, conflicts = read_qrels(eval_dir / "qrels.csv")
    ours = evaluate(matcher_rankings(eval_dir, 10), grades, conflicts)
    base = evaluate(baseline_rankings(eval_dir, 10), grades, conflicts)
    out = io.StringIO()
    out.write(f"set: {eval_dir.relative_to(ROOT)}  problems: {len(grades)}\n")
    out.write(f"{'':<24}{'nDCG@10':>9}{'P@5':>8}{'conflicted':>12}\n")
    for name, result in (("plain BM25 (rank_bm25)", base), ("zhiku matcher", ours)):
        out.write(
            f"{name:<24}{result['ndcg@10']:>9.3f}{result['p@5']:>8.3f}{result['conflicted']:>12}\n"
        )
    out.write(f"{'difference':<24}{ours['ndcg@10'] - base['ndcg@10']:>+9.3f}")
    out.write(f"{ours['p@5'] - base['p@5']:>+8.3f}\n")
    if per_problem:
        for problem in sorted(grades):
            b, o = base["per_problem"][problem], ours["per_problem"][problem]
            out.write(f"  {problem:<12} bm25 {b:.3f}  ours {o:.3f}  {o - b:+.3f}\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="a labelled set's folder (default: every set in bench/)",
    )
    parser.add_argument("--per-problem", action="store_true")
    args = parser.parse_args()
    sets = args.set or [ROOT / "bench" / name for name in SETS if (ROOT / "bench" / name).exists()]
    print("\n".join(report(path.resolve(), args.per_problem) for path in sets), end="")


if __name__ == "__main__":
    main()
