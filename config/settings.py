"""Settings for the league platform, read from environment variables.

Development defaults are safe: DEBUG is off unless asked for, the database is a
SQLite file unless DATABASE_URL names another one. A variable that is set but empty
counts as not set. With DEBUG off, SECRET_KEY must be given (production refuses to
start on a built-in key); `make run` and the test suite ask for DEBUG or a key of
their own. Test overrides live in tests/conftest.py.
"""
import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """The variable's value; unset, empty or blank all mean the default."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production set the SECRET_KEY environment variable to a "
            "long random value (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "for development set DEBUG=1 (make run does).")
    SECRET_KEY = "dev-only-insecure-key-DEBUG-is-on"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # daphne's runserver serves ASGI, so `make run` streams events (league.push).
    "daphne",
    "league.adminsite.LeagueAdminConfig",  # django.contrib.admin with the season dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "league",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "league.http_cache.PublicFastPath",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its 429 answer
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Short write transactions take the write lock up front instead of failing late.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Instant updates (league.push, django-eventstream): across server processes through Redis
# pub/sub when REDIS_URL is set; else within the one process (`make run`).
if os.environ.get("REDIS_URL"):
    from redis.connection import parse_url as _parse_redis_url

    EVENTSTREAM_REDIS = _parse_redis_url(os.environ["REDIS_URL"])

# Background jobs (Celery, config/celery.py, docs/jobs.md): e-mail, webhook deliveries,
# housekeeping. With CELERY_BROKER_URL set (Redis, e.g. redis://127.0.0.1:6379/2) a worker runs
# them (`make worker`: celery -A config worker -B); unset, they run eagerly in the web process
# right after the commit, so `make run` stays one command without a worker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_BROKER_URL = CELERY_BROKER_URL or "redis://127.0.0.1:6379/2"
CELERY_TASK_EAGER_PROPAGATES = False  # an eager job's failure is its own record, never the request's
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task: the broker hands the task out again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis down: a write still answers within seconds; its outbox rows wait for the housekeeping.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "housekeeping": {"task": "league.jobs.tasks.housekeeping",
                     "schedule": env_int("HOUSEKEEPING_SECONDS", 300)},
}
# Webhooks (docs/webhooks.md): attempts before a delivery becomes a dead letter, the first
# retry's wait (doubling each time, at most an hour), the receiver's time to answer.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 10)
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "5"))
# Endpoints on loopback, private or link-local addresses are refused (SSRF) unless allowed, as
# in development, the tests and the multi-server rig.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
# E-mail (docs/jobs.md): the console in development, SMTP from the environment in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG
                    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Robot Fighting League <noreply@localhost>")
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
# Links in e-mails point here (the public address of the site).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Referee posts' stored answers (league/services/idempotency.py) are kept this long.
IDEMPOTENT_POST_DAYS = env_int("IDEMPOTENT_POST_DAYS", 7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "referee:login"
LOGIN_REDIRECT_URL = "referee:home"
LOGOUT_REDIRECT_URL = "public:home"

# Password guessing (django-axes, on /admin/login/ and /referee/login/): 5 failed sign-ins for
# one user name from one address lock that pair for 15 minutes (a referee mistyping at the venue
# does not lock out the others behind the same Wi-Fi address, and nobody can lock a referee out
# from elsewhere). An organizer sees and removes lockouts in the admin (Axes: access attempts).
# The address is REMOTE_ADDR: behind a proxy that is the proxy's, so the lock is per user name.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "league.views.login.lockout_response"

# Stored in UTC; every season is shown in its own time zone (Season.time_zone).
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "league" / "locale"]
# Sent on a top-level navigation from another site (a link to us) but not on its subrequests;
# /lang/ itself refuses a change that another site starts (league/views/language.py).
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security: on unless the development server is asked for.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and env_bool("HTTPS", False))
SESSION_COOKIE_SECURE = env_bool("HTTPS", False)
CSRF_COOKIE_SECURE = env_bool("HTTPS", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Broadcast tools (OBS, vMix, a streaming site) that may frame the ring overlays, e.g.
# BROADCAST_FRAME_ANCESTORS="https://studio.example.org,http://192.168.1.50:8080". Only the
# broadcast views (league.views.broadcast) are framable, and only by these origins.
BROADCAST_FRAME_ANCESTORS = env_list("BROADCAST_FRAME_ANCESTORS")

# Public responses (league/http_cache.py): how long browsers (max_age) and shared caches in
# front of the app (s_maxage, then stale_while_revalidate while one request refreshes) may keep
# an anonymous public page, fragment or feed document. While a season runs an edge copy is at
# most 2 s old; a finished season changes only by a correction.
PUBLIC_CACHE_LIVE = {"max_age": 1, "s_maxage": 1, "stale_while_revalidate": 1}
PUBLIC_CACHE_FINISHED = {"max_age": 60, "s_maxage": 300, "stale_while_revalidate": 3600}

# Content-Security-Policy from day one: no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
