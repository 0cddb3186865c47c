"""Benchmark: importing a 100,000-expert XLSX, and the talent search over that pool.

1. Generates a realistic pool (bench/pool.py) as an XLSX file.
2. Baseline: openpyxl's read-only iteration over the same file (values only), in a fresh
   process.
3. `manage.py import_experts FILE` in a fresh process against an empty database (SQLite, and
   PostgreSQL when BENCH_DATABASE_URL or a server on 127.0.0.1:5432 is there): wall time as a
   ratio to the baseline, and the peak resident memory of the process.
4. Talent search over the imported pool: p50/p95 of free-text + discipline queries through the
   staff list page (ExpertFilter, page 1 with its count), and the query plan on PostgreSQL.

    make bench         # or: .venv/bin/python bench/talent_pool.py --experts 100000
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

BASELINE = """
import resource, sys, time
import openpyxl
start = time.perf_counter()
workbook = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
rows = 0
for row in workbook.worksheets[0].iter_rows(values_only=True):
    rows += 1
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

IMPORT = """
import os, resource, sys, time
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.core.management import call_command
start = time.perf_counter()
call_command("import_experts", sys.argv[1], "--no-progress")
elapsed = time.perf_counter() - start
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

QUERIES = [
    ("锂电池", "430"),
    ("膜下滴灌", "210"),
    ("煤化工", "530"),
    ("風電並網", ""),  # Traditional script
    ("石油 催化裂化", "530"),
    ("棉花", ""),
]


def pg_url() -> str | None:
    url = os.getenv("BENCH_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            return "postgres://postgres@127.0.0.1:5432/zhiku_bench_pool"
    except Exception:
        return None


def measure(database_url: str, xlsx: Path, baseline: float, args) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [PYTHON, "-c", IMPORT, str(xlsx)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    elapsed, rss_kb = result.stderr.strip().splitlines()[-1].split()
    elapsed, rss_mb = float(elapsed), int(rss_kb) / 1024
    vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    print(
        f"import {args.experts:,} experts, {vendor:10}: {elapsed:6.1f} s = "
        f"{elapsed / baseline:.2f}× the openpyxl baseline; peak RSS {rss_mb:,.0f} MiB"
    )
    result = subprocess.run(
        [PYTHON, __file__, "--search-only", "--repeat", str(args.repeat)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(result.stdout, end="")


def search_only(repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import RequestFactory

    from accounts.listing import filtered_page
    from accounts.models import Region, User
    from experts.filters import ExpertFilter
    from experts.rules import experts_visible_to

    staff = User(username="bench", role=User.Role.STAFF, region=Region.objects.get(code="650000"))
    factory = RequestFactory()
    total = connection.cursor()
    total.execute("SELECT count(*) FROM experts_expert")
    print(f"  search over {total.fetchone()[0]:,} experts ({connection.vendor}), {repeat} runs:")
    for text, discipline in QUERIES:
        params = {"q": text, **({"discipline": discipline} if discipline else {})}
        request = factory.get("/experts/", params)
        request.user = staff
        timings = []
        # One untimed run first: the first search of a process loads jieba's dictionary
        # (about 0.5 s), which is start-up cost, not the query's.
        for attempt in range(repeat + 1):
            start = time.perf_counter()
            context = filtered_page(
                request, ExpertFilter(params, queryset=experts_visible_to(staff))
            )
            page = context["page"]
            rows = list(page.object_list)
            count = page.paginator.count
            if attempt:
                timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"    q={text!r:14} discipline={discipline or '-':4} rows={count:6,} "
            f"p50 {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  (page {len(rows)})"
        )
    if connection.vendor == "postgresql":
        params = {"q": QUERIES[0][0], "discipline": QUERIES[0][1]}
        queryset = filtered_page(
            factory.get("/experts/", params),
            ExpertFilter(params, queryset=experts_visible_to(staff)),
        )["page"].paginator.object_list
        sql, sql_params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT COUNT(*) FROM (" + sql + ") t",
                sql_params,
            )
            print("  plan of the count for q=锂电池 discipline=430:")
            for (line,) in cursor.fetchall():
                print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if args.search_only:
        search_only(args.repeat)
        return

    sys.path.insert(0, str(ROOT))
    from bench.pool import EXPERT_HEADERS, generate_experts, write_xlsx
    from bench.stack import reset_database

    tmp = Path(tempfile.mkdtemp(prefix="zhiku-bench-pool-"))
    xlsx = tmp / "pool.xlsx"
    start = time.perf_counter()
    write_xlsx(xlsx, generate_experts(args.experts, seed=2026), EXPERT_HEADERS)
    print(
        f"generated {args.experts:,} experts in {time.perf_counter() - start:.1f} s "
        f"({xlsx.stat().st_size / 1e6:.1f} MB)"
    )
    result = subprocess.run(
        [PYTHON, "-c", BASELINE, str(xlsx)], capture_output=True, text=True, check=True
    )
    baseline, rows, baseline_rss = result.stdout.split()
    baseline = float(baseline)
    print(
        f"baseline: openpyxl read-only iteration over {int(rows):,} rows: {baseline:.1f} s, "
        f"peak RSS {int(baseline_rss) / 1024:,.0f} MiB"
    )
    measure(f"sqlite:///{tmp}/bench.sqlite3", xlsx, baseline, args)
    url = None if args.no_postgres else pg_url()
    if url:
        reset_database(url)
        try:
            measure(url, xlsx, baseline, args)
        finally:
            import psycopg

            name = url.rsplit("/", 1)[1]
            admin = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
