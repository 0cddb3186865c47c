"""Load test of the production stack: gunicorn (2 × cores sync workers, DEBUG off, whitenoise)
on PostgreSQL, driven by wrk from the same machine.

1. A fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/zhiku_load, dropped and created anew): migrations, the
   demo world (accounts, officials, issued reports), 10,000 more problems over 300 enterprises
   and 20,000 experts imported from a generated talent-pool CSV.
2. gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:--port; collectstatic first (hashed
   names, as in production).
3. Logged-in sessions for staff_xj (the whole region) and official_a, made in the session
   store; every URL is checked to answer 200 with its cookie before it is driven.
4. wrk, --duration seconds × --connections connections per URL, with a Lua script that tallies
   every response status: a trivial Django view (/healthz: one SELECT 1) as the baseline, the
   staff problem list (filtered, page 3), a problem detail, the official's report list.
   Prints requests/s, latency p50/p99, each as a ratio to the trivial view, and the count of
   non-2xx responses and socket errors (the goal: ≥ 30 % of the trivial view's throughput,
   0 errors, 0 non-2xx).

    make load             # or: .venv/bin/python bench/load.py [--duration 60] [--connections 32]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import (
    Processes,
    django_script,
    environment,
    manage,
    reset_database,
    sessions,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhiku_load"

STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\\n", status, count)) end
  io.write(string.format("p50 %d\\np99 %d\\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("errors %d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def prepare(env: dict, work: Path, args) -> None:
    started = time.perf_counter()
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo")
    django_script(env, GENERATE, str(args.problems))
    from bench.pool import EXPERT_HEADERS, generate_experts, write_csv

    pool = work / "experts.csv"
    write_csv(pool, generate_experts(args.experts, seed=7, ref_prefix="LOAD"), EXPERT_HEADERS)
    manage(env, "import_experts", str(pool), "--no-progress")
    # A production database has its statistics; a fresh bulk load has none yet.
    django_script(env, "from django.db import connection\nconnection.cursor().execute('ANALYZE')")
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)


GENERATE = """
from bench.problem_list import generate_problems
generate_problems(int(sys.argv[1]), 300)
"""

FACTS = """
from problems.models import Problem
from problems.rules import problems_visible_to
from accounts.models import User

staff = User.objects.get(username="staff_xj")
problem = problems_visible_to(staff).filter(number__startswith="KBZ-2026-0").order_by("pk")[500]
print("problem", problem.pk)
print("problems", Problem.objects.count())
"""


def wrk(url: str, cookie: str, args, script: Path) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            str(args.threads),
            "--connections",
            str(args.connections),
            "--duration",
            f"{args.duration}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            str(script),
            "--header",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.M)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": int(re.search(r"^p50 (\d+)$", out, re.M).group(1)) / 1000,
        "p99": int(re.search(r"^p99 (\d+)$", out, re.M).group(1)) / 1000,
        "requests": sum(statuses.values()),
        "non2xx": sum(n for s, n in statuses.items() if not 200 <= s < 300),
        "errors": int(re.search(r"^errors (\d+)$", out, re.M).group(1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--experts", type=int, default=20_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian package wrk; `make install` installs it as root).")

    database_url = os.getenv("BENCH_DATABASE_URL", DEFAULT_URL)
    work = Path(tempfile.mkdtemp(prefix="zhiku-load-"))
    env = environment(database_url, work, port=args.port)
    if not args.reuse:
        reset_database(database_url)
        prepare(env, work, args)
    manage(env, "collectstatic", "--no-input", "-v0")
    cookies = sessions(env, "staff_xj", "official_a")
    facts = dict(line.split(" ", 1) for line in django_script(env, FACTS).splitlines())
    base = f"http://127.0.0.1:{args.port}"
    cases = [
        ("trivial view (/healthz)", "/healthz", cookies["staff_xj"]),
        (
            "staff problem list",
            "/problems/?status=screening&status=accepted&o=-submitted&page=3",
            cookies["staff_xj"],
        ),
        ("problem detail", f"/problems/{facts['problem']}/", cookies["staff_xj"]),
        ("official report list", "/consult/reports/", cookies["official_a"]),
    ]
    script = work / "statuses.lua"
    script.write_text(STATUS_SCRIPT)
    stack = Processes(env, work)
    try:
        stack.gunicorn()
        for _label, path, cookie in cases:
            request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200 and response.url == base + path, (path, response.url)
        workers = 2 * os.cpu_count()
        print(
            f"{facts['problems']} problems, {args.experts:,}+ experts, PostgreSQL; gunicorn "
            f"{workers} workers; wrk {args.threads} threads × {args.connections} connections × "
            f"{args.duration} s per URL, logged in",
            flush=True,
        )
        print(
            f"{'page':26} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'requests':>9} {'non-2xx':>7} {'errors':>6}"
        )
        baseline = None
        for label, path, cookie in cases:
            result = wrk(base + path, cookie, args, script)
            baseline = baseline or result["rps"]
            print(
                f"{label:26} {result['rps']:8.1f} {result['rps'] / baseline:6.2f} "
                f"{result['p50']:7.1f} {result['p99']:7.1f} {result['requests']:9d} "
                f"{result['non2xx']:7d} {result['errors']:6d}",
                flush=True,
            )
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
