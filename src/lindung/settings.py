"""Lindung settings, driven by environment variables: every one is listed, with its default and
meaning, in docs/settings.md (a test keeps that table and the code in step). Tests run with
`lindung.settings_test`, which imports this module and changes only what tests need."""

import importlib.util
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("LINDUNG_HOME", Path.cwd()))
VAR_DIR = PROJECT_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-insecure-key-set-SECRET_KEY-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    # Refuse to run production without a real key instead of using a guessable default.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY wajib diisi bila DEBUG tidak aktif.")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# The regency this deployment serves; dashboards start here.
LINDUNG_REGENCY_CODE = os.environ.get("LINDUNG_REGENCY_CODE", "52.03")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lindung.core",
    "lindung.areas",
    "lindung.accounts",
    "lindung.audit",
    "lindung.workers",
    "lindung.enrollment",
    "lindung.imports",
    "lindung.funding",
    "lindung.outreach",
    "lindung.claims",
    "lindung.coverage",
    "lindung.tallies",
    "lindung.exchange",
    "lindung.api",
    # Above every domain app: home, worklists, personal-data pages, demo (docs: Layers).
    "lindung.site",
    # Serves Swagger UI's own files (JS, CSS, favicon) from our static files: /api/v1/docs works
    # on a network without internet, and no third-party CDN sees who reads the docs.
    "ninja",
    "lindung.national",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lindung.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lindung.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "lindung.core.figures.DataChangeMiddleware",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindung.core.context_processors.navigation",
                "lindung.core.context_processors.figures_note",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lindung.sqlite3'}"),
        # Kept open between requests: opening one (and, on SQLite, its PRAGMAs) cost 10% of
        # the CPU of a loaded server (py-spy, 50 connections on the 1M demo).
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL + immediate transactions: readers never block the single writer, and
    # writers fail fast instead of deadlocking on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
if os.environ.get("LINDUNG_TEST_DB_NAME") and "sqlite" not in DATABASES["default"]["ENGINE"]:
    # Lets parallel test runs on one PostgreSQL server use separate test databases.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["LINDUNG_TEST_DB_NAME"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lindung.accounts.backends.AreaModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: 5 failures per username+IP lock out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_CLIENT_IP_CALLABLE = "lindung.core.ratelimit.client_ip"
# Password spraying (one address trying many usernames): at most this many failed logins per
# address in 15 minutes, whatever the usernames; an office behind one address shares it.
LINDUNG_LOGIN_IP_RATE = os.environ.get("LINDUNG_LOGIN_IP_RATE", "30/15m")
# API limits (lindung.api.throttles): per user or token, and per address without credentials.
LINDUNG_API_USER_RATE = os.environ.get("LINDUNG_API_USER_RATE", "600/m")
LINDUNG_API_ANON_RATE = os.environ.get("LINDUNG_API_ANON_RATE", "30/m")
# Proxies in front of the app that append to X-Forwarded-For (nginx in docs/deploy.md): the
# client address is the entry the nearest proxy wrote. 0 = use the connection's address.
LINDUNG_PROXY_COUNT = int(
    os.environ.get(
        "LINDUNG_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY", True) and not DEBUG else "0"
    )
)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Two-step verification (authenticator app + recovery codes) for admin kabupaten and petugas
# BPJS: offered by default; set LINDUNG_REQUIRE_2FA=1 to send them to enrolment before any page.
LINDUNG_REQUIRE_2FA = env_bool("LINDUNG_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Lindung"

# Sessions are read from the shared cache and written through to the database: one query less
# on every page, and a cache flush or restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    # Production sits behind a TLS-terminating proxy (see docs/deploy.md); set these to 0 only
    # for loopback load tests.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One language until a complete English catalogue exists: no LocaleMiddleware, so a browser's
# Accept-Language never mixes Django's English strings into the Indonesian pages.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
# Off: a template variable is printed as is, so ids, years, codes and form values can never be
# grouped ("20.001", value="2.027"). Amounts and counts for people go through the explicit
# filters of lindung.core.templatetags.lindung (`angka`, `rupiah`, `persen`).
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
LINDUNG_MAX_UPLOAD_BYTES = int(os.environ.get("LINDUNG_MAX_UPLOAD_BYTES", 60 * 1024 * 1024))
# Address space of the child process that reads an uploaded spreadsheet or photo (core.sandbox).
LINDUNG_READER_MEMORY_MB = int(os.environ.get("LINDUNG_READER_MEMORY_MB", 4096))
# Uploaded lists and generated reports hold personal data: `lindung nightly` deletes the files
# of finished jobs this many days after their last change (the job records stay).
LINDUNG_FILE_RETENTION_DAYS = int(os.environ.get("LINDUNG_FILE_RETENTION_DAYS", 30))
# Largest outreach activity photo accepted (lindung.outreach.conf), before it is re-encoded.
LINDUNG_OUTREACH_PHOTO_MAX_BYTES = int(
    os.environ.get("LINDUNG_OUTREACH_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
)
# A stale worklist/home figure is served at once and recounted in a background thread
# (lindung.core.figures); off = recount within the request (tests, to read their own writes).
LINDUNG_FIGURES_BACKGROUND = env_bool("LINDUNG_FIGURES_BACKGROUND", True)
# Test switches of the allocation scenarios (lindung.funding.scenarios): run the optimiser within
# the request instead of the job queue, and let its errors propagate instead of being recorded.
LINDUNG_FUNDING_SYNC = False
LINDUNG_FUNDING_RAISE = False
# Background jobs (imports, reports, scenarios): empty = database queue for a running
# `lindung run_jobs`, else a web thread; e.g. redis://127.0.0.1:6379/0 = Redis lists consumed by
# `lindung run_jobs` (docs/deploy.md section 4).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Cached worklist and home-page figures (lindung.core.figures), shared by all server processes:
# Redis when configured, else files under var/cache (tests keep them in memory).
if REDIS_URL and importlib.util.find_spec("redis"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Abuse-limit counters (lindung.core.ratelimit) kept apart, so that culling a full figures cache
# never resets a limit.
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(Path(CACHES["default"]["LOCATION"]) / "ratelimit"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
else:
    CACHES["ratelimit"] = {
        **CACHES["default"],
        "LOCATION": CACHES["default"].get("LOCATION", "ratelimit"),
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
