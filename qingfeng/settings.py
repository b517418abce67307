"""Settings, driven by the environment. SQLite under var/ unless DATABASE_URL says otherwise."""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Generic Django classes (ModelAdmin[Person], QuerySet[Person]) may be subscripted at run time, as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("QINGFENG_VAR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Development and demo only: a per-machine key kept under var/, never committed.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "qingfeng.core",
    "qingfeng.accounts",
    "qingfeng.orgs",
    "qingfeng.people",
    "qingfeng.activities",
    "qingfeng.grassroots",
    "qingfeng.supervision",
    "qingfeng.service",
    "qingfeng.entities",
    "qingfeng.burden",
    "qingfeng.discipline",
    "qingfeng.honors",
    "qingfeng.education",
    "qingfeng.economy",
    "qingfeng.indicators",
    "qingfeng.imports",
    "qingfeng.audit",
    "qingfeng.demo",
    "qingfeng.api",
    "qingfeng.files",
    "qingfeng.cockpit",
    "qingfeng.reports",
    "qingfeng.membership",
    "qingfeng.forms",
    "qingfeng.reminders",
    "qingfeng.federation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qingfeng.core.memo.RequestMemoMiddleware",  # what a GET page reads several times is read once
    "qingfeng.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qingfeng.core.busy.SessionMiddleware",  # Django's, but a busy database never fails a committed write
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "qingfeng.files.uploads.UploadLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qingfeng.audit.context.AuditContextMiddleware",
    "qingfeng.accounts.middleware.TotpEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "qingfeng.urls"
WSGI_APPLICATION = "qingfeng.wsgi.application"

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
                "django.template.context_processors.i18n",
                "qingfeng.core.context_processors.navigation",
            ],
        },
    },
]

DEFAULT_DB = f"sqlite:///{VAR_DIR / 'qingfeng.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_DB), conn_max_age=60)}
# How long a write waits for another one to finish before it answers 503 (qingfeng.core.busy): longer than any
# write transaction the platform makes (facts are refreshed per organization; rebuilds switch in a short one).
DB_WAIT_SECONDS = int(os.environ.get("QINGFENG_DB_WAIT_SECONDS", "30"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Every transaction takes the write lock at BEGIN (waiting up to the busy timeout), so two writers never
        # both read and then one fails to upgrade its lock ("database is locked" mid-transaction).
        "transaction_mode": "IMMEDIATE",
        "timeout": DB_WAIT_SECONDS,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The indicator reads are many short index range scans: PostgreSQL's JIT compiler, which starts above a
    # cost that their row estimates easily pass, spent hundreds of milliseconds compiling them (measured on
    # the cockpit at city scale) to save microseconds. An operator can still turn it on per database.
    # lock_timeout: a write waiting longer than that on another's lock gives up (503) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit=off -c lock_timeout={DB_WAIT_SECONDS * 1000}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (qingfeng.core.jobs): Django's tasks interface, the queue a table of this database; run by
# `qingfeng worker`, which `qingfeng serve` starts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "qingfeng.accounts.validators.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "qingfeng.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
# Every sign-in path (web, API token, admin) goes through one backend: lockout and second factor.
AUTHENTICATION_BACKENDS = ["qingfeng.accounts.backends.QingfengBackend"]
QINGFENG_LOCKOUT_FAILURES = 5
QINGFENG_LOCKOUT_MINUTES = 15
# Roles (accounts.Role values) that must sign in with a TOTP second factor; off by default and in
# the demo, "admin,discipline" in qingfeng.settings_production.
QINGFENG_TOTP_REQUIRED_ROLES = [r.strip() for r in os.environ.get("QINGFENG_TOTP_REQUIRED_ROLES", "").split(",") if r.strip()]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["qingfeng.core.formats"]  # one date format per language (2021-05-11)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files live outside the web root and are served by views that check access.
MEDIA_ROOT = Path(os.environ.get("QINGFENG_MEDIA", VAR_DIR / "files"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A city (the system of record, the default) or a province above its cities (PostgreSQL only: it receives the
# cities' published tables by logical replication; qingfeng.federation, docs/federation.md).
QINGFENG_TIER = os.environ.get("QINGFENG_TIER", "city").strip().lower()
# "Today" for default periods and warnings (YYYY-MM-DD); empty means the real date (core.dates.today).
QINGFENG_TODAY = os.environ.get("QINGFENG_TODAY", "")
QINGFENG_IMPORT_MAX_BYTES = int(os.environ.get("QINGFENG_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
# E-mail (the morning reminders, qingfeng.reminders.digest): SMTP when EMAIL_HOST is set, else printed on the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qingfeng@localhost")
# The address the platform is reached at, for links in e-mails (pages and feeds use the request's own host).
QINGFENG_BASE_URL = os.environ.get("QINGFENG_BASE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # core.busy.SessionMiddleware moves the expiry, at most once a minute
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "DATABASE_URL" in os.environ and env_bool("PRODUCTION", False))
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
