"""Settings for the 部门整体支出绩效自评 application.

One module, driven by the environment. Every value that differs between a laptop, CI and production comes from an
environment variable, read by a strict helper that fails loudly on a value it does not understand.
"""

import os
import tempfile
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only a local development server ever runs with this key.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "config.apps.AxesConfig",
    "csp",
    "evaluations",
    "budgets",
    "achievements",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Published PDFs, like static files, before the session and the rest (reports/middleware.py).
    "reports.middleware.PublishedFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.PrivatePagesMiddleware",
    # Last, as its documentation asks: it turns a locked-out sign-in into our Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: a SQLite file by default, PostgreSQL through DATABASE_URL
# ---------------------------------------------------------------------------
_env = environ.Env()
DATABASES = {
    "default": _env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
# Without health checks a restarted database gave every persistent connection one failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Concurrent writers (two browser tabs, the live test server) wait instead of failing at once.
            "timeout": 20,
            # A transaction that reads and then writes (select_for_update is a no-op on SQLite) takes the write
            # lock at BEGIN: with SQLite's default DEFERRED mode two such transactions deadlock on the upgrade from
            # read to write, and SQLite answers one of them "database is locked" at once, whatever the timeout.
            "transaction_mode": "IMMEDIATE",
            # WAL lets readers go on while one writer writes; NORMAL is safe with WAL (a power cut can lose the
            # last transactions, never corrupt the file).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # The test database is a file too: the concurrency tests (threads in a TransactionTestCase) need WAL and the busy
    # timeout, which an in-memory database (shared cache, table locks that fail at once) has neither of. One file
    # per test process (pytest-xdist adds the worker's suffix); the test runner deletes it at the end.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get(
        "SQLITE_TEST_NAME", str(Path(tempfile.gettempdir()) / f"lukou-test-{os.getpid()}.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins an account is locked, and so is the
# address they came from (each on its own: a guesser trying many accounts from one address and many addresses
# against one account are both stopped), until AXES_COOLOFF_MINUTES after the last failure. The admin's sign-in goes
# through the same backend. An administrator lifts a lock early in the admin (访问尝试 → delete) or with
# `manage.py axes_reset_username USERNAME` / `axes_reset_ip ADDRESS` / `axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out"
# Behind reverse proxies REMOTE_ADDR is the nearest proxy: with TRUSTED_PROXY_COUNT=N the client is the address the
# N-th proxy from us appended to X-Forwarded-For (config.lockout.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.lockout.client_address"
# Failed attempts are kept as AccessFailureLog rows too (the audit of who tried what, from where).
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# A signed-in session ends after SESSION_IDLE_MINUTES without a request: config.middleware.IdleSessionMiddleware
# moves the expiry on, at most every few minutes. (SESSION_SAVE_EVERY_REQUEST would do the same with a database
# write on every request.)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ---------------------------------------------------------------------------
# Language and time
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static and media files: everything is served from our own static/, never from a CDN
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Serving straight from the app directories means the app works without a collectstatic step; whitenoise still
# adds caching headers. Production may run collectstatic and turn this off.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
# STATIC_MANIFEST=true (after `manage.py collectstatic`): pages link content-hashed, compressed file names, which
# whitenoise serves with far-future cache headers. Off by default because the manifest only exists after
# collectstatic: without it every page would fail, and the tests, `make bench` and deployments that serve straight
# from static/ (as above) run with DEBUG off and no collectstatic step.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
# The PDF's faces (static/fonts/*.otf, `make fonts`) are read by WeasyPrint from disk, never sent to a browser:
# compressing their 15 MB with gzip and brotli made collectstatic take minutes.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "otf")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}

# Published PDFs: written once under a content-addressed name and never overwritten. The file system by default;
# PUBLICATIONS_STORAGE=s3 selects an S3-compatible store (MinIO, OSS, COS ...) configured by the variables below.
PUBLICATIONS_STORAGE = os.environ.get("PUBLICATIONS_STORAGE", "filesystem").strip().lower()
if PUBLICATIONS_STORAGE == "filesystem":
    STORAGES["publications"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(os.environ.get("PUBLICATIONS_ROOT", MEDIA_ROOT / "publications"))},
    }
elif PUBLICATIONS_STORAGE == "s3":
    STORAGES["publications"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PUBLICATIONS_S3_BUCKET"],
            "endpoint_url": os.environ.get("PUBLICATIONS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("PUBLICATIONS_S3_REGION") or None,
            "access_key": os.environ.get("PUBLICATIONS_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("PUBLICATIONS_S3_SECRET_KEY") or None,
            "location": os.environ.get("PUBLICATIONS_S3_PREFIX", "publications"),
            "default_acl": "private",
            # A published version must never be replaced by a later upload of the same name.
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"PUBLICATIONS_STORAGE must be filesystem or s3, not {PUBLICATIONS_STORAGE!r}")

# Uploaded workbooks (reports.excel.importer): the most their parts may unpack to, and how long reading may take.
EXCEL_MAX_UNCOMPRESSED_MB = env_int("EXCEL_MAX_UNCOMPRESSED_MB", 20)
EXCEL_READ_SECONDS = env_int("EXCEL_READ_SECONDS", 20)

# ---------------------------------------------------------------------------
# Forms
# ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ---------------------------------------------------------------------------
# E-mail: printed to the console unless a real backend is configured
# ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# Where the site is reached from outside: e-mails sent by a command (the campaign reminders) have no request to
# build absolute links from.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# Government publication metadata of each published version (reports.publication.publication_metadata): the 索引号
# pattern ({code}, {year}, {version}, {unit_id}) and the 主题分类 the portal shows.
PUBLICATION_INDEX_PATTERN = os.environ.get("PUBLICATION_INDEX_PATTERN", "{code}/{year}-{version:05d}")
PUBLICATION_TOPIC = os.environ.get("PUBLICATION_TOPIC", "财政、金融、审计/预算决算")
# Behind nginx: the portal answers a PDF download with X-Accel-Redirect to this internal location (which maps to
# PUBLICATIONS_ROOT, see deploy/nginx.conf) and nginx sends the file. Empty: Django streams it itself.
PUBLICATIONS_X_ACCEL_PREFIX = os.environ.get("PUBLICATIONS_X_ACCEL_PREFIX", "").rstrip("/")
# Who is told when a stored PDF fails its integrity check (mail_admins): "Name <address>" or addresses, by commas.
ADMINS = [getaddresses([item])[0] for item in env_list("ADMINS", [])]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# ---------------------------------------------------------------------------
# Background work (reports.tasks): publishing, draft previews, bulk exports, reminders
# ---------------------------------------------------------------------------
# A Celery worker takes them from Redis when CELERY_BROKER_URL is set (redis://127.0.0.1:6379/0). Without it they
# run in the process that asks, after its transaction commits: `make run` needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL", "").strip()
# In-process, no broker is ever contacted; "memory://" only keeps Celery from looking for one on localhost.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "memory://"
CELERY_TASK_IGNORE_RESULT = True
# Several deployments (or a benchmark) sharing one Redis keep apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Renders are memory-heavy (WeasyPrint): at most this many at once per worker, each taken only when one is free
# (no prefetching), and acknowledged after it ran, so a worker that dies hands its job to another.
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# For `celery -A config beat` where cron is not used (deploy/crontab does the same): the reminders in the morning,
# every stored PDF against its SHA-256 at night. Times in TIME_ZONE.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {"task": "reports.send_reminders", "schedule": crontab(hour=8, minute=0)},
    "verify-publications": {"task": "reports.verify_publications", "schedule": crontab(hour=2, minute=30)},
}
# A publish that fails for a transient reason (the store, the database) is tried again with a growing pause.
PUBLISH_MAX_ATTEMPTS = env_int("PUBLISH_MAX_ATTEMPTS", 3, minimum=1)
PUBLISH_RETRY_DELAY = env_int("PUBLISH_RETRY_DELAY", 5)

# ---------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# An expired form gets a Chinese page with a way back instead of Django's technical English one.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: on in production, off for a laptop with DEBUG. Behind a proxy that terminates TLS, SECURE_PROXY_SSL_HEADER
# trusts its X-Forwarded-Proto (only set it when the proxy always overwrites that header).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere. The publish confirmation page shows
# the PDF's first page in an <object>, hence object-src 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

# Counters and cached draft previews (reports.rendering.cached_preview_pdf). Memory of one process unless CACHE_URL
# names a shared cache (e.g. dbcache://django_cache after `manage.py createcachetable`, or redis://...): with
# several worker processes a shared cache makes the preview rate limit one limit instead of one per worker.
CACHES = {"default": _env.cache_url("CACHE_URL", default="locmemcache://")}
# Draft PDF previews a person may ask for per minute (each costs a WeasyPrint run of a few seconds).
PREVIEW_RATE_PER_MINUTE = env_int("PREVIEW_RATE_PER_MINUTE", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
