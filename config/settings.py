"""Settings for the league platform, read from environment variables.

Development defaults are safe: DEBUG is off unless asked for, the database is a
SQLite file unless DATABASE_URL names another one. A variable that is set but empty
counts as not set. With DEBUG off, SECRET_KEY must be given (production refuses to
start on a built-in key); `make run` and the test suite ask for DEBUG or a key of
their own. Test overrides live in tests/conftest.py.
"""
import datetime as dt
import ipaddress
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
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


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
    "django_prometheus",
    # Team accounts on the teams' site (/my-team/account/): sign-up, e-mail verification,
    # password reset. No social providers.
    "allauth",
    "allauth.account",
    "league",
]

MIDDLEWARE = [
    # First: request latency including every middleware, the fast path's answers too (/metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID) on the response and on every log line; one access line.
    "league.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A body larger than its part of the site takes is refused (413) before it is read
    # (league/bodylimit.py; under ASGI config/asgi.py checks it before Django reads the body).
    "league.bodylimit.BodyLimitMiddleware",
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
    # Latency and status per view, for the requests that reach the full stack.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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

# Connections are kept CONN_MAX_AGE seconds and checked before a request reuses one
# (CONN_HEALTH_CHECKS): after the database restarts or drops them (pg_terminate_backend,
# a failover) the next request reconnects instead of failing (measured by bench/rig.py).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Short write transactions take the write lock up front instead of failing late.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# With Redis: shared by every server process, and served without while Redis is down (a miss,
# not a 500: league/resilient_cache.py; short timeouts so a request never waits long for it).
CACHES = {
    "default": (
        {"BACKEND": "league.resilient_cache.ResilientRedisCache", "LOCATION": env("REDIS_URL"),
         "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Instant updates (league.push, django-eventstream): across server processes through Redis
# pub/sub when REDIS_URL is set; else within the one process (`make run`).
if env("REDIS_URL"):
    from redis.connection import parse_url as _parse_redis_url

    # A connect gives up quickly; the subscription itself has no read timeout (it waits for
    # events). league.push.listener reconnects it and closes streams while Redis is away.
    EVENTSTREAM_REDIS = {**_parse_redis_url(env("REDIS_URL")), "socket_connect_timeout": 1}

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
    "allauth.account.auth_backends.AuthenticationBackend",  # team accounts sign in by e-mail
]
LOGIN_URL = "referee:login"
LOGIN_REDIRECT_URL = "referee:home"
LOGOUT_REDIRECT_URL = "public:home"

# Password guessing (django-axes, on /admin/login/ and /referee/login/): 5 failed sign-ins for
# one user name from one address lock that pair for 15 minutes (a referee mistyping at the venue
# does not lock out the others behind the same Wi-Fi address, and nobody can lock a referee out
# from elsewhere). An organizer sees and removes lockouts in the admin (Axes: access attempts).
# The address is REMOTE_ADDR: behind a proxy that is the proxy's, so the lock is per user name.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "league.views.login.lockout_response"
# The user name axes counts: the staff forms' "username", the team sign-in's e-mail (allauth).
AXES_USERNAME_CALLABLE = "league.forms.auth.axes_username"

# Team accounts (django-allauth, league/views/teamsite.py): an e-mail address is the login,
# verified before the account can sign in; throttled by allauth's rate limits and by axes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Robot Fighting League] "
ACCOUNT_ADAPTER = "league.accounts.TeamAccountAdapter"
ACCOUNT_FORMS = {"login": "league.forms.auth.TeamLoginForm"}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# Team invitations (co-managers): a signed link valid this long.
TEAM_INVITATION_DAYS = env_int("TEAM_INVITATION_DAYS", 7)
# Uploads of the teams' site: proofs of registration (PDF, JPEG, PNG) and robot photos.
TEAM_UPLOAD_MAX_BYTES = env_int("TEAM_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Kept out of any public folder; served only by league.views.teamsite after a permission check.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))

# E-mail: printed on the console in development; SMTP from the environment in production.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Robot Fighting League <noreply@robot-league.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
# Where collectstatic puts the files whitenoise serves (make serve runs it at each start).
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Proofs of registration, robot photos, protest evidence: never under a public URL
    # (league.uploads).
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
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
# Health checks and the metrics scrape reach each server directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
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

# Logs (docs/operations.md): one JSON object per line in production (LOG_FORMAT=json, the
# default with DEBUG off), plain text in development; every line of a request carries its id
# (league.observability). ACCESS_LOG=0 silences the one line per request (logger league.access).
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "league.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "league.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    "loggers": {
        "league.access": {"level": "INFO" if env_bool("ACCESS_LOG", not DEBUG) else "WARNING"},
        # Django's own request lines would repeat the access line, without its fields.
        "django.request": {"level": "ERROR"},
    },
}

# Prometheus metrics at /metrics (league/metrics.py): answered only to a direct request (nothing
# forwarded by a proxy) from these addresses or networks, e.g. "127.0.0.1,::1,10.0.5.0/24".
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS: {_network!r} is not an address or network.") from None
