"""Fault drills on the production stack (`make drill`): each breaks one thing on purpose, then
checks that the system came back by itself and that its records are consistent.

1. worker   A Celery worker rendering report PDFs is killed (SIGKILL to the worker and its
            children, as the OOM killer would). A new worker is started; the task is delivered
            again after the visibility timeout and completes. Check: every issued report's
            current revision has its PDF, and there is exactly one file per rendered revision.
2. postgres PostgreSQL is stopped for a few seconds and started again while a client requests
            the staff problem list through gunicorn every 50 ms. Check: 503 (never 500) during
            the outage, 200 again after it, with the same gunicorn processes (no restart).
3. redis    Redis is stopped. Pages still answer; a web import (which needs a task) is accepted,
            the page says the background service is away and the task is stored. Redis is
            started again; without touching anything, the stored task is sent (Celery beat, every
            minute) and the worker checks the file. Check: the import job reaches "checked",
            nothing is left stored.
4. import   `manage.py import_experts` of 100,000 experts is killed in the middle. Check: not one
            expert of the file was written; a second run imports all of them.

Needs the machine's PostgreSQL (pg_ctlcluster) and Redis (127.0.0.1:6379) and root, since it
stops and starts them: run it on a test machine, never next to anything that uses them.

    make drill            # or: .venv/bin/python bench/drill.py [worker postgres redis import]
"""

import argparse
import http.cookiejar
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import Processes, django_script, environment, manage, reset_database, sessions

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhiku_drill"
REDIS_URL = "redis://127.0.0.1:6379/13"
PORT = 8124
# How this machine starts its Redis (the services of the test machines; see the README).
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def pg_cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True
    )


def redis_up() -> bool:
    return subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).returncode == 0


def wait_until(check, timeout: float, step: float = 0.5):
    """Poll `check` until it returns something true; returns (value, seconds waited)."""
    started = time.monotonic()
    while True:
        value = check()
        if value or time.monotonic() - started > timeout:
            return value, time.monotonic() - started
        time.sleep(step)


def verdict(ok: bool, text: str) -> bool:
    print(f"  {'PASS' if ok else 'FAIL'}: {text}", flush=True)
    return ok


# --- 1. a worker killed while rendering ------------------------------------------------------

PDF_STATE = """
from pathlib import Path
from django.conf import settings
from consult.models import Report
from consult.services.reports import current_revision

issued = Report.objects.filter(status="issued").order_by("pk")
revisions = [current_revision(report) for report in issued]
rendered = [r for r in revisions if r.pdf]
files = list(Path(settings.MEDIA_ROOT, "reports").glob("*/*.pdf"))  # not feedback/ scans
stored = {str(Path(settings.MEDIA_ROOT, r.pdf.name)) for r in rendered}
print(len(revisions), len(rendered), len(files),
      sum(1 for r in rendered if Path(settings.MEDIA_ROOT, r.pdf.name).is_file()),
      len([f for f in files if str(f) not in stored]))
print(" ".join(str(report.pk) for report in issued))
"""


CLEAR_PDFS = """
from consult.models import ReportRevision
for revision in ReportRevision.objects.exclude(pdf=""):
    revision.pdf.delete(save=False)
ReportRevision.objects.update(pdf="", pdf_key="", pdf_pages=None)
"""


def pdf_state(env) -> tuple[int, int, int, int, int, list[int]]:
    counts, ids = django_script(env, PDF_STATE).splitlines()
    return (*map(int, counts.split()), [int(pk) for pk in ids.split()])


def drill_worker(env, work) -> bool:
    print("1. worker killed while rendering report PDFs", flush=True)
    stack = Processes({**env, "CELERY_VISIBILITY_TIMEOUT": "15"}, work)
    try:
        django_script(env, CLEAR_PDFS)  # the demo's downloads rendered some already
        stack.worker("worker-1", "--concurrency=1")
        *_counts, ids = pdf_state(env)
        from celery import Celery

        client = Celery("drill", broker=env["CELERY_BROKER_URL"])
        client.send_task("consult.tasks.report_pdfs_task", args=[ids], queue=env["CELERY_QUEUE"])
        (total, rendered, *_rest), waited = wait_until(
            lambda: (state := pdf_state(env))[1] >= 1 and state, timeout=120, step=0.1
        )
        stack.kill("worker-1")
        total, rendered, *_rest = pdf_state(env)
        print(f"  killed the worker {waited:.1f} s in, with {rendered} of {total} PDFs rendered")
        started = time.monotonic()
        stack.worker("worker-2", "--concurrency=1")
        (state, _waited) = wait_until(
            lambda: (s := pdf_state(env))[1] == s[0] and s, timeout=300, step=1
        )
        total, rendered, files, present, orphans, _ids = state or pdf_state(env)
        print(f"  after the restart, all rendered in {time.monotonic() - started:.0f} s")
        client.close()
        return all(
            [
                verdict(rendered == total, f"{rendered}/{total} issued reports have their PDF"),
                verdict(present == rendered, f"{present} stored PDFs are on disk"),
                verdict(
                    files == rendered and orphans == 0,
                    f"{files} files for {rendered} revisions, {orphans} left over",
                ),
            ]
        )
    finally:
        stack.stop()


