"""Django settings for isogov.

Every setting comes from an environment variable; docs/settings.md lists each one with its
default. The defaults give a working single-machine installation on SQLite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from isogov.core.addresses import DEFAULT_BIND, url_from_bind

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("ISOGOV_DEBUG", False)
PRODUCTION = env_bool("ISOGOV_PRODUCTION", False)
DATA_DIR = Path(os.environ.get("ISOGOV_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

_INSECURE_KEY = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("ISOGOV_SECRET_KEY", _INSECURE_KEY)
if PRODUCTION and SECRET_KEY == _INSECURE_KEY:
    raise RuntimeError("ISOGOV_SECRET_KEY must be set when ISOGOV_PRODUCTION is on")

ALLOWED_HOSTS = env_list("ISOGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("ISOGOV_CSRF_TRUSTED_ORIGINS", "")
# Where the server listens (``isogov serve``) and the address links and QR codes point to: by
# default the same place, so a receipt's QR code reaches this server.
BIND = os.environ.get("ISOGOV_BIND", DEFAULT_BIND)
PUBLIC_BASE_URL = os.environ.get("ISOGOV_PUBLIC_BASE_URL", "") or url_from_bind(BIND)
# The place name printed before the date on the forms ("Hải Phòng, ngày …") [A].
PLACE_NAME = os.environ.get("ISOGOV_PLACE_NAME", "Hải Phòng")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "isogov.core",
    "isogov.audit",
    "isogov.notifications",
    "isogov.accounts",
    "isogov.workcal",
    "isogov.catalog",
    "isogov.dossiers",
    "isogov.feedback",
    "isogov.indicators",
    "isogov.qms",
    "isogov.integrations",
    "isogov.portal",
    "isogov.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "isogov.core.middleware.RequestIdMiddleware",
    "isogov.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "isogov.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "isogov.accounts.middleware.SessionExpiryMiddleware",
    "isogov.accounts.middleware.TwoFactorEnrolMiddleware",
    "isogov.api.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "isogov.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "isogov.urls"
# The WSGI application wraps Django in the sign-in gate (accounts/gate.py).
WSGI_APPLICATION = "isogov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "isogov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "isogov.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (embedded default): WAL journal so readers never block the writer, a busy timeout so
# concurrent writers wait instead of failing, and IMMEDIATE transactions so a transaction takes
# the write lock at BEGIN (no deadlock when two readers both try to upgrade to writers); writers
# queue on a file lock that wakes the next one at once (isogov/core/sqlite/base.py). Connections
# are kept between requests (ISOGOV_DB_CONN_MAX_AGE seconds, both databases): opening one costs
# the pragmas, and closing the last one checkpoints the WAL (bench/http_edge.py).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
CONN_MAX_AGE = int(os.environ.get("ISOGOV_DB_CONN_MAX_AGE", "60"))
SQLITE_CACHE_MB = max(int(os.environ.get("ISOGOV_SQLITE_CACHE_MB", "256")), 2)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
    # Settings of each PostgreSQL session (libpq ``options``). JIT compilation off: the pages'
    # aggregates over the open dossiers cost enough to trigger it, and compiling took longer
    # than it saved (191 ms of a 424 ms query at 1,000,000 dossiers, docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", os.environ.get("ISOGOV_PG_OPTIONS", "-c jit=off")
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "isogov.core.sqlite",
            "NAME": os.environ.get("ISOGOV_SQLITE_PATH", str(DATA_DIR / "isogov.sqlite3")),
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "OPTIONS": {
                "timeout": int(os.environ.get("ISOGOV_SQLITE_TIMEOUT", "30")),
                "transaction_mode": "IMMEDIATE",
                "writer_lock": env_bool("ISOGOV_SQLITE_WRITER_LOCK", True),
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    # Pages kept by each connection between its queries, in KiB (SQLite's
                    # default: 2 MiB, so a page over the open dossiers re-read them from the
                    # operating system every time: docs/benchmarks.md, "A fresh machine").
                    f"PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024};"
                ),
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = ["isogov.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Argon2id first (ASVS 2.4.1); older hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "isogov.accounts.hashers.OwaspArgon2PasswordHasher",  # OWASP's Argon2id parameters
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# --- Sign-in locks, throttles, sessions (docs/security.md) ---------------------------------
# Failures before a username (or a client address, shared by a whole office behind NAT) is
# locked; the first lock lasts ISOGOV_LOCKOUT_SECONDS and each new one twice as long.
ISOGOV_LOCKOUT_FAILURES = int(os.environ.get("ISOGOV_LOCKOUT_FAILURES", "5"))
ISOGOV_LOCKOUT_IP_FAILURES = int(os.environ.get("ISOGOV_LOCKOUT_IP_FAILURES", "30"))
ISOGOV_LOCKOUT_WINDOW_SECONDS = int(os.environ.get("ISOGOV_LOCKOUT_WINDOW_SECONDS", "900"))
ISOGOV_LOCKOUT_SECONDS = int(os.environ.get("ISOGOV_LOCKOUT_SECONDS", "60"))
ISOGOV_LOCKOUT_MAX_SECONDS = int(os.environ.get("ISOGOV_LOCKOUT_MAX_SECONDS", "3600"))
# Sign-in POSTs per minute from one address that each worker process lets through to the
# locks above (0: no gate); the rest get 429 before Django does any work.
ISOGOV_SIGNIN_GATE_PER_MINUTE = int(os.environ.get("ISOGOV_SIGNIN_GATE_PER_MINUTE", "30"))
# Trusted reverse proxies in front of the server (nginx: 1); 0 trusts only REMOTE_ADDR.
ISOGOV_PROXY_COUNT = int(os.environ.get("ISOGOV_PROXY_COUNT", "0"))
# API request rates (DRF syntax "N/second|minute|hour|day"; empty: no limit).
ISOGOV_THROTTLE_RATES: dict[str, str | None] = {
    "anon": os.environ.get("ISOGOV_THROTTLE_ANON", "120/minute") or None,
    "user": os.environ.get("ISOGOV_THROTTLE_USER", "1200/minute") or None,
    "token": os.environ.get("ISOGOV_THROTTLE_TOKEN", "10/minute") or None,
    "api_key": os.environ.get("ISOGOV_THROTTLE_API_KEY", "600/minute") or None,
}
# Where the API rates count (isogov/api/windows.py): "sqlite", a small file shared by the
# installation's processes (ISOGOV_THROTTLE_FILE), or "cache", Django's cache. Default: "cache"
# with REDIS_URL (Redis), else "sqlite".
ISOGOV_THROTTLE_STORE = os.environ.get("ISOGOV_THROTTLE_STORE") or (
    "cache" if os.environ.get("REDIS_URL") else "sqlite"
)
ISOGOV_THROTTLE_FILE = os.environ.get("ISOGOV_THROTTLE_FILE") or str(DATA_DIR / "throttle.sqlite3")
# The public lookup (docs/portal.md): failed tries per client address and per dossier code
# (or contact) within the window, before the lookup answers "try again later" (HTTP 429).
ISOGOV_LOOKUP_IP_FAILURES = int(os.environ.get("ISOGOV_LOOKUP_IP_FAILURES", "20"))
ISOGOV_LOOKUP_CODE_FAILURES = int(os.environ.get("ISOGOV_LOOKUP_CODE_FAILURES", "5"))
ISOGOV_LOOKUP_WINDOW_SECONDS = int(os.environ.get("ISOGOV_LOOKUP_WINDOW_SECONDS", "900"))
# "Hồ sơ của tôi": the one-time link's life, and how far back the dossiers are listed.
ISOGOV_APPLICANT_LINK_MINUTES = int(os.environ.get("ISOGOV_APPLICANT_LINK_MINUTES", "30"))
ISOGOV_APPLICANT_DOSSIER_MONTHS = int(os.environ.get("ISOGOV_APPLICANT_DOSSIER_MONTHS", "12"))
# The agency the public home shows first (its electronic identifier); empty: the first agency
# with public procedures, by name. Visitors may pick another (?co_quan=).
# The public transparency page's figures are computed at most once per this many seconds per
# agency (the registry reads the year's dossiers); 0: at every request.
ISOGOV_TRANSPARENCY_CACHE_SECONDS = int(os.environ.get("ISOGOV_TRANSPARENCY_CACHE_SECONDS", "600"))
ISOGOV_PORTAL_AGENCY = os.environ.get("ISOGOV_PORTAL_AGENCY", "")
# Sessions: signed out after ISOGOV_SESSION_IDLE_MINUTES without a request, and in any case
# ISOGOV_SESSION_MAX_HOURS after signing in (ASVS 3.3.1, 3.3.2).
ISOGOV_SESSION_IDLE_MINUTES = int(os.environ.get("ISOGOV_SESSION_IDLE_MINUTES", "30"))
ISOGOV_SESSION_MAX_HOURS = int(os.environ.get("ISOGOV_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = ISOGOV_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_SAMESITE = "Lax"
# Idempotency-Key answers of API writes are kept this long (isogov/api/idempotency.py).
ISOGOV_IDEMPOTENCY_HOURS = int(os.environ.get("ISOGOV_IDEMPOTENCY_HOURS", "24"))
# Two-factor sign-in (TOTP) is required for these roles (and superusers); the demo accounts are
# exempt while ISOGOV_2FA_EXEMPT_DEMO is on (default: outside production).
ISOGOV_2FA_REQUIRED_ROLES = env_list(
    "ISOGOV_2FA_REQUIRED_ROLES", "system_admin,agency_leader,iso_secretary"
)
ISOGOV_2FA_EXEMPT_DEMO = env_bool("ISOGOV_2FA_EXEMPT_DEMO", not PRODUCTION)
# API tokens expire this many days after they were issued.
ISOGOV_TOKEN_DAYS = int(os.environ.get("ISOGOV_TOKEN_DAYS", "30"))
# Machine clients' API keys (docs/security.md): the longest life a key may be given.
ISOGOV_API_KEY_MAX_DAYS = int(os.environ.get("ISOGOV_API_KEY_MAX_DAYS", "730"))
# Webhooks (docs/webhooks.md): delivery timeout, plain-http receivers allowed (loopback and
# development only), and how long the event reader keeps looking for a missing event id (a
# transaction committed late).
ISOGOV_WEBHOOK_TIMEOUT_SECONDS = int(os.environ.get("ISOGOV_WEBHOOK_TIMEOUT_SECONDS", "10"))
ISOGOV_WEBHOOK_ALLOW_HTTP = env_bool("ISOGOV_WEBHOOK_ALLOW_HTTP", not PRODUCTION)
ISOGOV_WEBHOOK_GAP_SECONDS = int(os.environ.get("ISOGOV_WEBHOOK_GAP_SECONDS", "120"))
# The portal's procedure level codes (CAPTHUCHIEN) → catalogue levels [A]: no official list
# was found (isogov/integrations/portal_procedure.py); words such as "Cấp tỉnh" are read too.
ISOGOV_PORTAL_PROCEDURE_LEVELS: dict[str, str] = json.loads(
    os.environ.get(
        "ISOGOV_PORTAL_PROCEDURE_LEVELS", '{"1": "central", "2": "province", "3": "commune"}'
    )
)
# The body of an outbox message is emptied this many days after it was sent (the row stays) [A]:
# no rule was found on how long the text of a notice must be kept.
ISOGOV_OUTBOX_BODY_RETENTION_DAYS = int(os.environ.get("ISOGOV_OUTBOX_BODY_RETENTION_DAYS", "90"))
# Outbox channels delivered by an app above ``notifications`` (channel → dotted sender).
ISOGOV_OUTBOX_SENDERS = {"webhook": "isogov.integrations.webhooks.delivery.webhook_send"}
# Password reset by e-mail: the link works once, for this many minutes; requests per client
# address and per e-mail address per hour (more are refused, resp. silently not sent).
PASSWORD_RESET_TIMEOUT = 60 * int(os.environ.get("ISOGOV_PASSWORD_RESET_MINUTES", "60"))
ISOGOV_PASSWORD_RESET_PER_IP = int(os.environ.get("ISOGOV_PASSWORD_RESET_PER_IP", "10"))
ISOGOV_PASSWORD_RESET_PER_EMAIL = int(os.environ.get("ISOGOV_PASSWORD_RESET_PER_EMAIL", "3"))

# Audit checkpoints (isogov/audit/checkpoints.py): the signing key lives outside the database.
ISOGOV_AUDIT_KEY = os.environ.get("ISOGOV_AUDIT_KEY", "")
ISOGOV_AUDIT_KEY_FILE = os.environ.get("ISOGOV_AUDIT_KEY_FILE", str(DATA_DIR / "audit.key"))
ISOGOV_AUDIT_CHECKPOINT_FILE = os.environ.get(
    "ISOGOV_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit-checkpoints.jsonl")
)
ISOGOV_AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("ISOGOV_AUDIT_CHECKPOINT_MINUTES", "60"))

# Django's cache: Redis when REDIS_URL is set (and then the API throttles' counters), otherwise
# files in the data directory (shared by every gunicorn worker on this machine).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
FORMAT_MODULE_PATH = ["isogov.core.formats"]  # dd/mm/yyyy and 24-hour times in and out
FORM_RENDERER = "isogov.core.renderers.FormRenderer"  # labels: sentence case, no colon
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "isogov" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"  # shown; stored in UTC (USE_TZ)
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ISOGOV_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ISOGOV_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Background work (Huey) -----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("ISOGOV_HUEY_IMMEDIATE", False)

# QMS (docs/qms.md): days ahead of a due date that a reminder goes out, and how far below (or
# above) its target a measured objective is "at risk" rather than "missed" [A].
ISOGOV_QMS_REMINDER_LEAD_DAYS = int(os.environ.get("ISOGOV_QMS_REMINDER_LEAD_DAYS", "7"))
ISOGOV_QMS_AT_RISK_MARGIN = os.environ.get("ISOGOV_QMS_AT_RISK_MARGIN", "2")
# Public feedback forms (docs/feedback.md): submissions and follow-ups by code per client
# address and hour; 0 switches the limit off.
ISOGOV_FEEDBACK_SUBMIT_PER_HOUR = int(os.environ.get("ISOGOV_FEEDBACK_SUBMIT_PER_HOUR", "10"))
ISOGOV_FEEDBACK_FOLLOW_PER_HOUR = int(os.environ.get("ISOGOV_FEEDBACK_FOLLOW_PER_HOUR", "60"))
# Integrations (docs/integrations.md): the portal adapter and the inbound pull, each a JSON
# object overriding the defaults of isogov/integrations/conf.py.
ISOGOV_PORTAL = json.loads(os.environ.get("ISOGOV_PORTAL") or "{}")
ISOGOV_INBOUND = json.loads(os.environ.get("ISOGOV_INBOUND") or "{}")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "isogov",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    # Huey's SQLite queue with ``synchronous`` NORMAL instead of a full disk sync at every
    # enqueue (isogov/core/queue.py; what a power cut may lose: docs/operations.md, "The job
    # queue"). ISOGOV_QUEUE_SYNCHRONOUS=FULL restores the sync.
    HUEY = {
        "huey_class": "isogov.core.queue.SqliteHuey",
        "name": "isogov",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "synchronous": os.environ.get("ISOGOV_QUEUE_SYNCHRONOUS", "NORMAL"),
        "immediate": HUEY_IMMEDIATE,
    }

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "ISOGOV_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("ISOGOV_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ISOGOV_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ISOGOV_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ISOGOV_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ISOGOV_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ISOGOV_DEFAULT_FROM_EMAIL", "isogov@localhost")
ISOGOV_SMS_BACKEND = os.environ.get(
    "ISOGOV_SMS_BACKEND", "isogov.notifications.channels.LogSmsBackend"
)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "isogov.api.authentication.TokenAuthentication",
        "isogov.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "isogov.api.throttles.AnonThrottle",
        "isogov.api.throttles.UserThrottle",
        "isogov.api.throttles.ApiKeyThrottle",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "isogov.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "isogov.core.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "isogov.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "isogov API",
    "DESCRIPTION": (
        "Electronic ISO 9001:2015 quality management system for Vietnamese state "
        "administrative agencies (ISO điện tử)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "isogov.api.schema.add_security_headers",
    ],
}

# --- Working calendar -----------------------------------------------------------------------
# Years compiled eagerly for every calendar; later years are compiled on first use.
WORKCAL_FIRST_YEAR = int(os.environ.get("ISOGOV_WORKCAL_FIRST_YEAR", "2018"))
WORKCAL_LAST_YEAR = int(os.environ.get("ISOGOV_WORKCAL_LAST_YEAR", "2035"))

# --- Dossiers ---------------------------------------------------------------------------------
# Empty: the format of the rule set in force (Circular 01/2018). "tt04-2025": the Circular
# 04/2025 format <agency>-YYMMDD-AAXXXX, AA being ISOGOV_DOSSIER_SYSTEM_ID.
ISOGOV_DOSSIER_CODE_FORMAT = os.environ.get("ISOGOV_DOSSIER_CODE_FORMAT", "")
ISOGOV_DOSSIER_SYSTEM_ID = os.environ.get("ISOGOV_DOSSIER_SYSTEM_ID", "00")
# [A] Symbols of the outgoing documents numbered in the agency's yearly register ("Số: 12/TB-…");
# {agency} is the agency's short name (else its identifier).
ISOGOV_STOP_NOTICE_SYMBOL = os.environ.get("ISOGOV_STOP_NOTICE_SYMBOL", "TB-{agency}")
ISOGOV_APOLOGY_SYMBOL = os.environ.get("ISOGOV_APOLOGY_SYMBOL", "PXL-{agency}")
# [A] Working days the supplement notice gives the applicant to bring the papers; the law sets
# no general time, so 0 (the default) states none ("as soon as possible").
ISOGOV_SUPPLEMENT_REPLY_WORKING_DAYS = int(
    os.environ.get("ISOGOV_SUPPLEMENT_REPLY_WORKING_DAYS", "0")
)

# Online submission (docs/online-submission.md). Uploaded papers live in a private directory,
# served only through views that check who asks, never under MEDIA_URL. [A] The limits and the
# one-time code's life and attempts are the agency's choice, not the law's.
ISOGOV_PRIVATE_DIR = Path(os.environ.get("ISOGOV_PRIVATE_DIR", DATA_DIR / "private"))
ISOGOV_UPLOAD_MAX_FILE_BYTES = int(os.environ.get("ISOGOV_UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024))
ISOGOV_UPLOAD_MAX_DOSSIER_BYTES = int(
    os.environ.get("ISOGOV_UPLOAD_MAX_DOSSIER_BYTES", 30 * 1024 * 1024)
)
ISOGOV_OTP_TTL_MINUTES = int(os.environ.get("ISOGOV_OTP_TTL_MINUTES", "10"))
ISOGOV_OTP_MAX_ATTEMPTS = int(os.environ.get("ISOGOV_OTP_MAX_ATTEMPTS", "5"))
ISOGOV_OTP_MAX_SENDS = int(os.environ.get("ISOGOV_OTP_MAX_SENDS", "5"))
# [A] Days a draft never confirmed by its one-time code is kept (from its last change) before
# the worker deletes it with its uploaded files (``dossiers.services.online_drafts_purge``).
ISOGOV_ONLINE_DRAFT_RETENTION_DAYS = int(os.environ.get("ISOGOV_ONLINE_DRAFT_RETENTION_DAYS", "7"))

# --- Security (production) ------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own origin: no inline script, no handler attribute, no eval.
ISOGOV_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ISOGOV_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# In production the API's schema and docs need a signed-in user, unless this opens them.
ISOGOV_API_DOCS_PUBLIC = env_bool("ISOGOV_API_DOCS_PUBLIC", not PRODUCTION)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("ISOGOV_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ISOGOV_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No phone number, ID number or secret parameter reaches the log (core/logredact.py).
    "filters": {"redact": {"()": "isogov.core.logredact.RedactPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ISOGOV_LOG_LEVEL", "INFO")},
    # The Huey consumer installs its own handler; do not print its lines twice.
    # fontTools reports every table it prunes when a PDF embeds its font subset: not news.
    "loggers": {"huey": {"propagate": False}, "fontTools": {"level": "WARNING"}},
}
