"""Settings for the Business Centre Portal, read from the environment.

Every variable is listed in the README. Debug is off unless DJANGO_DEBUG says on, and
without debug a missing DJANGO_SECRET_KEY, PORTAL_BASE_URL or DJANGO_DEFAULT_FROM_EMAIL
stops start-up: none of them has a production fallback.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")


def env_required(name: str, *, debug_default: str, example: str) -> str:
    """A setting production cannot guess: required when debug is off, a local default in
    debug only (never a quiet production fallback)."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off, e.g. {example}")
    return debug_default


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Debug only: a key that changes per checkout is never a production fallback.
    SECRET_KEY = "insecure-development-key-" + str(BASE_DIR)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, so that its admin classes and translated fields are set up first.
    "modeltranslation",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with our site (portal.backoffice)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "simple_history",
    "django_tasks_db",
    "portal",
    "agreements",
    "events",
]

MIDDLEWARE = [
    # Outermost, so that static files and redirects get them too: the request id and the
    # access log line, 405 for methods we do not use (TRACE …), Cross-Origin-Resource-Policy.
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, with the header built once per policy when the page used no nonce.
    "portal.django_layers.ContentSecurityPolicyMiddleware",
    # An anonymous visitor's cached page is answered here, before sessions, authentication,
    # messages, CSRF, change history and axes (portal.pagecache).
    "portal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, with the language decision remembered per prefix, cookie and header.
    "portal.django_layers.LocaleMiddleware",
    # Control characters in the path, query string or a form: 400 in the visitor's language,
    # before any view, filter or database query sees them.
    "portal.middleware.RejectControlCharactersMiddleware",
    # Django's, with the Host header's validation remembered per host.
    "portal.django_layers.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's MessageMiddleware, with the message storage made only when something uses it,
    # and simple_history's HistoryRequestMiddleware, which records the logged-in user on
    # change-history entries (agreements, measures, events, registrations), in one layer.
    "portal.django_layers.MessagesAndHistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The headers of Django's two layers above (security, clickjacking), set here more
    # cheaply; they find them present.
    "portal.django_layers.StandardHeadersMiddleware",
    # A GET or HEAD whose database connection was lost mid-request runs once more.
    "portal.middleware.RetryLostDatabaseConnectionMiddleware",
    # Last: turns a lock-out flagged during authentication into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The few statements sent with the server's own parameter binding (a registration's
    # claim: events.seat_claim) are kept prepared on the server after this many executions
    # (Django's own queries bind on the client and are never prepared). "off" behind a
    # connection pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21, or without max_prepared_statements).
    PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    if PREPARE_THRESHOLD != "off":
        if not PREPARE_THRESHOLD.isdigit():
            raise ImproperlyConfigured(
                "DATABASE_PREPARE_THRESHOLD must be a number of executions (e.g. 5) or off."
            )
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = int(PREPARE_THRESHOLD)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {
                # Writers take the lock when the transaction starts, so a
                # read-then-write (capacity check) cannot be interleaved.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Like RedisCache, but an unreachable Redis is a cache miss, not a 500.
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: after 5 failed admin logins for one username from one address, that pair is
# locked out for 30 minutes. The first backend only checks the lock; ModelBackend logs in
# (and, having get_user, is the one the test client's force_login picks).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"

# Languages: English is the default; every public URL carries its language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("az", _("Azerbaijani")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats of our own where Django's read wrong ("8 dekabr", "8 декабря": portal/formats).
FORMAT_MODULE_PATH = ["portal.formats"]

# Content in three languages (django-modeltranslation): every translated field <f> has the
# columns <f>_en, <f>_ru and <f>_az, and an item may be written in any of them first. A
# visitor reads their own language where it is written, otherwise the first written one of
# this order (portal.languages marks such text with its own lang and a note).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "ru", "az"),
    "en": ("ru", "az"),
    "ru": ("en", "az"),
    # Russian is the second language of most of the centre's Azerbaijani readers.
    "az": ("ru", "en"),
}
# Every language is optional at the field level; portal.languages requires one of them.
MODELTRANSLATION_REQUIRED_LANGUAGES = ()
# "title (EN)", "title (RU)", "title (AZ)" in forms and messages.
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda name, code: format_lazy(  # noqa: E731
    "{} ({})", name, code.upper()
)
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Astrakhan")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# WhiteNoise serves hashed files (name.1a2b3c.css) for ten years, "immutable"; the others for
# WHITENOISE_MAX_AGE (60 s). Our static files are for our own pages: no CORS header.
WHITENOISE_ALLOW_ALL_ORIGINS = False

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: SMTP when EMAIL_HOST is set, otherwise files under var/mail/ for development.
_smtp_host = os.environ.get("EMAIL_HOST", "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 15,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": VAR_DIR / "mail"},
        }
    }