# --- 2. PostgreSQL restarted under requests ---------------------------------------------------


def drill_postgres(env, work) -> bool:
    print("2. PostgreSQL stopped and started again under requests", flush=True)
    cookie = sessions(env, "staff_xj")["staff_xj"]
    stack = Processes(env, work)
    timeline: list[tuple[float, str]] = []
    stop = threading.Event()
    url = f"http://127.0.0.1:{PORT}/problems/?status=accepted"

    def client() -> None:
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
        while not stop.is_set():
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    outcome = str(response.status)
            except urllib.error.HTTPError as error:
                outcome = str(error.code)
            except OSError as error:
                outcome = type(error).__name__
            timeline.append((time.monotonic(), outcome))
            time.sleep(0.05)

    try:
        server = stack.gunicorn()
        pids_before = worker_pids(server.pid)
        thread = threading.Thread(target=client)
        thread.start()
        time.sleep(3)
        down_at = time.monotonic()
        pg_cluster("stop")
        time.sleep(5)
        pg_cluster("start")
        up_at = time.monotonic()
        time.sleep(8)
        stop.set()
        thread.join()
        pids_after = worker_pids(server.pid)
    finally:
        stop.set()
        if not pg_up():
            pg_cluster("start")
        stack.stop()
    runs = [outcome for index, (_t, outcome) in enumerate(timeline)
            if index == 0 or timeline[index - 1][1] != outcome]  # fmt: skip
    unavailable = [t for t, o in timeline if o == "503"]
    after = [(t, o) for t, o in timeline if t > up_at]
    first_ok = next((t - up_at for t, o in after if o == "200"), None)
    print(
        f"  {len(timeline)} requests: {dict(Counter(o for _t, o in timeline))}; PostgreSQL down "
        f"for {up_at - down_at:.1f} s, 503 answered for "
        f"{(unavailable[-1] - unavailable[0]) if unavailable else 0:.1f} s"
    )
    return all(
        [
            verdict(runs == ["200", "503", "200"], f"answers in order: {' → '.join(runs)}"),
            verdict("500" not in runs, "no 500 at any time"),
            verdict(
                first_ok is not None and first_ok < 5,
                f"200 again {first_ok:.1f} s after PostgreSQL was back"
                if first_ok is not None
                else "never answered 200 again",
            ),
            verdict(pids_before == pids_after, "the same gunicorn workers throughout"),
        ]
    )


def pg_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


def worker_pids(master: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


# --- 3. Redis stopped -------------------------------------------------------------------------

IMPORT_STATE = """
from accounts.models import ImportJob, QueuedTask
job = ImportJob.objects.order_by("-pk").first()
print(job.status if job else "-", QueuedTask.objects.count())
"""


def import_state(env) -> tuple[str, int]:
    status, stored = django_script(env, IMPORT_STATE).split()
    return status, int(stored)


def post_import(base: str, cookie: str, csv_bytes: bytes) -> tuple[int, str]:
    """Upload a file on the staff import page as a browser does (session and CSRF cookies,
    the form's token), following the redirect to the job page with its messages."""
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0, "sessionid", cookie, None, False, "127.0.0.1", False, False, "/", True, False,
            None, False, None, None, {},
        )
    )  # fmt: skip
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/data/import/experts/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="drill.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + csv_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/data/import/experts/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with opener.open(request, timeout=60) as response:  # follows the redirect to the job
        return response.status, response.read().decode()


