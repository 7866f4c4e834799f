"""gunicorn settings for Lindung behind nginx (see docs/deploy.md)."""

import multiprocessing
import os

bind = os.environ.get("LINDUNG_BIND", "127.0.0.1:8000")
# Sync workers: the app is database-bound; 2 per core plus one keeps both cores busy.
workers = int(os.environ.get("LINDUNG_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("LINDUNG_THREADS", "2"))
timeout = 120  # large exports and report rendering
graceful_timeout = 30
max_requests = 2000  # recycle workers to bound memory growth
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "lindung.wsgi:application"
