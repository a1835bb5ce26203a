"""HazardTrack settings: everything a deployment changes comes from the environment.

SQLite at var/hazardtrack.sqlite3 by default; PostgreSQL by setting DATABASE_URL.
"""

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HAZARDTRACK_VAR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
# An .env file beside manage.py is optional; real deployments set the environment.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def _bool(name, default):
    """A malformed boolean is a configuration error, not a quiet False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def _secret_key():
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    key_file = env.str("SECRET_KEY_FILE", default="")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    # Generated once per installation and kept in var/, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


DEBUG = _bool("DEBUG", False)
SECRET_KEY = _secret_key()
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for FORM_RENDERER
    "django_filters",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "grid",
    "enterprises",
    "inspections",
    "hazards",
    "reports",
    "jobs",
    "criteria",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.compression.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.LimitUploadsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "enterprises.accounts.FirstPasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.RefuseOverflowingNumbersMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Every form gets its Bootstrap classes and field layout here (core/forms.py).
FORM_RENDERER = "core.forms.BootstrapRenderer"

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
                "grid.navigation.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hazardtrack.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write at once: WAL lets readers go on while one writes,
    # busy_timeout waits for the lock instead of failing, and IMMEDIATE takes the write
    # lock at BEGIN so two writers never deadlock upgrading a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA busy_timeout=20000;PRAGMA synchronous=NORMAL;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Persistent connections on both databases (issue 17): a new SQLite connection per request
# ran the three PRAGMAs above each time (/healthz 1,533 → 4,226 req/s with them kept). The
# PRAGMAs now run once per connection; health checks drop a broken one before a request.
# A restore (core.backup) closes the connection before it replaces the database.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling for 15 minutes, counted twice: five failures for one username (from any
# address) lock that username; five failures from one address (over any usernames) lock
# that address, so no one can try four passwords on every account in turn.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind nginx every request comes from 127.0.0.1: with TRUSTED_PROXY_COUNT=1 the lockout
# reads the client's address from X-Forwarded-For (set by that one trusted proxy).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Photos and export files are never served from a public URL: scoped views stream them.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"

# gzip level of the HTML and JSON the views send (core.compression): 1, nginx's default, is
# a quarter of level 6's CPU for ~10 % more bytes (issue 17).
GZIP_LEVEL = env.int("GZIP_LEVEL", default=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# No page takes more files than the photos of one request (PHOTO_MAX_PER_REQUEST below).
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("PHOTO_MAX_PER_REQUEST", default=10)

# --- Security -------------------------------------------------------------------------------
HTTPS = _bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts only from our own static files: no inline script or on…= handler is left in the
# templates (tests/test_headers.py), so a script injected into a page does not run. Inline
# style attributes stay allowed (templates, ECharts' SVG, htmx's indicator style); photo
# previews are blob: URLs, Bootstrap's form icons data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", True)
else:
    # Township intranets often run plain HTTP; `check --deploy` documents HTTPS=true.
    SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# --- Background jobs (django-tasks, database backend: no broker on a township PC) -----------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# The dashboard's tables are kept per scope for this many seconds (0: never cached); a new
# hazard, transition, inspection, enforcement action or order refreshes them at once.
# Local memory: each worker keeps its own copy, nothing to install or to invalidate.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hazardtrack",
    }
}
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)
# The report page's table (汇总), per scope and criteria, by the same data stamp (0: never
# cached); its Excel export, the commands and a closed period's page always count afresh.
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=300)
# The ledger's state tabs of a scope of places (not an enterprise account), by the same data
# stamp (0: never cached); with no filter read from hazards.StateCount, with a filter counted.
LEDGER_TABS_CACHE_SECONDS = env.int("LEDGER_TABS_CACHE_SECONDS", default=300)
# The filter cards' township, cell and inspector options, kept per scope and grid stamp (a new
# or removed cell, assignment or user shows at once, a renamed one within this time); 0: off.
FILTER_CHOICES_CACHE_SECONDS = env.int("FILTER_CHOICES_CACHE_SECONDS", default=300)
# Exports and imports larger than this many rows run in the background worker.
JOB_THRESHOLD_ROWS = env.int("JOB_THRESHOLD_ROWS", default=2000)
JOB_RETENTION_DAYS = env.int("JOB_RETENTION_DAYS", default=7)
JOB_PROGRESS_EVERY = env.int("JOB_PROGRESS_EVERY", default=500)
# Upload pages import files up to this size at once; larger ones run in the worker.
IMPORT_INLINE_MAX_BYTES = env.int("IMPORT_INLINE_MAX_BYTES", default=256 * 1024)

# django-filter: an unset choice filter reads "全部" rather than "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
# No "is empty" choice: with a label set, django-filter adds the value "null" to every
# choice filter, including ones filtered by a method, and ?status=null reached the ledger.
FILTERS_NULL_CHOICE_LABEL = None

# --- Domain settings ------------------------------------------------------------------------
HAZARDTRACK_COUNTY_NAME = env.str("COUNTY_NAME", default="")
PHOTO_MAX_BYTES = 15 * 1024 * 1024
# Plausible dates (hazards/dates.py): 发现日期 and 检查日期 at most this many days back,
# 整改期限, 延期 and 督办期限 at most this many days ahead. Ledger imports keep their own rules.
HAZARDTRACK_PAST_DAYS = env.int("PAST_DAYS", default=365)
HAZARDTRACK_DEADLINE_DAYS = env.int("DEADLINE_DAYS", default=365)
PHOTO_MAX_PIXELS = 50_000_000
# One request may make a worker decode only so much (hazards/photos.py, check_request):
# ten photos, a PNG (no draft mode: every pixel decoded) at most 16 MP, and 64 MP decoded
# in all (a phone JPEG counts about 3 MP at its draft size). docs/benchmarks.md §Photos.
PHOTO_MAX_PER_REQUEST = env.int("PHOTO_MAX_PER_REQUEST", default=10)
PHOTO_MAX_PIXELS_UNDRAFTED = 16_000_000
PHOTO_MAX_REQUEST_PIXELS = 64_000_000
PHOTO_MAX_SIDE = 1920
PHOTO_THUMB_SIDE = 320
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# A request body larger than this is refused from its Content-Length, before it is read
# (core.middleware.LimitUploadsMiddleware): the largest import plus the form around it.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=IMPORT_MAX_BYTES + 2 * 1024 * 1024)

# --- Reminders (notifications/, docs/notifications.md) ----------------------------------------
NOTIFY_DUE_SOON_DAYS = env.int("NOTIFY_DUE_SOON_DAYS", default=3)
NOTIFY_OVERDUE_TOWNSHIP_DAYS = env.int("NOTIFY_OVERDUE_TOWNSHIP_DAYS", default=7)
NOTIFY_OVERDUE_COUNTY_DAYS = env.int("NOTIFY_OVERDUE_COUNTY_DAYS", default=30)
NOTIFY_FIX_WAITING_DAYS = env.int("NOTIFY_FIX_WAITING_DAYS", default=3)
NOTIFY_ORDER_DUE_DAYS = env.int("NOTIFY_ORDER_DUE_DAYS", default=3)
# The day of the month by which an enterprise files last month's self-report (自查自报).
NOTIFY_SELFREPORT_DAY = env.int("NOTIFY_SELFREPORT_DAY", default=5)
NOTIFY_DIGEST_HOUR = env.int("NOTIFY_DIGEST_HOUR", default=7)  # local time
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=300)  # doubled per failure
NOTIFY_TIMEOUT = env.int("NOTIFY_TIMEOUT", default=10)  # seconds, SMTP and webhook
# The address users open the product at (https://yhpc.example.gov.cn): digests sent by mail
# and to group robots link to its pages. Empty: the digests name the page instead.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
# Mail only where a server is configured: EMAIL_URL (smtp://user:pass@host:25,
# smtp+tls://…:587, smtp+ssl://…:465) or EMAIL_HOST and friends. No server, no mail.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_HOST = env.str("EMAIL_HOST", default="")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _bool("EMAIL_USE_SSL", False)
NOTIFY_EMAIL = bool(env.str("EMAIL_URL", default="") or env.str("EMAIL_HOST", default=""))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hazardtrack@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
