"""FMS Records settings: one module, everything from the environment with safe defaults.

Local development sets DEBUG=1 (the Makefile does); anything else runs as production and
refuses the development secret key.
"""

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_rate(name: str, default: str) -> str | None:
    """A rate limit such as `600/min` (per s, min, hour or day); `off` turns that limit off."""
    value = os.environ.get(name, "").strip() or default
    if value.lower() == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name}={value!r}: use e.g. 600/min, 20/s, 10000/day, or off.")
    return value


DEV_SECRET_KEY = "django-insecure-fms-records-development-only-key"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key but DEBUG is off. Set SECRET_KEY to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))') or set DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    # Second factors (fms/accounts/mfa.py): TOTP apps, recovery codes, passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "fms.core",
    "fms.reference",
    "fms.accounts",
    "fms.ledger",
    "fms.notifications",
    "fms.cases",
    "fms.documents",
    "fms.execution",
]

MIDDLEWARE = [
    "fms.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fms.core.responses.NoStoreMiddleware",
    "fms.core.responses.ApiNotFoundMiddleware",
    "fms.core.paths.NulPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fms.core.api.query.QueryParameterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sees the user the API authenticated: marks a successful write for read-your-writes.
    "fms.core.replica.ReadYourWritesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fms.accounts.signin.SignInMiddleware",
    # Inside the sign-in context (for `via`): records responses that carry purchaser data.
    "fms.accounts.read_audit.ReadAuditMiddleware",
    "fms.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fms.core.request_id.HistoryMiddleware",
    "fms.core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the login view's answer: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fms.urls"
WSGI_APPLICATION = "fms.wsgi.application"

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
                "django.template.context_processors.csp",
                "fms.cases.context_processors.inbox",
                "fms.accounts.context_processors.read_audit_link",
            ],
        },
    },
]

# PostgreSQL only: the audit triggers, generated columns and constraints need it.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an embedded PostgreSQL), "
        "or point DATABASE_URL at a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/fms."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("FMS Records runs on PostgreSQL only; DATABASE_URL must be a postgres:// URL.")
# Every statement and every lock wait ends well before gunicorn's worker timeout (30 s), so a request
# stuck behind a lock or a slow query gets a clear answer (409, 503) instead of a killed worker.
# A dead server is noticed at connect time within DB_CONNECT_TIMEOUT seconds, never a hang.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 20_000)
DB_LOCK_TIMEOUT_MS = env_int("DB_LOCK_TIMEOUT_MS", 5_000)
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
# Where the server's only login is a superuser (the embedded PostgreSQL of `make run`), the app still
# runs with the application role's privileges: DATABASE_ROLE makes every session SET ROLE to it at
# connect time (see `grant_app_role --create`). Migrations run without it, as the owner.
DATABASE_ROLE = os.environ.get("DATABASE_ROLE", "")
if DATABASE_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_ROLE):
    raise ImproperlyConfigured(f"DATABASE_ROLE={DATABASE_ROLE!r} is not a plain role name.")
# DATABASE_POOLER=pgbouncer: the app connects through PgBouncer in transaction mode, where a server
# connection serves one transaction of one client at a time (docs/operations.md "Scaling out"). Then
# nothing may outlive a transaction: no prepared statements (Debian's PgBouncer 1.18 cannot carry
# them; 1.21 could), no server-side cursors (Django's iterator() declares them WITH HOLD outside a
# transaction), and no `options` startup parameter (PgBouncer refuses it): the timeouts (and SET
# ROLE) are the pooler's connect_query, run on each server connection it opens.
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DATABASE_POOLER={DATABASE_POOLER!r}: use pgbouncer, or leave it unset.")
if DATABASE_POOLER and DATABASE_ROLE:
    raise ImproperlyConfigured(
        "DATABASE_ROLE cannot pass through PgBouncer: put `SET ROLE ...` in its connect_query instead."
    )
DATABASE_PREPARED_STATEMENTS = not DATABASE_POOLER
DATABASE_OPTIONS = {"connect_timeout": DB_CONNECT_TIMEOUT}
if not DATABASE_POOLER:
    DATABASE_OPTIONS["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS} -c lock_timeout={DB_LOCK_TIMEOUT_MS}"
        + (f" -c role={DATABASE_ROLE}" if DATABASE_ROLE else "")
    )
DATABASES["default"].setdefault("OPTIONS", {}).update(DATABASE_OPTIONS)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = bool(DATABASE_POOLER)

# DATABASE_REPLICA_URL: a streaming replica (hot standby) for purchasers' reads (fms/core/replica.py);
# a user who has written reads from the primary for READ_YOUR_WRITES_SECONDS after (its replay lag
# must stay below that: docs/operations.md "Scaling out").
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 10)
READ_YOUR_WRITES_FOR = "fms.cases.selectors.sees_as_purchaser"
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    _replica.setdefault("OPTIONS", {}).update(DATABASE_OPTIONS)
    DATABASES["replica"] = {
        **_replica,
        "DISABLE_SERVER_SIDE_CURSORS": bool(DATABASE_POOLER),
        "TEST": {"MIRROR": "default"},
    }
