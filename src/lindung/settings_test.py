"""Settings of the test suite (pytest's DJANGO_SETTINGS_MODULE): production settings with the
few changes tests need, so that settings.py never has to guess whether it runs under pytest."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# A test run needs no real key, whatever DEBUG says; set before settings.py refuses to start.
os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")

from lindung.settings import *  # noqa: E402, F403

# The test client speaks plain HTTP: no HTTPS redirect, cookies sent without TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False

# Figures and abuse-limit counters in memory: each test process (and each pytest-xdist worker)
# has its own, cleared before every test by src/lindung/conftest.py.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
    },
}

# Each test process (each pytest-xdist worker) writes uploads, reports and job heartbeats to its
# own folder, so a `run_jobs` heartbeat in one worker never makes another see a live worker; the
# same for the file cache of `lindung` subprocesses (they read CACHE_DIR with lindung.settings).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix=f"lindung-media-{_WORKER}-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
if os.environ.get("CACHE_DIR"):
    os.environ["CACHE_DIR"] = str(Path(os.environ["CACHE_DIR"]) / _WORKER)
else:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix=f"lindung-cache-{_WORKER}-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], ignore_errors=True)
