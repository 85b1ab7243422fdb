"""Settings for clientbase. The only module (with config.production) that reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CLIENTBASE_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("CLIENTBASE_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
# Production (config.production) demands its own key; never write a development one for it.
_PRODUCTION = env_str("DJANGO_SETTINGS_MODULE", "config.settings") == "config.production"
if not SECRET_KEY and not _PRODUCTION:
    from config.env import development_secret_key

    SECRET_KEY = development_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "clientbase.core",
    "clientbase.access",
    "clientbase.marketing",
    "clientbase.accounts",
    "clientbase.catalog",
    "clientbase.sales",
    "clientbase.activities",
    "clientbase.imports",
    "clientbase.exports",
    "clientbase.identity",
    "clientbase.analytics",
    "clientbase.questionnaires",
    "clientbase.privacy",
    "clientbase.login",
    "clientbase.notifications",
    "clientbase.usage",
    "clientbase.web",
    "clientbase.api",
    "django_tasks_db",
]

# Imports run as background tasks: `clientbase worker` (or the one `serve`/`demo` start) runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_UPLOAD_MAX_BYTES = env_int("CLIENTBASE_IMPORT_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
# Connections writing an orders import's chunks at once on PostgreSQL (each COPY uses a core).
IMPORT_WRITERS = env_int("CLIENTBASE_IMPORT_WRITERS", 2, minimum=1)
# Exports of more rows than this are written by the worker, with a progress page; smaller
# ones download at once. Finished files are deleted after the retention period.
EXPORT_BACKGROUND_ROWS = env_int("CLIENTBASE_EXPORT_BACKGROUND_ROWS", 20_000, minimum=0)
EXPORT_RETENTION_HOURS = env_int("CLIENTBASE_EXPORT_RETENTION_HOURS", 72, minimum=1)
# An approved export request above the role's limits can be run (once) for this long.
EXPORT_APPROVAL_VALID_HOURS = env_int("CLIENTBASE_EXPORT_APPROVAL_VALID_HOURS", 72, minimum=1)
# Anti-theft alerts go to directors by e-mail too (issue 5); tests use the locmem backend.
_EMAIL_BACKEND = env_str("CLIENTBASE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
_SMTP_OPTIONS = {
    "host": env_str("CLIENTBASE_EMAIL_HOST", "localhost"),
    "port": env_int("CLIENTBASE_EMAIL_PORT", 25, minimum=1),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith(".smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("CLIENTBASE_EMAIL_FROM", "clientbase@localhost")
# The worker recomputes every account's metrics when the last run is this old; 0 turns it off.
METRICS_EVERY_HOURS = env_int("CLIENTBASE_METRICS_EVERY_HOURS", 24, minimum=0)
# Audit rows older than this many days are pruned by the worker (daily) or `clientbase audit
# prune`, leaving an anchor row so the chain still verifies; 0 keeps the trail forever.
AUDIT_RETENTION_DAYS = env_int("CLIENTBASE_AUDIT_RETENTION_DAYS", 0, minimum=0)
# Only the test suite turns this on (conftest.py): Django's `flush` may then empty the audit
# trail between transactional tests. Never read from the environment.
AUDIT_TRAIL_FLUSHABLE = False

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clientbase.web.middleware.UserLanguageMiddleware",
    "clientbase.usage.middleware.UsageCountingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_db = parse_database_url(
    "DATABASE_URL", env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'clientbase.sqlite3'}")
)
DATABASES: dict[str, dict[str, Any]]
if _db.engine == "sqlite":
    _sqlite_path = Path(_db.name)
    if not _sqlite_path.is_absolute():
        _sqlite_path = BASE_DIR / _sqlite_path
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_path),
            "OPTIONS": {
                # WAL lets the web server read while a worker or an import writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-64000;"
                    "PRAGMA temp_store=MEMORY;"
                ),
                "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": str(VAR_DIR / "test-clientbase.sqlite3")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DATABASE_ENGINE = _db.engine
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "access.User"
# Django's ModelBackend that also loads the role's rights with the user (no query per request).
AUTHENTICATION_BACKENDS = ["clientbase.access.backends.RoleModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:account_list"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Offline: zxcvbn's list of passwords seen in breaches, also with digits/symbols stripped.
    {"NAME": "clientbase.login.passwords.BreachedPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("CLIENTBASE_SESSION_HOURS", 12, minimum=1) * 3600

# --- Signing in (clientbase.login) ----------------------------------------------------------
# Brute force: this many failures for one typed username (real or not), or from one address,
# lock that key; each lock lasts twice the one before, from BASE up to MAX seconds. Failures
# older than the window are forgotten. An administrator can lift a lock on the users page.
LOGIN_LOCKOUT_USERNAME_FAILURES = env_int("CLIENTBASE_LOCKOUT_USERNAME_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_IP_FAILURES = env_int("CLIENTBASE_LOCKOUT_IP_FAILURES", 50, minimum=1)
LOGIN_LOCKOUT_BASE_SECONDS = env_int("CLIENTBASE_LOCKOUT_BASE_SECONDS", 60, minimum=1)
LOGIN_LOCKOUT_MAX_SECONDS = env_int("CLIENTBASE_LOCKOUT_MAX_SECONDS", 24 * 3600, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("CLIENTBASE_LOGIN_FAILURE_WINDOW_SECONDS", 3600, minimum=1)
# Behind a reverse proxy, the request header carrying the client address (e.g.
# HTTP_X_REAL_IP, set by the proxy); empty means REMOTE_ADDR.
LOGIN_CLIENT_IP_HEADER = env_str("CLIENTBASE_CLIENT_IP_HEADER", "")
# Role keys (User.role) whose users must use TOTP two-factor sign-in; they enrol at next login.
TWO_FACTOR_REQUIRED_ROLES = env_list("CLIENTBASE_2FA_REQUIRED_ROLES", [])

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = env_choice("CLIENTBASE_DEFAULT_LANGUAGE", "en", ("en", "ru", "fa"))
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("fa", _("Persian"))]
LOCALE_PATHS = [BASE_DIR / "clientbase" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders so `clientbase demo` needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers -----------------------------------------------------------------------
# Every asset is vendored, so the policy can forbid all third-party origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}

# --- clientbase ----------------------------------------------------------------------------
CLIENTBASE_PAGE_SIZE = env_int("CLIENTBASE_PAGE_SIZE", 50, minimum=1)
