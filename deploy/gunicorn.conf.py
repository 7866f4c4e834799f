"""gunicorn settings for Lindung behind nginx (see docs/deploy.md)."""

import multiprocessing
import os

bind = os.environ.get("LINDUNG_BIND", "127.0.0.1:8000")
# Threaded workers (gthread): the app waits on the database; 2 per core plus one, 2 threads
# each, keeps both cores busy.
workers = int(os.environ.get("LINDUNG_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("LINDUNG_THREADS", "2"))
# A gthread worker otherwise accepts up to 1,000 connections and queues them behind its own
# busy threads while other workers sit idle; taking no more than it has threads leaves the
# rest in the listen queue for the next free worker (p95 halved under 50 busy connections,
# see docs/deploy.md). No keep-alive: nginx opens one upstream connection per request.
worker_connections = threads
keepalive = 0
timeout = 120  # large exports and report rendering
graceful_timeout = 30
# The app is imported once, before the workers fork: a recycled worker starts in milliseconds
# instead of importing Django and the app again (~2 s of a core each time, which under load
# held up the requests it was given first).
preload_app = True
# Recycle workers to bound memory growth; at 160 requests a second over 5 workers, 20,000 is
# a new worker every ~10 minutes instead of every minute.
max_requests = int(os.environ.get("LINDUNG_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "lindung.wsgi:application"
