"""Settings of the 医保个账家庭共济 back office.

Environment: ``DATABASE_URL`` (the application role; else the embedded PostgreSQL
in ``var/pgdata``), ``DATABASE_OWNER_URL`` (the owner of the tables, for migrate;
``YIBAO_DATABASE_ROLE=owner`` makes any process connect as it),
``DATABASE_REPLICA_URL`` (a streaming read replica for reports, exports, statements),
``DJANGO_DEBUG`` (``1`` for development), ``DJANGO_SECRET_KEY`` (else one is made
once and kept in ``var/secret_key``), ``DJANGO_ALLOWED_HOSTS`` (comma-separated),
``YIBAO_HALL_NAME`` (printed on statements and receipts), ``YIBAO_PRINT_FONT`` and
``YIBAO_PRINT_FONT_BOLD`` (font files embedded in PDFs). Deployment over HTTPS
(README): ``DJANGO_HTTPS=1``, ``DJANGO_PROXY_SSL_HEADER`` (the header by which a
TLS-terminating proxy says the request came by HTTPS), ``DJANGO_HSTS_SECONDS``,
``DJANGO_CSRF_TRUSTED_ORIGINS``. Sign-in: ``YIBAO_IDLE_MINUTES``,
``YIBAO_LOGIN_FAILURES``, ``YIBAO_LOGIN_LOCK_MINUTES``. Credits:
``YIBAO_CREDIT_MAX_AMOUNT``, ``YIBAO_CREDIT_CONFIRM_ROWS``, ``YIBAO_CREDIT_CONFIRM_TOTAL``.
"""

import datetime as dt
import os
import secrets
import sys
from decimal import Decimal
from pathlib import Path

import pghistory
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from core.database import REPLICA, database_roles, replica_database, runs_as_owner

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
    "pgtrigger",
    "pghistory",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "accounts",
    "transfers",
    "reports",
    "audit",
    "jobs",
    "staff",
    "yibao",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staff.middleware.IdleTimeoutMiddleware",
    "staff.middleware.SignInStepsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
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

# The application role for every process but the owner's (core/database.py).
DATABASE_APPLICATION, DATABASE_OWNER = database_roles(os.environ, VAR_DIR / "pgdata")
DATABASES = {
    "default": dict(DATABASE_OWNER if runs_as_owner(sys.argv, os.environ) else DATABASE_APPLICATION)
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES[REPLICA] = replica_database(os.environ["DATABASE_REPLICA_URL"])
DATABASE_ROUTERS = ["core.database.PrimaryRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "staff.validators.NoUsernameOrDateValidator"},
]
# django-axes first: it refuses a locked username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "staff.backends.StaffBackend",  # Django's ModelBackend, the user read with their hall
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["yibao.formats"]  # one date format on screen: 2026-12-01
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # project-wide files (the print page's script)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded evidence scans are kept outside the web root and served only through
# a permission-checked view.
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "admin:login"
# Counter PCs are shared: a session ends when the browser closes and after
# YIBAO_IDLE_MINUTES without a request (staff.middleware.IdleTimeoutMiddleware).
# SESSION_COOKIE_AGE only bounds how long the server keeps a session row.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 3600
YIBAO_IDLE_MINUTES = int(os.environ.get("YIBAO_IDLE_MINUTES", "15"))

# Sign-in throttling (django-axes) by username, never by address: a hall of
# clerks shares one NAT address, and one clerk's typos must not lock the others.
# A supervisor unlocks earlier (staff admin, "failed sign-ins").
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = int(os.environ.get("YIBAO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("YIBAO_LOGIN_LOCK_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.views.locked_out"
AXES_ENABLE_ADMIN = False  # the staff app shows the locks (in Chinese) with an unlock
AXES_VERBOSE = False
# axes.W006 asks for the address as well; the failures of a username are added up
# over every address and browser (AxesDatabaseHandler.get_failures), so rotating
# them gains nothing, while locking the hall's one address would lock every clerk.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Second factor (django-otp, TOTP): required for supervisors (staff.services).
OTP_TOTP_ISSUER = "医保个账家庭共济"
# The device admin never shows a key or its QR code (anyone who may view devices
# could copy a supervisor's second factor); enrolment shows it once, to its owner.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# HTTPS: declared by the environment, usually behind a proxy that ends TLS and
# says so in a header (README, "Deployment").
if os.environ.get("DJANGO_HTTPS") == "1":
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if header := os.environ.get("DJANGO_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + header.upper().replace("-", "_"), "https")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# Content Security Policy (django-csp): scripts only from our own static files,
# never inline. Inline styles stay allowed: Django's admin writes some (a
# change list without actions, the history pages' pager), and a style runs no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The audit trail (docs/DESIGN.md "Audit trail"): django-pghistory's triggers record
# every insert, update and delete of the tracked models; who, from which hall and
# the URL are kept on each event row itself (no shared context row to rewrite), and
# the event tables refuse UPDATE and DELETE (migration core 0002, plain triggers).
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
# Requests that may write (a GET changes nothing tracked: no context to look up).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

YIBAO_HALL_NAME = os.environ.get("YIBAO_HALL_NAME", "医疗保障服务大厅")

# The Chinese font embedded in every PDF, by file path (core/printing.py): Debian's
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
# A list export of more rows than this is made by a background job (jobs/export_jobs.py).
YIBAO_EXPORT_BACKGROUND_ROWS = 10_000
# An admin import of a file with more rows than this is previewed and written by
# background jobs (jobs/import_jobs.py); smaller files stay in the request.
YIBAO_IMPORT_BACKGROUND_ROWS = 2_000
# A running job without progress for this long is taken as stopped (jobs_reap).
YIBAO_JOB_STALE_MINUTES = 15
# ``manage.py prune_jobs`` removes finished jobs (and their files) older than this.
YIBAO_JOB_RETENTION_DAYS = int(os.environ.get("YIBAO_JOB_RETENTION_DAYS", "30"))
# A workbook whose members unpack to more than this is refused before it is read
# (a "ZIP bomb"); a 100,000-row settlement workbook unpacks to about 60 MB.
YIBAO_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("YIBAO_IMPORT_MAX_UNPACKED_MB", "512"))
# Credits (accounts/imports.py, docs/DESIGN.md "Maker-checker"): a credit above
# YIBAO_CREDIT_MAX_AMOUNT is refused as implausible (a monthly credit is a few hundred
# yuan); a file that would post more than YIBAO_CREDIT_CONFIRM_ROWS credits or more
# than YIBAO_CREDIT_CONFIRM_TOTAL in all waits for a second user's confirmation.
YIBAO_CREDIT_MAX_AMOUNT = Decimal(os.environ.get("YIBAO_CREDIT_MAX_AMOUNT", "20000.00"))
YIBAO_CREDIT_CONFIRM_ROWS = int(os.environ.get("YIBAO_CREDIT_CONFIRM_ROWS", "1000"))
YIBAO_CREDIT_CONFIRM_TOTAL = Decimal(os.environ.get("YIBAO_CREDIT_CONFIRM_TOTAL", "100000.00"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
