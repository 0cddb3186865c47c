#!/usr/bin/env bash
# `make prod-run`: the production stack on this machine, against its PostgreSQL and Redis:
# gunicorn (2 × cores workers, deploy/gunicorn.conf.py) with DEBUG off and whitenoise, a Celery
# worker and Celery beat. Plain HTTP on 127.0.0.1:8000 (no TLS here, so secure cookies and the
# HTTPS redirect are off). Ctrl-C stops all three.
#
#   PROD_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/zhiku_prod (created if missing)
#   PROD_BROKER_URL    default redis://127.0.0.1:6379/0
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

export DEBUG=false
export DATABASE_URL="${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zhiku_prod}"
export CELERY_BROKER_URL="${PROD_BROKER_URL:-redis://127.0.0.1:6379/0}"
export SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SECURE_COOKIES=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media-prod}"
export STATIC_ROOT="${STATIC_ROOT:-$PWD/staticfiles}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"

# The database, if the server does not have it yet.
$PY - "$DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(sys.argv[1])
name = url.path.lstrip("/")
server = urlunsplit(url._replace(path="/postgres"))
with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        print(f"created database {name}")
PY
$PY - "$CELERY_BROKER_URL" <<'PY'
import sys

import redis

redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
PY

$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py seed_demo

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --hostname="zhiku-prod-run@%h" &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --schedule="$MEDIA_ROOT/../celerybeat-schedule-prod-run" &
pids+=($!)
.venv/bin/gunicorn config.wsgi:application --config deploy/gunicorn.conf.py &
pids+=($!)
echo "zhiku (production settings) on http://$GUNICORN_BIND/ — Ctrl-C stops gunicorn, worker and beat"
wait -n "${pids[@]}"
