"""Settings of the test suite (pytest's DJANGO_SETTINGS_MODULE): production settings with the
few changes tests need, so that settings.py never has to guess whether it runs under pytest."""

import os

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
