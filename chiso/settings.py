"""Django settings. Every value comes from chiso.conf (environment variables with defaults)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from whitenoise.compress import Compressor

from chiso import conf
from chiso.web.logs import logging_config
from chiso.web.static import cache_for_a_year

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = conf.data_dir()

SECRET_KEY = conf.secret_key(DATA_DIR)
DEBUG = conf.env_bool("CHISO_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in conf.env_str("CHISO_ALLOWED_HOSTS").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API docs page from ninja's bundled files (without it: a CDN, which the CSP refuses)
    "axes",
    "csp",
    "chiso.web",
    "chiso.units",
    "chiso.indicators",
    "chiso.values",
    "chiso.totals",
    "chiso.plans",
    "chiso.analytics",
    "chiso.ranking",
    "chiso.collection",
    "chiso.accounts",
    "chiso.portal",
    "chiso.reports",
    "chiso.opendata",
    "chiso.exchange",
    "chiso.integration",
    "chiso.extraction",
    "chiso.registers",
    "chiso.teams",
    "chiso.api",
    "chiso.demo",
    "chiso.bench",
]

MIDDLEWARE = [
    "chiso.web.request_id.RequestIdMiddleware",
    "chiso.web.request_log.RequestLogMiddleware",  # one line per request: method, path, status, ms, request id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chiso.web.public_cache.PublicCacheMiddleware",  # anonymous public reads: a copy ≤ PUBLIC_CACHE_SECONDS old
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chiso.api.middleware.ApiMiddleware",  # /api/v1/: token write log, ETag and 304, JSON errors
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "chiso.urls"
CSRF_FAILURE_VIEW = "chiso.web.errors.csrf_failure"  # a form left open too long: the 403 page, in the layout

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

WSGI_APPLICATION = "chiso.wsgi.application"

# SQLite: WAL lets readers read while a write is under way; IMMEDIATE takes the write lock at BEGIN (no
# lock upgrade that fails at once); a writer waits up to ``timeout`` seconds for the lock (the busy timeout,
# 5 s by default: an import held it longer and every other write answered 500). Temp tables (the importer's
# staging rows) live in memory and never lock the database file.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
DATABASE_POOL = conf.env_int("CHISO_DATABASE_POOL")


def _database(url: str) -> dict[str, Any]:
    """One DATABASES entry: SQLite with the options above; PostgreSQL with a pool when CHISO_DATABASE_POOL > 0
    (psycopg_pool, one per server process; Django then wants CONN_MAX_AGE 0), else a connection kept 60 s."""
    database: dict[str, Any] = dict(dj_database_url.parse(url.replace("$CHISO_DATA_DIR", str(DATA_DIR)),
                                                          conn_max_age=60))
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["OPTIONS"] = dict(SQLITE_OPTIONS)
        database["CONN_MAX_AGE"] = 0
    elif DATABASE_POOL > 0:
        database["OPTIONS"] = {**database.get("OPTIONS", {}),
                               "pool": {"min_size": 1, "max_size": DATABASE_POOL, "timeout": 10}}
        database["CONN_MAX_AGE"] = 0
    return database


DATABASES = {"default": _database(conf.env_str("CHISO_DATABASE_URL"))}
# Read-only replicas (chiso/web/replicas.py): replica1, replica2, … In tests they mirror the primary.
for _number, _url in enumerate((u.strip() for u in conf.env_str("CHISO_DATABASE_REPLICA_URLS").split(",")), 1):
    if _url:
        DATABASES[f"replica{_number}"] = {**_database(_url), "TEST": {"MIRROR": "default"}}
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["chiso.web.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(2, "chiso.web.replicas.ReplicaMiddleware")  # before anything reads the database
REPLICA_PIN_SECONDS = conf.env_int("CHISO_REPLICA_PIN_SECONDS")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# The default cache holds the API's rate counts, per process; "public" the copies of anonymous public reads
# (chiso/web/public_cache.py): files every gunicorn worker shares, so a page is rendered once, not once a worker.
PUBLIC_CACHE_SECONDS = conf.env_int("CHISO_PUBLIC_CACHE_SECONDS")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public": {"BACKEND": "chiso.web.public_cache.FileCache", "LOCATION": str(conf.public_cache_dir(DATA_DIR)),
               "OPTIONS": {"MAX_ENTRIES": 2000}},
}

LANGUAGE_CODE = conf.env_str("CHISO_LANGUAGE")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = conf.env_str("CHISO_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing; collectstatic fills it in production
# Hashed names, gzip and brotli copies, a year's cache once `chiso collectstatic` (or `chiso serve`) ran; plain
# names from the apps' folders before that (tests, `make demo`). chiso/web/static.py.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "chiso.web.static.CompressedStaticFiles"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_ADD_HEADERS_FUNCTION = cache_for_a_year
# Not compressed: images and archives (WhiteNoise's list) and the API docs' source maps (11 MB only a
# browser's developer tools fetch: compressing them would make collectstatic three times slower).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the health check over plain HTTP from the machine itself

LOGIN_URL = "/nhap-lieu/dang-nhap/"  # ward officers are not staff: the admin login refuses them

# Files: the data folder is 0700 (conf.data_dir); the SQLite file, uploads, logs and the secret key 0600.
FILE_UPLOAD_PERMISSIONS = conf.PRIVATE_FILE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = conf.PRIVATE_DIR
# Stored files (ranking evidence, bang-chung/…) live in the data folder, never served as static media: a view
# checks who may read each one.
MEDIA_ROOT = DATA_DIR
EVIDENCE_FILE_MAX_BYTES = conf.env_int("CHISO_EVIDENCE_FILE_MAX_MB") * 1024 * 1024
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    if _sqlite_file.parent.is_dir():  # created 0600 before SQLite opens it; its -wal/-shm take the same mode
        conf.private_file(_sqlite_file)

# Login throttling (django-axes, chiso/accounts/throttle.py).
AUTHENTICATION_BACKENDS = [
    "chiso.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = conf.env_int("CHISO_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=conf.env_int("CHISO_LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chiso.accounts.throttle.lockout_response"

# HTTPS, cookies and the proxy in front (check --deploy is clean with the production settings in the README).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = conf.env_bool("CHISO_SECURE_COOKIES")
SECURE_SSL_REDIRECT = conf.env_bool("CHISO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = conf.env_int("CHISO_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = conf.env_bool("CHISO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = conf.env_bool("CHISO_HSTS_PRELOAD")
if conf.env_bool("CHISO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    AXES_CLIENT_IP_CALLABLE = "chiso.accounts.throttle.client_ip_behind_proxy"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline. Inline
# styles stay allowed: ECharts writes its tooltips as HTML with style attributes, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The log: standard error, and the file CHISO_LOG_FILE (inside the data folder unless absolute).
_log_file = conf.env_str("CHISO_LOG_FILE")
LOGGING = logging_config(conf.env_str("CHISO_LOG_LEVEL"), DATA_DIR / _log_file if _log_file else None)
