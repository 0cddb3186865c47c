# One command per chore. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
DEB_PACKAGES := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 poppler-utils gettext chromium wrk
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages run test lint fmt migrate seed messages bench eval clean prod-check prod-run load drill audit crawl

install: system-packages $(STAMP)

# Debian packages: installed when we are root, otherwise named with the command to get them.
system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "NOTE: missing system packages:$$missing"; \
	    echo "      install them with: sudo apt-get install$$missing"; \
	    echo "      (PDF output needs the CJK fonts; browser tests need chromium; they are skipped without it)"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Known vulnerabilities in the installed packages (pip-audit), less the reasoned exceptions of
# deploy/pip-audit-ignore.txt. Fails on a finding; when the vulnerability service cannot be
# reached it says NO AUDIT WAS DONE and fails too, unless AUDIT_UNREACHABLE_OK=1 (CI).
audit: install
	$(BIN)/python deploy/pip_audit.py

# Regenerate the translation catalogues after changing user-facing strings; the compiled .mo
# files are committed so a machine without gettext still shows Chinese.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles

bench: install
	$(BIN)/python bench/problem_list.py
	$(BIN)/python bench/talent_pool.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/bulk_assign.py
	$(BIN)/python bench/match_eval.py
	$(BIN)/python bench/report_pdf.py

# The matcher's quality on the labelled set in bench/match_eval/, beside plain BM25.
eval: install
	$(BIN)/python bench/match_eval.py --per-problem

# Production settings checked as the deployment will run them: Django's deploy checks with every
# warning an error, no model change without its migration, and a collectstatic dry run.
# PROD_ENV is the environment file (deploy/env.example by default); with its SECRET_KEY empty
# a throw-away key is used for the check only. Model changes are compared with the migration
# files alone (no database needed); `migrate` checks the history against the real one.
PROD_ENV ?= deploy/env.example
prod-check: install
	@set -o pipefail; set -a; . "$(abspath $(PROD_ENV))"; set +a; \
	if [ -z "$$SECRET_KEY" ]; then SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; fi; \
	export SECRET_KEY STATIC_ROOT="$$(mktemp -d)"; \
	echo "== manage.py check --deploy --fail-level WARNING ($(PROD_ENV))"; \
	$(BIN)/python manage.py check --deploy --fail-level WARNING && \
	echo "== makemigrations --check" && \
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run && \
	echo "== collectstatic --dry-run" && \
	$(BIN)/python manage.py collectstatic --dry-run --no-input | tail -1; \
	status=$$?; rm -rf "$$STATIC_ROOT"; exit $$status

# The production stack locally: gunicorn + Celery worker + beat, DEBUG off, against this machine's
# PostgreSQL and Redis (deploy/prod-run.sh says which and how to change them).
prod-run: install
	bash deploy/prod-run.sh

# The load test of the production stack (gunicorn + PostgreSQL, wrk from this machine, logged
# in; 10,000 problems and 20,000 experts): bench/load.py, figures in bench/README.md.
load: install
	$(BIN)/python bench/load.py

# Fault drills: a worker killed mid-render, PostgreSQL restarted under requests, Redis stopped,
# an import killed mid-write; each ends with a consistency check (bench/drill.py). It stops and
# starts this machine's PostgreSQL and Redis: never on a machine that serves anything else.
drill: install
	$(BIN)/python bench/drill.py

# The black-box crawl of a running server with the demo data (`make run` in another terminal):
# every demo account logs in, follows its links, then requests the pages the others reached
# (tests/security/crawler.py); exits 1 on a page an account should not see or a 5xx.
# CRAWL_ARGS passes options, e.g. CRAWL_ARGS=--verbose or --policy (same DATABASE_URL).
CRAWL_BASE ?= http://$(HOST):$(PORT)
DEMO_ACCOUNTS := admin staff_xj staff_tc staff_ks ent_a ent_b expert_a expert_b society_a \
	official_a official_b official_c
crawl: install
	$(BIN)/python -m tests.security.crawler --base $(CRAWL_BASE) --password zhiku-demo-2026 \
	  $(CRAWL_ARGS) $(DEMO_ACCOUNTS)
