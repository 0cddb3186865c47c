"""Benchmark: the staff screening queue and the enterprise list at realistic volume.

Generates N problems (default 10,000) over 300 enterprises in a throw-away database (SQLite by
default, or BENCH_DATABASE_URL), then times the list pages through Django's test client, as the
autonomous-region staff (sees everything) and as a prefecture's staff (scoped), unfiltered,
filtered and free-text searched. Prints median and p95 milliseconds and the query count.

    make bench            # or: .venv/bin/python bench/problem_list.py --problems 10000
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--enterprises", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="zhiku-bench-")
    os.environ["DATABASE_URL"] = os.getenv("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    users = generate(args.problems, args.enterprises)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cases = [
        ("staff_xj", "/problems/"),
        ("staff_xj", "/problems/?status=screening&status=submitted&o=-submitted"),
        ("staff_xj", "/problems/?q=材料&page=3"),
        ("staff_tc", "/problems/"),
        ("staff_tc", "/problems/?category=material&industry=C"),
        ("staff_xj", "/problems/enterprises/"),
        ("staff_xj", "/"),
    ]
    print(
        f"{args.problems} problems, {args.enterprises} enterprises, "
        f"{connection.vendor}, {args.repeat} runs each"
    )
    print(f"{'user':10} {'url':62} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    client = Client()
    for username, url in cases:
        client.force_login(users[username])
        client.get(url)  # warm caches
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{username:10} {url:62} {statistics.median(timings):9.1f} {p95:7.1f} {len(queries):7d}"
        )


def generate(n_problems: int, n_enterprises: int) -> dict:
    from accounts.models import User

    generate_problems(n_problems, n_enterprises)
    return {
        "staff_xj": User.objects.create(username="staff_xj", role="staff", region_id="650000"),
        "staff_tc": User.objects.create(username="staff_tc", role="staff", region_id="654200"),
    }


def generate_problems(n_problems: int, n_enterprises: int) -> None:
    """n_problems in every state but draft over n_enterprises verified enterprises in random
    Xinjiang counties (numbers KBZ-2026-00001...; the same seed gives the same rows)."""
    import random

    from django.utils import timezone

    from accounts.models import Region
    from problems.models import Category, Enterprise, Industry, Problem
    from problems.validators import CHARSET, credit_code_check_char

    rng = random.Random(42)
    counties = list(Region.objects.filter(level=3).values_list("code", flat=True))
    industries = list(Industry.objects.filter(parent__isnull=False).values_list("code", flat=True))
    enterprises = []
    for i in range(n_enterprises):
        region = rng.choice(counties)
        body = "91" + region + "".join(rng.choice(CHARSET) for _ in range(9))
        enterprises.append(
            Enterprise(
                name=f"新疆测试企业{i:04d}有限公司",
                credit_code=body + credit_code_check_char(body),
                region_id=region,
                industry_id=rng.choice(industries),
                contact_name="联系人",
                contact_phone="13900000000",
                status=Enterprise.Status.VERIFIED,
            )
        )
    Enterprise.objects.bulk_create(enterprises, batch_size=500)
    enterprises = list(Enterprise.objects.all())
    statuses = [s for s in Problem.Status.values if s != Problem.Status.DRAFT]
    words = [
        "膜材料",
        "轴承",
        "传感器",
        "工业软件",
        "滴灌带",
        "催化剂",
        "检测仪器",
        "电池",
        "齿轮箱",
    ]
    now = timezone.now()
    problems = []
    for i in range(n_problems):
        enterprise = rng.choice(enterprises)
        problems.append(
            Problem(
                enterprise=enterprise,
                number=f"KBZ-2026-{i + 1:05d}",
                title=f"{rng.choice(words)}关键技术难题{i}",
                category=rng.choice(Category.values),
                industry_id=enterprise.industry_id,
                region_id=enterprise.region_id,
                bottleneck="依赖进口，国产材料寿命与稳定性不足。" * 5,
                expected_goal="实现国产化替代",
                status=rng.choice(statuses),
                submitted_at=now - timezone.timedelta(minutes=i),
            )
        )
    Problem.objects.bulk_create(problems, batch_size=1000)


if __name__ == "__main__":
    main()
