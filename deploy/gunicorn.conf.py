"""gunicorn for the web process (systemd: deploy/lukou-web.service; Procfile: web). Requests never render a
published PDF (the Celery worker does), so a few sync workers per core suffice."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Django and WeasyPrint are imported once, before the fork: workers start warm and share those pages.
preload_app = True
# Draft previews still render in the request when no broker is configured; a generous timeout covers one.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then: WeasyPrint's caches only grow.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
