"""Settings for the 部门整体支出绩效自评 application.

One module, driven by the environment. Every value that differs between a laptop, CI and production comes from an
environment variable, read by a strict helper that fails loudly on a value it does not understand.
"""

import os
from pathlib import Path

import environ
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
    "evaluations",
    "budgets",
    "achievements",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))
# Without health checks a restarted database gave every persistent connection one failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers (two browser tabs, the live test server) wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