# Only with a replica: without one every query goes to the primary, with no router to ask.
DATABASE_ROUTERS = ["fms.core.replica.ReplicaRouter"] if DATABASE_REPLICA_URL else []

# Django's cache, shared by every gunicorn worker: Redis when REDIS_URL is set, otherwise a table in
# PostgreSQL (created by the migration core.0002_cache_table). Rate-limit counters use Redis too
# when it is set (fms/core/api/throttling.py), or an unlogged table of their own.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "fms")  # separates deployments sharing one Redis
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fms_cache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # 100,000 more common passwords, bundled (fms/accounts/data/README.md), and no "aaaaaaaaaaaa".
    {"NAME": "fms.accounts.passwords.BundledCommonPasswordValidator"},
    {"NAME": "fms.accounts.passwords.VarietyValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files collected by `collectstatic` into STATIC_ROOT. Running
# from a checkout without collecting (development, tests) serves the files where they are.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles")) if STATIC_COLLECTED else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

# Security: strict by default; local development (DEBUG=1) relaxes only what plain HTTP needs.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# No page reads the CSRF cookie from JavaScript: forms carry the token, API clients use bearer tokens.
CSRF_COOKIE_HTTPONLY = True
# A session ends 8 hours after sign-in, whatever the activity, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware): scripts and styles only from our origin, or
# inline with the request's nonce (`<script nonce="{{ csp_nonce }}">`); no plugins, no framing.
# `data:` images: the admin's and Swagger UI's stylesheets embed their icons as data URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Failed sign-ins (the admin's and any other session login through Django's authenticate()):
# after AXES_FAILURE_LIMIT failures for one user name from one address, that pair is refused
# (429) for AXES_COOLOFF_MINUTES; after AXES_ADDRESS_FAILURE_LIMIT failures from one address for
# any user names (password spraying), that address is (fms/accounts/lockout.py). Counted in the
# database, so every worker sees the same count.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# 0: no per-address limit. The default behind a TLS proxy, where every sign-in comes from the proxy's
# address and a per-address limit would lock everyone out at once.
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 0 if env_bool("BEHIND_TLS_PROXY", False) else 20)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # the order lockout.py reads
AXES_HANDLER = "fms.accounts.lockout.PairAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "fms.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# The transparency log's Ed25519 signing key (a Go note signer key; docs/operations.md). make run and
# the tests create one here when missing; with DEBUG off the app refuses to start without it (fms/wsgi.py).
LEDGER_SIGNING_KEY_FILE = Path(os.environ.get("LEDGER_SIGNING_KEY_FILE") or BASE_DIR / "var" / "ledger-signing.key")
# The log's origin line and key name, used only when a key is created (the key file carries its name).
LEDGER_LOG_ORIGIN = os.environ.get("LEDGER_LOG_ORIGIN", "fms-records.localhost/ledger")
# Verifier keys of rotated signing keys, so verify_ledger still checks the heads they signed.
LEDGER_VERIFIER_KEYS = env_list("LEDGER_VERIFIER_KEYS", "")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "fms.core.request_id.RequestIdLogFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Field history (django-pghistory): event tables are append-only; requests that write attach
# the user and URL to the history context (services add the acting user themselves too).
PGHISTORY_APPEND_ONLY = True
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# ---- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fms.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fms.core.api.permissions.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["fms.core.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["fms.core.api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "fms.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "fms.core.problems.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
    "DEFAULT_THROTTLE_CLASSES": [
        "fms.core.api.throttling.TokenRateThrottle",
        "fms.core.api.throttling.SessionUserRateThrottle",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FMS Records API",
    "DESCRIPTION": (
        "Foreign Military Sales cases, line items, their review and the approval ledger. "
        "Authenticate with `Authorization: Bearer fms_…`. Errors are RFC 9457 problem+json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "fms.documents.choices.DocumentStatus",
        "DocumentKindEnum": "fms.documents.choices.DocumentKind",
        "NotificationStatusEnum": "fms.notifications.choices.NotificationStatus",
        "NotificationKindEnum": "fms.notifications.choices.NotificationKind",
        "StatusEnum": "fms.cases.choices.CaseStatus",  # the name it had before documents had statuses
        # Named once execution's kinds and statuses joined (the names would otherwise collide).
        "SdrStatusEnum": "fms.execution.choices.SdrStatus",
        "SdrKindEnum": "fms.execution.choices.SdrKind",
        "SdrResolutionEnum": "fms.execution.choices.SdrResolution",
        "TransactionKindEnum": "fms.execution.choices.TransactionKind",
        "ReceiptKindEnum": "fms.execution.choices.RECEIPT_KINDS",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "fms.core.api.schema.tighten_schema"],
}
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
IDEMPOTENCY_KEY_TTL_HOURS = 24
IDEMPOTENCY_OWNER = "fms.accounts.authentication.idempotency_owner"
# The demo's loader (manage.py load_demo): the highest app's, which loads the apps below it first.
DEMO_LOADER = "fms.documents.demo.load_demo"
# The guards of the case steps after acceptance (deposit, supply complete, closure, termination
# costs) read execution data: `cases` asks them through this path, never importing the app above it.
CASE_STEP_GUARD = "fms.execution.gates.case_step_guard"
# The demo's execution part (deposits before implementation; deliveries, SDRs, money, closure after the
# LOA story), a module with before_implementation(case=) and after_story() -> list[str].
DEMO_EXECUTION = "fms.execution.demo"
# A request whose Idempotency-Key record is still "in progress" after this long has died (its worker
# was killed, or the database went away before its outcome was recorded): a retry may run again.
IDEMPOTENCY_ABANDONED_SECONDS = env_int("IDEMPOTENCY_ABANDONED_SECONDS", 60)
# Request bodies: larger ones get 413 problem+json.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", 1024 * 1024)
# Requests per API token and per signed-in (session) user, counted atomically where every gunicorn
# worker sees the same count (Redis or PostgreSQL), so the limit holds for the whole server. Over it:
# 429 problem+json with Retry-After. `off` disables one.
API_RATE_LIMITS = {
    "token": env_rate("RATE_LIMIT_TOKEN", "600/min"),
    "session": env_rate("RATE_LIMIT_SESSION", "600/min"),
}

