"""The production stack on this machine, for the load test and the fault drills: a fresh
PostgreSQL database, the environment of a deployment (DEBUG off, whitenoise, secure settings
relaxed only for plain HTTP on loopback), logged-in sessions, and gunicorn, Celery worker and
beat processes started as deploy/systemd starts them."""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = ROOT / ".venv" / "bin"


def reset_database(url: str) -> None:
    """Drop and create the database named at the end of `url` (a PostgreSQL URL)."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def environment(database_url: str, work: Path, *, port: int, broker: str = "", **extra) -> dict:
    """A deployment's environment (deploy/env.example), on loopback without TLS."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "CELERY_BROKER_URL": broker,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env: dict, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=check, capture_output=True,
        text=True,
    )  # fmt: skip


def django_script(env: dict, code: str, *args: str) -> str:
    """Run `code` in a Django process of `env`; returns what it printed."""
    preamble = "import os, sys\nsys.path.insert(0, os.getcwd())\nimport django\ndjango.setup()\n"
    return subprocess.run(
        [PYTHON, "-c", preamble + code, *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


SESSIONS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User

for username in sys.argv[1:]:
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(username, session.session_key)
"""


def sessions(env: dict, *usernames: str) -> dict[str, str]:
    """{username: session key} of new logged-in sessions, made in the session store."""
    out = django_script(env, SESSIONS, *usernames)
    return dict(line.split(" ", 1) for line in out.splitlines())


class Processes:
    """The stack's processes, each in a session of its own (so a drill can kill one whole
    worker with its children), stopped together."""

    def __init__(self, env: dict, work: Path):
        self.env, self.work = env, work
        self.running: dict[str, subprocess.Popen] = {}
        self.logs = []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = (self.work / f"{name}.log").open("ab")
        self.logs.append(log)
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running[name] = process
        return process

    def gunicorn(self, *extra: str) -> subprocess.Popen:
        process = self.start(
            "gunicorn", str(BIN / "gunicorn"), "config.wsgi:application",
            "--config", str(ROOT / "deploy/gunicorn.conf.py"), "--access-logfile", "/dev/null",
            *extra,
        )  # fmt: skip
        wait_for(f"http://{self.env['GUNICORN_BIND']}/healthz")
        return process

    def worker(self, name: str = "worker", *extra: str) -> subprocess.Popen:
        return self.start(
            name, str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
            "--without-mingle", "--without-gossip", "--hostname", f"{name}@%h", *extra,
        )  # fmt: skip

    def beat(self) -> subprocess.Popen:
        return self.start(
            "beat", str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
            "--schedule", str(self.work / "celerybeat-schedule"),
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """SIGKILL to the process and all its children, as a machine crash or the OOM killer."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in self.running.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()
        for log in self.logs:
            log.close()


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
