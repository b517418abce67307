"""Production settings: `DJANGO_SETTINGS_MODULE=qingfeng.settings_production`.

Everything comes from the environment (docs/reliability.md lists it); nothing secret is in the
repository. `qingfeng check --deploy` passes with these settings. Required, or the settings refuse to load with
the reason: SECRET_KEY (50+ random characters), ALLOWED_HOSTS, DATABASE_URL (PostgreSQL; never a silent SQLite). Optional: CSRF_TRUSTED_ORIGINS,
QINGFENG_BEHIND_PROXY=1 (trust X-Forwarded-Proto from the reverse proxy that terminates TLS),
QINGFENG_HSTS_SECONDS (default one year), QINGFENG_TOTP_REQUIRED_ROLES (default admin,discipline).
"""

import os

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY = 50  # characters, at least 5 of them different (Django's own deployment check, security.W009)
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"

_key = os.environ.get("SECRET_KEY", "")
if not _key:
    # Never fall back to a generated key in production: sessions and tokens must survive restarts
    # and the key must come from the operator's secret store.
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set in the environment for qingfeng.settings_production (generate one with {GENERATE})")
if len(_key) < MIN_SECRET_KEY or len(set(_key)) < 5 or _key.startswith("django-insecure-"):
    # A short key can be guessed offline from one signed cookie, and then every session and token forged.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for qingfeng.settings_production: it has {len(_key)} characters ({len(set(_key))} "
        f"different); use at least {MIN_SECRET_KEY} random characters (generate them with {GENERATE})")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment for qingfeng.settings_production")
if not os.environ.get("DATABASE_URL"):
    # The development settings fall back to SQLite under var/; production must never do that silently (a fresh,
    # empty database beside the real one).
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in the environment for qingfeng.settings_production, e.g. "
        "postgres://qingfeng:PASSWORD@db.example.cn:5432/qingfeng")

os.environ.setdefault("QINGFENG_TOTP_REQUIRED_ROLES", "admin,discipline")

from qingfeng.settings import *  # noqa: E402,F403
from qingfeng.settings import env_bool  # noqa: E402

DEBUG = False

# HTTPS only: redirect, HSTS, cookies that never travel in clear.
SECURE_SSL_REDIRECT = env_bool("QINGFENG_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("QINGFENG_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env_bool("QINGFENG_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), not from the cookie
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# The second factor for 系统管理员 and 纪检监察 (or the roles the environment names).
QINGFENG_TOTP_REQUIRED_ROLES = [r.strip() for r in os.environ["QINGFENG_TOTP_REQUIRED_ROLES"].split(",") if r.strip()]