# API tokens: only an HMAC of each secret is stored, keyed by TOKEN_HMAC_KEY (derived from
# SECRET_KEY unless set; rotating it invalidates every token).
TOKEN_MAX_DAYS = int(os.environ.get("TOKEN_MAX_DAYS", "365"))
# How long a process answers a token it looked up with what it found, checking per request only that the
# token still holds and the user's own grants are unchanged (accounts/services.token_for_secret): the
# bound for a change of what a group grants to reach tokens in use. 0 looks every token up every time.
TOKEN_CACHE_SECONDS = env_int("TOKEN_CACHE_SECONDS", 60)
TOKEN_HMAC_KEY = os.environ.get("TOKEN_HMAC_KEY") or hashlib.sha256(b"fms-api-token:" + SECRET_KEY.encode()).hexdigest()

# What a purchaser reads (DESIGN §8): its case documents nest the lines of the document in force,
# which the documents app (above cases) builds; the cases app asks for them through this hook.
PURCHASER_CASE_LINES = "fms.documents.selectors.shown_lines_json"
PURCHASER_CASE_LINE_ROWS = "fms.documents.selectors.shown_line_rows"
# A case's estimated_total before any document is frozen: its working lines priced today, an SQL
# expression on the outer case built by the documents app's pricing (staff only: DESIGN §8).
CASE_WORKING_COPY_TOTAL = "fms.documents.estimate.working_copy_total"

# The read audit (fms/accounts/read_audit.py, audit_spool.py; docs/operations.md "Read audit"): every
# response carrying purchaser data is spooled to a local file before it is sent, and shipped to the
# database in batches. READ_AUDIT_ENABLED=0 is for the benchmark's with/without comparison only.
READ_AUDIT_ENABLED = env_bool("READ_AUDIT_ENABLED", True)
READ_AUDIT_SPOOL_DIR = Path(os.environ.get("READ_AUDIT_SPOOL_DIR") or BASE_DIR / "var" / "read-audit")
# Off by default: a killed worker loses no row (the kernel holds the write), a host crash at most the
# rows of the last READ_AUDIT_FLUSH_SECONDS / READ_AUDIT_BATCH not yet shipped, as auditd's
# flush = incremental_async with freq = 100 that DISA's RHEL 9 STIG (V-258168) asks for. On: every read is
# fdatasync'd before its answer, about 3 ms per read on this VM's disk (docs/operations.md "Read audit").
READ_AUDIT_FSYNC = env_bool("READ_AUDIT_FSYNC", False)
READ_AUDIT_FLUSH_SECONDS = float(os.environ.get("READ_AUDIT_FLUSH_SECONDS") or 2)
READ_AUDIT_BATCH = env_int("READ_AUDIT_BATCH", 500)
READ_AUDIT_FLUSHER = env_bool("READ_AUDIT_FLUSHER", True)  # the tests ship with audit_spool.flush()
READ_AUDIT_RETENTION_DAYS = env_int("READ_AUDIT_RETENTION_DAYS", 7 * 366)
# ---- Second factors (fms/accounts/mfa.py) and single sign-on (fms/accounts/sso.py) -----------------
OTP_TOTP_ISSUER = "FMS Records"
# Passkeys belong to a domain (the relying party): WEBAUTHN_RP_ID, e.g. fms.example.gov; the pages'
# origins must be listed in WEBAUTHN_ORIGINS. Passkeys are a second factor here, never a sign-in alone.
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "FMS Records"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", "http://localhost:8000")
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# OpenID Connect sign-in, on when OIDC_ISSUER is set: it signs in existing users only (matched by
# the OIDC_USERNAME_CLAIM claim to the user name) and never creates one. With OIDC_TRUST_MFA=1 an
# `amr` claim naming a second factor counts as our MFA.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_TRUST_MFA = env_bool("OIDC_TRUST_MFA", False)
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=refused"
if OIDC_ISSUER:
    AUTHENTICATION_BACKENDS.append("fms.accounts.sso.SsoBackend")
