"""Django settings. Every value comes from chiso.conf (environment variables with defaults)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from chiso import conf

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
    "chiso.units",
    "chiso.indicators",
    "chiso.values",
    "chiso.plans",
    "chiso.analytics",
    "chiso.collection",
    "chiso.accounts",
    "chiso.portal",
    "chiso.reports",
    "chiso.api",
    "chiso.demo",
    "chiso.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chiso.urls"

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

_database_url = conf.env_str("CHISO_DATABASE_URL").replace("$CHISO_DATA_DIR", str(DATA_DIR))
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
# SQLite: WAL lets readers read while a write is under way; IMMEDIATE takes the write lock at BEGIN (no
# lock upgrade that fails at once); a writer waits up to ``timeout`` seconds for the lock (the busy timeout,
# 5 s by default: an import held it longer and every other write answered 500). Temp tables (the importer's
# staging rows) live in memory and never lock the database file.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = conf.env_str("CHISO_LANGUAGE")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = conf.env_str("CHISO_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing; collectstatic fills it in production
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/nhap-lieu/dang-nhap/"  # ward officers are not staff: the admin login refuses them