def drill_redis(env, work) -> bool:
    print("3. Redis stopped", flush=True)
    from bench.pool import EXPERT_HEADERS, generate_experts, write_csv

    csv_path = work / "redis-drill.csv"
    write_csv(csv_path, generate_experts(50, seed=11, ref_prefix="REDIS"), EXPERT_HEADERS)
    cookie = sessions(env, "staff_xj")["staff_xj"]
    base = f"http://127.0.0.1:{PORT}"
    stack = Processes(env, work)
    results = []
    try:
        stack.gunicorn()
        stack.worker("worker", "--concurrency=1")
        stack.beat()
        time.sleep(3)
        subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
        wait_until(lambda: not redis_up(), timeout=10)
        request = urllib.request.Request(
            f"{base}/problems/", headers={"Cookie": f"sessionid={cookie}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            results.append(verdict(response.status == 200, "the problem list answers 200"))
        started = time.monotonic()
        status, page = post_import(base, cookie, csv_path.read_bytes())
        seconds = time.monotonic() - started
        results.append(
            verdict(
                status == 200 and "后台服务暂时不可用" in page,
                f"the import was accepted in {seconds:.1f} s and the page says the service is away",
            )
        )
        job_status, stored = import_state(env)
        results.append(verdict((job_status, stored) == ("queued", 1), "the task is stored"))
        time.sleep(5)
        subprocess.run(REDIS_START, check=True, capture_output=True)
        (state, waited) = wait_until(
            lambda: (s := import_state(env))[0] == "checked" and s, timeout=180, step=1
        )
        job_status, stored = state or import_state(env)
        results.append(
            verdict(
                (job_status, stored) == ("checked", 0),
                f"{waited:.0f} s after Redis was back the import was checked, nothing stored",
            )
        )
    finally:
        if not redis_up():
            subprocess.run(REDIS_START, check=True, capture_output=True)
        stack.stop()
    return all(results)


# --- 4. an import killed in the middle ------------------------------------------------------

EXPERT_COUNT = """
from experts.models import Expert
print(Expert.objects.count(), Expert.objects.filter(ref__startswith="KILL").count())
"""


def drill_import(env, work) -> bool:
    print("4. an import of 100,000 experts killed in the middle", flush=True)
    from bench.pool import EXPERT_HEADERS, generate_experts, write_csv

    csv_path = work / "kill-drill.csv"
    write_csv(csv_path, generate_experts(100_000, seed=13, ref_prefix="KILL"), EXPERT_HEADERS)
    before, _ = map(int, django_script(env, EXPERT_COUNT).split())
    stack = Processes(env, work)
    process = stack.start(
        "import", sys.executable, "manage.py", "import_experts", str(csv_path), "--no-progress"
    )
    writing, waited = wait_until(lambda: copy_running(env["DATABASE_URL"]), 120, step=0.05)
    still_running = process.poll() is None
    stack.kill("import")
    after, written = map(int, django_script(env, EXPERT_COUNT).split())
    results = [
        verdict(
            bool(writing) and still_running,
            f"killed {waited:.1f} s in, while it was writing (a COPY into the database)",
        ),
        verdict(
            (after, written) == (before, 0),
            f"experts before {before}, after the kill {after}: nothing of the file written",
        ),
    ]
    stack.stop()
    started = time.monotonic()
    manage(env, "import_experts", str(csv_path), "--no-progress")
    again, written = map(int, django_script(env, EXPERT_COUNT).split())
    results.append(
        verdict(
            (again, written) == (before + 100_000, 100_000),
            f"run again: {written} imported in {time.monotonic() - started:.0f} s",
        )
    )
    return all(results)


def copy_running(database_url: str) -> bool:
    import psycopg

    server, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query ILIKE 'COPY%%'"
            " AND state = 'active'",
            [name],
        ).fetchone()
    return row[0] > 0


DRILLS = {
    "worker": drill_worker,
    "postgres": drill_postgres,
    "redis": drill_redis,
    "import": drill_import,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("drills", nargs="*", help=f"some of {', '.join(DRILLS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.drills) - set(DRILLS)
    if unknown:
        parser.error(f"no drill {', '.join(sorted(unknown))}; the drills: {', '.join(DRILLS)}")
    args.drills = args.drills or list(DRILLS)
    work = Path(tempfile.mkdtemp(prefix="zhiku-drill-"))
    env = environment(
        DATABASE_URL,
        work,
        port=PORT,
        broker=REDIS_URL,
        CELERY_QUEUE=f"zhiku-drill-{uuid.uuid4().hex[:6]}",
    )
    print(f"preparing {DATABASE_URL} (migrate, seed_demo) in {work}", flush=True)
    reset_database(DATABASE_URL)
    setup = {**env, "CELERY_BROKER_URL": ""}  # the demo world is made without a broker
    manage(setup, "migrate", "-v0")
    manage(setup, "seed_demo")
    manage(env, "collectstatic", "--no-input", "-v0")
    outcomes = {name: DRILLS[name](env, work) for name in args.drills}
    print("drills:", ", ".join(f"{n} {'passed' if ok else 'FAILED'}" for n, ok in outcomes.items()))
    sys.exit(0 if all(outcomes.values()) else 1)


if __name__ == "__main__":
    main()