DEFAULT_FROM_EMAIL = env_required(
    "DJANGO_DEFAULT_FROM_EMAIL", debug_default="portal@localhost", example="portal@example.org"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = env_list("DJANGO_ADMINS")  # addresses; (name, address) pairs are deprecated

# Background work (emails above all) goes through Django's Tasks framework. The database
# backend keeps the queue in the portal's own database, so that several app servers share it;
# `manage.py run_worker` runs the tasks (README, "Deploying").
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Security (the production defaults; debug relaxes only what runserver needs).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Only staff log in: a staff session ends after 8 hours or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # set by portal.middleware
X_FRAME_OPTIONS = "DENY"
# Nothing is allowed unless listed. No inline scripts or styles: what little inline code is
# really needed carries the per-request nonce ({% csp_nonce_attr %}). Bootstrap's CSS draws
# some icons with data: SVG images, hence data: for images only.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if DEBUG:
    # Django's debug error pages use inline styles and scripts: in debug the policy only
    # reports (browser console) so that they stay readable. Tests and production enforce it.
    SECURE_CSP_REPORT_ONLY, SECURE_CSP = SECURE_CSP, {}
# Behind a reverse proxy: trust its X-Forwarded-Proto and its last X-Forwarded-For entry.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless they are Secure, for "/"
    # and set by this very host (no Domain): a sibling subdomain cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers ask for the health check over plain HTTP, on the app server itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGIN_URL = "admin:login"

# Logs go to stdout, one JSON object per line (or plain text: DJANGO_LOG_FORMAT=plain, the
# default in debug), each with the request id that portal.middleware.RequestIdMiddleware set
# and without personal data (portal.logs.RedactFilter).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {
        "request_id": {"()": "portal.logs.RequestIdFilter"},
        # On every handler: no email address, phone number or registrant token in any log.
        "redact": {"()": "portal.logs.RedactFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "as_warning": {"()": "portal.logs.AsWarning"},
    },
    "handlers": {
        "console": {
            # logging.StreamHandler, writing the access log's line in one step.
            "class": "portal.logs.ConsoleHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["request_id", "redact"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact"],
            "reporter_class": "portal.logs.RedactingExceptionReporter",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        # A bad Host header is a scanner's or a stray client's doing, not a fault of ours: a
        # warning on the console (the visitor gets a 400), never an email to the admins.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "filters": ["as_warning"],
            "propagate": False,
        },
        # One line per request is the access log; runserver prints its own.
        "portal.request": {"level": "WARNING" if DEBUG else "INFO"},
    },
}

# A folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf for the link-preview cards
# (portal.cards), when the fonts are not in the system's font folders.
PORTAL_CARD_FONT_DIR = os.environ.get("PORTAL_CARD_FONT_DIR", "")

# Whole pages for anonymous visitors are cached this many seconds (0: off); any staff change to
# public content also makes them stale at once (portal.pagecache).
PORTAL_PAGE_CACHE_SECONDS = int(os.environ.get("PORTAL_PAGE_CACHE_SECONDS", "60"))

# How many items a public list shows per page.
NEWS_PER_PAGE = 10

# Form submissions (registrations, lost-link requests) one address may make in 10 minutes.
# Generous, because a company office or a registration desk shares one address.
PORTAL_SUBMISSIONS_PER_WINDOW = int(os.environ.get("PORTAL_SUBMISSIONS_PER_WINDOW", "30"))

# Events: the site's public address, for links in emails and calendar files (their ids too).
PORTAL_BASE_URL = env_required(
    "PORTAL_BASE_URL", debug_default="http://localhost:8000", example="https://portal.example.org"
).rstrip("/")
if not PORTAL_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"PORTAL_BASE_URL must start with https:// (or http://), not {PORTAL_BASE_URL!r}"
    )

# Privacy: registrations of events that ended more than this many days ago are anonymised by
# `manage.py purge_personal_data` (cron). The change history in the admin is read-only.
PORTAL_RETENTION_DAYS = int(os.environ.get("PORTAL_RETENTION_DAYS", "365"))
SIMPLE_HISTORY_REVERT_DISABLED = True
