"""Settings of the 医保个账家庭共济 back office.

Environment: ``DATABASE_URL`` (else the embedded PostgreSQL in ``var/pgdata``),
``DJANGO_DEBUG`` (``1`` for development), ``DJANGO_SECRET_KEY`` (else one is made
once and kept in ``var/secret_key``), ``DJANGO_ALLOWED_HOSTS`` (comma-separated),
``YIBAO_HALL_NAME`` (printed on statements and receipts), ``YIBAO_PRINT_FONT`` and
``YIBAO_PRINT_FONT_BOLD`` (font files embedded in PDFs).
"""

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from yibao.database import database_from_url, embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YIBAO_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "yibao.apps.YibaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "transfers",
    "jobs",
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
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "yibao.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "yibao.wsgi.application"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": embedded_database(VAR_DIR / "pgdata")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded evidence scans are kept outside the web root and served only through
# a permission-checked view.
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "admin:login"
SESSION_COOKIE_AGE = 8 * 3600  # one working day at the counter

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# History pages only show (yibao/admin_history.py refuses their POST as well).
SIMPLE_HISTORY_REVERT_DISABLED = True

YIBAO_HALL_NAME = os.environ.get("YIBAO_HALL_NAME", "医疗保障服务大厅")

# The Chinese font embedded in every PDF, by file path (yibao/printing.py): Debian's
# fonts-noto-cjk, installed by bin/setup, so no PDF depends on the fonts of the
# machine that opens it.
YIBAO_PRINT_FONTS = {
    "regular": os.environ.get(
        "YIBAO_PRINT_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    ),
    "bold": os.environ.get(
        "YIBAO_PRINT_FONT_BOLD", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
    ),
}

# Background jobs (jobs/): tasks are rows in PostgreSQL, run by ``manage.py db_worker``
# which bin/serve starts beside gunicorn; no other server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A list export of more rows than this is made by a background job (yibao/export_jobs.py).
YIBAO_EXPORT_BACKGROUND_ROWS = 10_000
# An admin import of a file with more rows than this is previewed and written by
# background jobs (yibao/import_jobs.py); smaller files stay in the request.
YIBAO_IMPORT_BACKGROUND_ROWS = 2_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
