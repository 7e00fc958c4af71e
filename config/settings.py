"""One settings module, driven by environment variables (see .env.example).

A fresh checkout runs with zero configuration on an embedded SQLite database
under var/. DATABASE_URL switches to PostgreSQL.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is for local runs only; production sets SECRET_KEY (checked by `check --deploy`).
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Keep numpy/scipy from oversubscribing the two cores web and worker processes share.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "cities4csr.core",
    "cities4csr.accounts",
    "cities4csr.cities",
    "cities4csr.organisations",
    "cities4csr.ledger",
    "cities4csr.funds",
    "cities4csr.needs",
    "cities4csr.offers",
    "cities4csr.pledges",
    "cities4csr.campaigns",
    "cities4csr.volunteering",
    "cities4csr.impact",
    "cities4csr.instruments",
    "cities4csr.documents",
    "cities4csr.matching",
    "cities4csr.reporting",
    "cities4csr.opendata",
    "cities4csr.privacy",
    "cities4csr.homes",
    "cities4csr.web",
    "cities4csr.api",
    "cities4csr.demo",
    "csp",
]

MIDDLEWARE = [
    # Outermost: pages and API answers are compressed for browsers that accept it (Django's
    # gzip pads each response against BREACH); WhiteNoise sends static files precompressed.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost with SecurityMiddleware, so that every response gets their headers: static files
    # (WhiteNoise answers before the middleware below it) and the locale redirects included.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cities4csr.core.middleware.LocaleMiddleware",  # Django's, with no redirect of an API 404
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cities4csr.core.middleware.IntegrityErrorMiddleware",  # a refused write in words, not a 500
    "cities4csr.core.middleware.SessionIdleTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cities4csr.cities.middleware.CityTenantMiddleware",
    "cities4csr.core.middleware.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cities4csr.web.context_processors.site",
            ],
        },
    }
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cities4csr.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions: readers never block the writer and writers queue
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: log in by e-mail, no username.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
LOGIN_REDIRECT_URL = "/"
# Two-factor authentication (allauth.mfa), optional for every person: an authenticator app's
# codes (TOTP) and one-time recovery codes. Set up at /<lang>/accounts/2fa/; then every login asks
# for a code after the password. No WebAuthn: it needs a script of its own on the login page.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Cities4CSR")
LOGIN_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [("it", _("Italian")), ("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages write dates day-first, as in Britain (config/formats/en): never "12/01/2026"
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve static files straight from the app and static/ folders, so a checkout runs without
# collectstatic; production may collectstatic and turn this off.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files are answered by permission-checked views (cities4csr/core/files.py), never from
# MEDIA_URL. In production the view may hand the sending to the web server: FILES_ACCEL_REDIRECT
# names nginx's internal location of MEDIA_ROOT (e.g. "/protected-media/", X-Accel-Redirect);
# FILES_SENDFILE=true sends X-Sendfile (Apache mod_xsendfile, lighttpd). docs/deployment.md.
FILES_ACCEL_REDIRECT = env.str("FILES_ACCEL_REDIRECT", default="")
FILES_SENDFILE = env.bool("FILES_SENDFILE", default=False)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cities4CSR <no-reply@localhost>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
#: for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (the browser tests read it)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so that a refused key (or none where one is needed) is a 401 with
        # "WWW-Authenticate: Api-Key"; personal API keys replace DRF's plaintext tokens (ADR 0014)
        "cities4csr.accounts.apikeys.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "cities4csr.core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cities4CSR API",
    "DESCRIPTION": "Steer corporate social responsibility toward the needs of a city's neighbourhoods.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cities4csr.core.api.exceptions.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "cities4csr.organisations.models.Organisation.Kind",
        "ResourceKindEnum": "cities4csr.needs.models.ResourceKind",
        "EvidenceKindEnum": "cities4csr.pledges.models.Evidence.Kind",
        "NeedStateEnum": "cities4csr.needs.models.Need.State",
        "PledgeStateEnum": "cities4csr.pledges.models.Pledge.State",
        "CampaignStateEnum": "cities4csr.campaigns.models.Campaign.State",
        "PledgePartnerStateEnum": "cities4csr.pledges.models.PledgePartner.State",
        "MembershipRoleEnum": "cities4csr.organisations.models.Membership.Role",
        "CityRoleEnum": "cities4csr.organisations.models.CityRole.Role",
        "FundStateEnum": "cities4csr.funds.models.Fund.State",
        "ContributionStateEnum": "cities4csr.funds.models.Contribution.State",
        "ActivityKindEnum": "cities4csr.volunteering.models.Activity.Kind",
        "ActivityStateEnum": "cities4csr.volunteering.models.Activity.State",
        "SlotStateEnum": "cities4csr.volunteering.models.Slot.State",
        "RegistrationStateEnum": "cities4csr.volunteering.models.Registration.State",
        "SeriesFrequencyEnum": "cities4csr.volunteering.models.Series.Frequency",
    },
}

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

# Card payments through a provider (funds.providers, docs/adr/0029): none unless named here with
# its keys. Without them no card option is shown and the checkout and webhook addresses are 404.
CARD_PROVIDER = env.str("CARD_PROVIDER", default="")
# Stripe: the secret API key (sk_live_… / sk_test_…) and the webhook endpoint's signing secret
# (whsec_…); never committed: from the process environment or an uncommitted .env.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# How old (seconds) a signed webhook may be before it is refused as a replay.
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)

# --- Production: HTTPS, proxy, cookies, headers (see .env.production.example, docs/deployment.md).
# Every default is a local, plain-HTTP one, so `make demo` and the tests run without any of them.
# The public address of the site, without a trailing slash (links in e-mails, the accessibility statement).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
#: where vulnerabilities are reported (/.well-known/security.txt): a mailto: or https: URI
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="mailto:security@localhost")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a TLS-terminating proxy: "HTTP_X_FORWARDED_PROTO,https" (the header the proxy sets, and
# the value meaning HTTPS). Only set it when the proxy overwrites that header on every request.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
if SECURE_PROXY_SSL_HEADER is not None and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ValueError("SECURE_PROXY_SSL_HEADER is 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# No script reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): scripts, styles and fonts from the site only, no inline
# script or style attribute anywhere. Leaflet positions the map through the CSSOM, which CSP allows.
# A city's map tile host is added to img-src by the city's home page (cities.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # data: for the icon font Bootstrap Italia's own stylesheet embeds (video player icons)
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": env.str("CSP_REPORT_URI")} if env.str("CSP_REPORT_URI", default="") else {}),
    },
}

# --- Limits and sessions (docs/deployment.md, "Limits and sessions") -------------------------
# One cache shared by every web process: allauth's login limits and the API's throttles count
# there. Without CACHE_URL it is a table in the database (created by core's migration 0002), so
# several gunicorn workers count together; CACHE_URL=redis://... for Redis. Never locmem in
# production: each process would count apart (the first refusal came at the 13th password).
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://cities4csr_cache")}
# Proxies in front of the app that append to X-Forwarded-For (nginx: 1). 0 trusts REMOTE_ADDR
# only, so that a client cannot choose the address its limits are counted on.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Failed logins, counted per address (ip) and per account (key, the e-mail): past either limit
# the login is refused, the right password too, until the window has passed or the owner resets
# the password by e-mail (allauth then clears the account's count). The address limit is not
# above the account's: one address alone cannot lock an account and then go on to the next.
LOGIN_FAILED_IP_RATE = env("LOGIN_FAILED_IP_RATE", default="20/15m")
LOGIN_FAILED_ACCOUNT_RATE = env("LOGIN_FAILED_ACCOUNT_RATE", default="20/15m")
ACCOUNT_ADAPTER = "cities4csr.homes.adapter.LandingAccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": f"{LOGIN_FAILED_IP_RATE}/ip,{LOGIN_FAILED_ACCOUNT_RATE}/key"}
# API throttles (DRF), on the same cache; rates as "N/second|minute|hour|day".
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "cities4csr.core.api.throttles.AnonThrottle",
    "cities4csr.core.api.throttles.UserThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env("API_THROTTLE_ANON", default="120/minute"),
    "user": env("API_THROTTLE_USER", default="600/minute"),
    # the instrument advisor computes for anyone: a tighter rate of its own
    "advisor": env("API_THROTTLE_ADVISOR", default="30/minute"),
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# Sessions: at most SESSION_COOKIE_AGE seconds, and logged out after SESSION_IDLE_TIMEOUT
# minutes without a request (cities4csr.core.middleware; 0 turns the idle timeout off).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30)
# Public pages of visitors who are not logged in, kept this many seconds in the cache (0: off; 30
# in .env.production.example): what they read may be that old, a logged-in person's pages never
# are (core.middleware.PublicPageCacheMiddleware, docs/adr/0024-public-page-cache.md).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0)
PUBLIC_PAGE_CACHE_VIEWS = {"network_home", "city_home", "need_catalogue", "need_detail", "area_detail"}

# --- Deployment: uploaded files, logs, health, workers (docs/deployment.md) -------------------
# Uploaded files (needs' photos, pledge evidence, agreement drafts): on the filesystem under
# MEDIA_ROOT by default; MEDIA_STORAGE=s3 puts them in an S3-compatible bucket (django-storages),
# private, each link signed for S3_URL_EXPIRY seconds. Nothing here reaches the network: the
# storage connects at the first file it reads or writes.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _s3_endpoint = env.str("S3_ENDPOINT_URL", default="")
    _s3_custom_domain = env.str("S3_CUSTOM_DOMAIN", default="")
    if not (_s3_endpoint or _s3_custom_domain):
        raise ValueError("MEDIA_STORAGE=s3 needs S3_ENDPOINT_URL (e.g. https://s3.eu-south-1.amazonaws.com)")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": _s3_endpoint or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "custom_domain": _s3_custom_domain or None,
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": not _s3_custom_domain,
            "querystring_expire": env.int("S3_URL_EXPIRY", default=3600),
            "file_overwrite": False,
        },
    }
    # pages show needs' photos from the bucket: its origin joins img-src
    _s3_origin = f"https://{_s3_custom_domain}" if _s3_custom_domain else _s3_endpoint.rstrip("/")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] = [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], _s3_origin]
elif MEDIA_STORAGE != "filesystem":
    raise ValueError(f"MEDIA_STORAGE is 'filesystem' or 's3', not {MEDIA_STORAGE!r}")

# Logs on standard error, one JSON object a line (python-json-logger) with the request's id
# (X-Request-ID, cities4csr.core.logs); LOG_FORMAT=text for people reading a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cities4csr.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
MIDDLEWARE.insert(0, "cities4csr.core.logs.RequestIdMiddleware")
# Sessions in the database (default), or "django.contrib.sessions.backends.cached_db" to read
# them from the shared cache (Redis) first: every web process sees the same sessions either way.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# /healthz: the queue is down when a task ready to run has waited longer than this (no worker).
HEALTH_QUEUE_MAX_WAIT_MINUTES = env.int("HEALTH_QUEUE_MAX_WAIT_MINUTES", default=15)
