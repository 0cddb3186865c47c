"""gunicorn settings for zhiku (deploy/systemd/zhiku-gunicorn.service). Workers: 2 × cores,
sync workers (the views are short; long work goes to Celery)."""

import multiprocessing
import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.getenv("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count())))
worker_class = "sync"
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then: a long-lived process that rendered many PDFs gives memory back.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
