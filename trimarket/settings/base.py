"""Settings shared by every environment.

The environment is read once, here, through django-environ. With nothing configured the project runs on
embedded defaults that serve one machine (SQLite under var/, local-memory cache, in-memory channel layer,
Celery tasks in-process); DATABASE_URL and REDIS_URL switch to MariaDB and Redis.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-insecure-trimarket-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
# Keys sealing phone and bank account numbers at rest (apps.core.sealed), newest first: the first seals, all open.
# The default is a fixed development key (base64 of "trimarket-dev-field-key-not-prod"); prod refuses it.
DEV_FIELD_ENCRYPTION_KEY = "dHJpbWFya2V0LWRldi1maWVsZC1rZXktbm90LXByb2Q="
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])
# The release serving (the image's tag in compose, the stack's rollout VERSION): /healthz names it.
TRIMARKET_VERSION = env("TRIMARKET_VERSION", default="dev")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "daphne",
    # Django's admin with TriMarket's site (staff login behind axes' lockout and an optional TOTP code).
    "apps.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "constance",
    "django_prometheus",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "apps.core",
    "apps.accounts",
    "apps.sellers",
    "apps.catalog",
    "apps.orders",
    "apps.payments",
    "apps.live",
    "apps.reports",
    "apps.sellercenter",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads: a write, or a browser that wrote a moment ago, reads from the primary.
    "apps.core.db_router.PrimaryPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.accounts.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who changed a runtime setting: constance's signal knows the values, this knows the member.
    "apps.core.actor.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Turns a locked-out admin login into the lockout page; axes wants it last among the request handlers.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "trimarket.urls"
# Threads per server process that run HTTP requests (apps/core/asgi.py); each keeps its database connection.
# Few: a request is mostly Python holding the GIL, and more threads only make each wait longer for it (a lock
# holder included). Measured on 2 cores (bench/pages.py, bench/flash_sale.py): 4 beat 8 and 16 on both.
HTTP_WORKER_THREADS = env.int("HTTP_WORKER_THREADS", default=4)
ASGI_APPLICATION = "trimarket.asgi.application"
WSGI_APPLICATION = None
SITE_ID = 1

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
                "apps.core.context_processors.site",
                "apps.catalog.context_processors.catalog_nav",
                "apps.orders.context_processors.cart",
            ],
        },
    },
]

# --- Security headers (apps.core.security builds the CSP per request) -----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Extra CSP sources for a deployment's own hosts (e.g. a CDN): comma-separated origins.
CSP_EXTRA_SCRIPT_SRC = env.list("CSP_EXTRA_SCRIPT_SRC", default=[])
CSP_EXTRA_CONNECT_SRC = env.list("CSP_EXTRA_CONNECT_SRC", default=[])
CSP_EXTRA_FRAME_SRC = env.list("CSP_EXTRA_FRAME_SRC", default=[])
# Uploads (review photos, broadcast covers, product images): bigger files are refused with a Korean error.
UPLOAD_IMAGE_MAX_BYTES = env.int("UPLOAD_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trimarket.sqlite3'}")}
if DATABASES["default"]["ENGINE"] in ("django.db.backends.mysql",):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "charset": "utf8mb4",
            "isolation_level": "read committed",
            "init_command": "SET sql_mode='STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'",
        }
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets page views read while a write is in flight; a page view never needs the write lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A read replica (MariaDB, replicating the primary): catalog pages and reports read from it while it keeps up;
# writes, transactions and the requests right after a write stay on the primary (apps/core/db_router.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        # A replica that is down costs a request at most this long once, then the router steps around it.
        "connect_timeout": 2,
    }
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests: the replica's copy of the test database, which replication brings over from the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Reads go to the replica only while this switch is on (the test settings turn it off outside the replica tests).
DATABASE_REPLICA_READS = env.bool("DATABASE_REPLICA_READS", default=True)
# Seconds behind the primary above which (or when unreachable) the replica is not read.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=5.0)
# After a write (any unsafe request) the same browser reads from the primary this long (a cookie).
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=5)
DATABASE_ROUTERS = ["apps.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions, channel layer, Celery --------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tm",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 2},
        }
    }
    SESSION_ENGINE = "apps.accounts.sessions"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "tm:asgi"},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # Django's own, not django-prometheus' wrapper: that one answers a cached falsy value ([] or 0, such as an
    # empty live strip or a zero cart count) as a miss, so those were rebuilt on every request.
    # Room for every product's entries (detail, shared page, broadcast cards): at Django's default of 300 a
    # full third is culled whenever it fills, and culled pages are rendered again.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "trimarket",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    # Files, not the database: with SQLite a page view must never wait for the write lock (a remembered
    # session is saved again as it slides, guest carts and messages write to it).
    SESSION_ENGINE = "django.contrib.sessions.backends.file"
    SESSION_FILE_PATH = str(VAR_DIR / "sessions")
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    # Without a broker the tasks run in the process that sends them.
    CELERY_TASK_ALWAYS_EAGER = True

CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died (acks_late, unacknowledged) goes back to the queue after this many seconds; no task
# may run longer. The worker-kill drill (apps/core/tests/test_drills.py) shortens it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    # A worker sweeps for such tasks every interval × throttle seconds (kombu's defaults: 10 × 10).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
# django-celery-beat copies these into its database schedule at start (then editable in admin).
CELERY_BEAT_SCHEDULE = {
    "orders-reservations-release-expired": {
        "task": "apps.orders.tasks.reservations_release_expired",
        "schedule": 60.0,
    },
    "payments-reconcile": {"task": "apps.payments.tasks.payments_reconcile", "schedule": 60.0},
    # Sends domain events again until their subscribers have run (apps.core.outbox); a pass left waiting
    # behind a busy queue is dropped, the next one does its work.
    "core-outbox-relay": {
        "task": "apps.core.tasks.outbox_relay",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Delivered orders the shopper never confirmed are confirmed after ORDERS_AUTO_CONFIRM_DAYS (runtime).
    "orders-auto-confirm": {"task": "apps.orders.tasks.orders_auto_confirm", "schedule": 60.0 * 60},
    # Parcels on the way not heard of from the tracking service for a while (a lost callback): asked again.
    "orders-tracking-poll": {"task": "apps.orders.tasks.shipments_tracking_poll", "schedule": 60.0 * 60},
    # The safety net behind each drop's own grace check (apps.live.services.broadcasts): ends the broadcasts
    # whose encoder did not reconnect in time, a few seconds late at worst.
    "live-broadcasts-grace-sweep": {
        "task": "apps.live.tasks.broadcasts_grace_sweep",
        "schedule": 10.0,
        "options": {"expires": 9},
    },
    "accounts-pending-signups-expire": {
        "task": "apps.accounts.tasks.pending_signups_expire",
        "schedule": 60.0 * 60,
    },
}

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "apps.accounts.validators.CharacterClassValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# --- Accounts: login, sessions, allauth (social login, password reset), JWT ------------------------------
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out admin login is refused before any password is checked.
    "apps.accounts.staff_login.AdminLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_RESET_TIMEOUT = 30 * 60
# Password signups whose email is still unverified after this many days are deleted (accounts.tasks, hourly),
# so their login ID and email can sign up again.
ACCOUNTS_PENDING_EXPIRE_DAYS = env.int("ACCOUNTS_PENDING_EXPIRE_DAYS", default=7)
# The admin's login (django-axes, admin site only; the shop's login has apps.core.ratelimit.LOGIN_FAILURE):
# this many failures of one login ID from one address lock that pair out for the cool-off, and every try
# during it starts the cool-off again. Attempts and lockouts are listed in admin (Axes).
AXES_ONLY_ADMIN_SITE = True
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "apps.accounts.staff_login.AdminSiteLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/admin_lockout.html"
# The client address is the connection's (REMOTE_ADDR), even should django-ipware be installed one day.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# TOTP devices (django-otp) staff add at /accounts/staff/2fa/; the issuer names the site in the phone's app.
OTP_TOTP_ISSUER = "TriMarket"
# "자동 로그인" sessions live this long after the last request: apps.accounts.middleware slides them, saving
# the session once a tenth of this has passed (Django's SESSION_SAVE_EVERY_REQUEST stays off).
ACCOUNTS_REMEMBER_ME_TTL = env.int("ACCOUNTS_REMEMBER_ME_TTL", default=2 * 60 * 60)
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "apps.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Password signups verify their email by the 6-digit code of apps.accounts.services, not allauth's flow.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TriMarket] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
SOCIALACCOUNT_FORMS = {"signup": "apps.accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Kakao and Naver appear only when their client id is set. The hosts can point at a local fake (tests, demo).
KAKAO_AUTH_URL = env("KAKAO_AUTH_URL", default="https://kauth.kakao.com")
KAKAO_API_URL = env("KAKAO_API_URL", default="https://kapi.kakao.com")
NAVER_AUTH_URL = env("NAVER_AUTH_URL", default="https://nid.naver.com")
NAVER_API_URL = env("NAVER_API_URL", default="https://openapi.naver.com")
SOCIALACCOUNT_PROVIDERS = {
    provider: {
        "APPS": [{"client_id": client_id, "secret": env(f"{provider.upper()}_CLIENT_SECRET", default="")}]
    }
    for provider in ("kakao", "naver")
    if (client_id := env(f"{provider.upper()}_CLIENT_ID", default=""))
}
# Parcel tracking (tracker.delivery's GraphQL API; apps/orders/tracking): off without a client id.
DELIVERY_TRACKER_URL = env("DELIVERY_TRACKER_URL", default="https://apis.tracker.delivery/graphql")
DELIVERY_TRACKER_CLIENT_ID = env("DELIVERY_TRACKER_CLIENT_ID", default="")
DELIVERY_TRACKER_CLIENT_SECRET = env("DELIVERY_TRACKER_CLIENT_SECRET", default="")
DELIVERY_TRACKER_TIMEOUT = env.float("DELIVERY_TRACKER_TIMEOUT", default=5.0)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=14),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "ko-kr"
# Korean only: no page is translated, so none may be served as another language (no language switch either).
LANGUAGES = [("ko", _("한국어"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TriMarket <no-reply@trimarket.local>")

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.ListingCursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The client's address is REMOTE_ADDR, already the gateway's word (apps/core/security.py): DRF must not
    # read X-Forwarded-For itself, or an anonymous client would pick a new address per request.
    "NUM_PROXIES": 0,
    # Per client IP (anon) or member (user); placing orders and paying have their own, tighter limit.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        "checkout": env("API_THROTTLE_CHECKOUT", default="20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TriMarket API",
    "DESCRIPTION": "TriMarket 라이브 커머스 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the network reaches no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request bodies get their own components, so non-blank strings say minLength 1 (the fuzzer holds the
    # API to its schema: apps/core/tests/test_api_fuzz.py).
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "apps.orders.models.Order.Status",
        "BroadcastStatusEnum": "apps.live.models.Broadcast.Status",
        "PayMethodEnum": "apps.payments.api.serializers.METHOD_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema_error_responses",
    ],
}

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Media server (nginx-rtmp) --------------------------------------------------------------------------
# What OBS publishes to, and where viewers fetch the HLS; the media server listens on these addresses.
RTMP_INGEST_URL = env("RTMP_INGEST_URL", default="rtmp://127.0.0.1:1935/live")
HLS_BASE_URL = env("HLS_BASE_URL", default="http://127.0.0.1:8080/hls")
# Where nginx-rtmp calls Django back (on_publish, on_publish_done, on_record_done), and the secret in those
# URLs (empty: derived from SECRET_KEY). `manage.py media_server` renders both into its nginx.conf.
LIVE_CALLBACK_BASE_URL = env("LIVE_CALLBACK_BASE_URL", default="http://127.0.0.1:8000")
LIVE_CALLBACK_SECRET = env("LIVE_CALLBACK_SECRET", default="")
LIVE_MEDIA_SERVER_DIR = env.path("LIVE_MEDIA_SERVER_DIR", default=str(VAR_DIR / "media-server"))
# Where nginx-rtmp listens (0.0.0.0 in a container; the public URLs above may name a gateway instead).
LIVE_MEDIA_SERVER_HOST = env("LIVE_MEDIA_SERVER_HOST", default="127.0.0.1")
LIVE_RTMP_PORT = env.int("LIVE_RTMP_PORT", default=1935)
LIVE_HLS_PORT = env.int("LIVE_HLS_PORT", default=8080)
# A live room of at least this many viewers (all processes) gathers each window's messages into one WebSocket
# message per viewer (fewer socket writes); smaller rooms get every message at once, since waiting out a window
# only costs them latency (README → Benchmarks, chat: the sizes that need it).
LIVE_CHAT_COALESCE_FROM_VIEWERS = env.int("LIVE_CHAT_COALESCE_FROM_VIEWERS", default=3000)
LIVE_CHAT_COALESCE_MS = env.int("LIVE_CHAT_COALESCE_MS", default=50)
NGINX_BINARY = env("NGINX_BINARY", default="/usr/sbin/nginx")
NGINX_RTMP_MODULE = env("NGINX_RTMP_MODULE", default="/usr/lib/nginx/modules/ngx_rtmp_module.so")
FFMPEG_BINARY = env("FFMPEG_BINARY", default="ffmpeg")
FFPROBE_BINARY = env("FFPROBE_BINARY", default="ffprobe")
# How the site itself reaches the media server's HTTP side (its statistics at /stat, the HLS it probes for the
# studio's stream health): loopback by default, the media container's name in compose.
LIVE_MEDIA_SERVER_INTERNAL_URL = env(
    "LIVE_MEDIA_SERVER_INTERNAL_URL", default=f"http://127.0.0.1:{env.int('LIVE_HLS_PORT', default=8080)}"
)
# Who besides loopback may read /stat (CIDRs): in compose, the stack's own network (the gateway never
# forwards /stat, so only the app's containers reach it).
LIVE_STAT_ALLOWED_NETWORKS = env.list("LIVE_STAT_ALLOWED_NETWORKS", default=[])

# --- Payments: PortOne (I'mport) REST API v1 --------------------------------------------------------------
# Without PORTONE_IMP_KEY the site pays through the project's PG sandbox (apps/payments/sandbox, started by
# `manage.py pg_sandbox`), which speaks the same API; the sandbox's own credentials are the defaults here.
PORTONE_SANDBOX = not env("PORTONE_IMP_KEY", default="")
PORTONE_IMP_KEY = env("PORTONE_IMP_KEY", default="imp_sandbox_key")
PORTONE_IMP_SECRET = env("PORTONE_IMP_SECRET", default="imp_sandbox_secret" if PORTONE_SANDBOX else "")
# iamport-rest-client joins paths onto this base: it must end with "/".
_portone_api_default = "http://127.0.0.1:8090/" if PORTONE_SANDBOX else "https://api.iamport.kr/"
PORTONE_API_URL = env("PORTONE_API_URL", default=_portone_api_default).rstrip("/") + "/"
PORTONE_IMP_CODE = env("PORTONE_IMP_CODE", default="imp00000000" if PORTONE_SANDBOX else "")
# The PG the payment window opens (IMP.request_pay's `pg`, `PG사코드` or `PG사코드.MID`); a paid payment through any
# other PG is cancelled by verification.
PORTONE_PG = env("PORTONE_PG", default="html5_inicis")
# The payment methods checkout offers, in this order, each with its PortOne channel (the `pg` its window opens):
# `method=pg,…` with method among card, kakaopay, naverpay, tosspay, vbank (apps/payments/methods.py). The sandbox
# enables them all; against PortOne only the card through PORTONE_PG unless this names more.
_portone_methods_default = (
    {
        "card": "html5_inicis.INIpayTest",
        "kakaopay": "kakaopay.TC0ONETIME",
        "naverpay": "naverpay",
        "tosspay": "tosspay",
        "vbank": "html5_inicis.INIpayTest",
    }
    if PORTONE_SANDBOX
    else {"card": PORTONE_PG}
)
PORTONE_METHODS = env.dict("PORTONE_METHODS", default=_portone_methods_default)
# How long a 가상계좌 waits for the deposit (IMP.request_pay's vbank_due); the order's stock is kept as long.
PORTONE_VBANK_DUE_HOURS = env.int("PORTONE_VBANK_DUE_HOURS", default=72)
# The browser SDK: PortOne's CDN, or the sandbox's stand-in with the same IMP.init / IMP.request_pay.
_portone_sdk_default = "https://cdn.iamport.kr/v1/iamport.js"
PORTONE_SDK_URL = env("PORTONE_SDK_URL", default=_portone_sdk_default if not PORTONE_SANDBOX else "")
PORTONE_SDK_URL = PORTONE_SDK_URL or f"{PORTONE_API_URL}sandbox/iamport.js"
# PortOne's documented webhook sources; the sandbox posts from this machine.
PORTONE_WEBHOOK_ALLOWED_IPS = env.list(
    "PORTONE_WEBHOOK_ALLOWED_IPS",
    default=["52.78.100.19", "52.78.48.223"] + (["127.0.0.1", "::1"] if PORTONE_SANDBOX else []),
)
# The sandbox's stand-in for the console's notification URL (PortOne posts there besides notice_url).
PORTONE_SANDBOX_WEBHOOK_URL = env("PORTONE_SANDBOX_WEBHOOK_URL", default="")
# Resilience of apps.payments.gateway: timeouts (s), retries with exponential backoff, circuit breaker.
PORTONE_CONNECT_TIMEOUT = env.float("PORTONE_CONNECT_TIMEOUT", default=3.05)
PORTONE_READ_TIMEOUT = env.float("PORTONE_READ_TIMEOUT", default=10.0)
PORTONE_RETRY_ATTEMPTS = env.int("PORTONE_RETRY_ATTEMPTS", default=3)
PORTONE_RETRY_BACKOFF = env.float("PORTONE_RETRY_BACKOFF", default=0.5)
PORTONE_RETRY_BACKOFF_MAX = env.float("PORTONE_RETRY_BACKOFF_MAX", default=4.0)
PORTONE_BREAKER_FAIL_MAX = env.int("PORTONE_BREAKER_FAIL_MAX", default=5)
PORTONE_BREAKER_RESET_TIMEOUT = env.float("PORTONE_BREAKER_RESET_TIMEOUT", default=30.0)
# Pending orders older than this are asked about at the PG by the reconciliation task (payments.tasks).
PAYMENTS_RECONCILE_AFTER_SECONDS = env.int("PAYMENTS_RECONCILE_AFTER_SECONDS", default=120)
# The PG's fee on what it charged (card, 3.3% incl. VAT), returned on what it refunds; settlement deducts it.
PAYMENTS_PG_FEE_RATE = env.str("PAYMENTS_PG_FEE_RATE", default="0.033")

# --- Orders ---------------------------------------------------------------------------------------------
# Shipping is free from this many 원 (after discounts); below it ORDERS_SHIPPING_FEE is charged.
ORDERS_FREE_SHIPPING_THRESHOLD = env.int("ORDERS_FREE_SHIPPING_THRESHOLD", default=50_000)
ORDERS_SHIPPING_FEE = env.int("ORDERS_SHIPPING_FEE", default=3_000)
# Business days from order to doorstep, as the live question queue tells a viewer who asks (배송 며칠 걸려요?).
ORDERS_DELIVERY_DAYS = env.int("ORDERS_DELIVERY_DAYS", default=2)
# How long checkout holds the stock of an unpaid order.
ORDERS_RESERVATION_MINUTES = env.int("ORDERS_RESERVATION_MINUTES", default=15)

# --- Reports: scheduled jobs, runtime settings, metrics (apps.reports, apps.core.metrics) ---------------------
# A scheduled job that fails is retried this many times with exponential backoff, then mailed to staff.
REPORTS_JOB_MAX_RETRIES = env.int("REPORTS_JOB_MAX_RETRIES", default=4)
REPORTS_JOB_RETRY_BACKOFF = env.int("REPORTS_JOB_RETRY_BACKOFF", default=60)
REPORTS_JOB_RETRY_BACKOFF_MAX = env.int("REPORTS_JOB_RETRY_BACKOFF_MAX", default=60 * 60)
# reports.archive_daily moves operational rows older than this many days into gzip JSON lines, then deletes them.
REPORTS_ARCHIVE_AFTER_DAYS = env.int("REPORTS_ARCHIVE_AFTER_DAYS", default=90)
REPORTS_ARCHIVE_CHUNK_SIZE = env.int("REPORTS_ARCHIVE_CHUNK_SIZE", default=1000)
REPORTS_ARCHIVE_DIR = Path(env.str("REPORTS_ARCHIVE_DIR", default=str(BASE_DIR / "var" / "archive")))
# /metrics answers loopback, staff, the networks listed here, and a request bearing METRICS_TOKEN.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
# With METRICS_PORT each process (web replica, worker) also serves its metrics on that port, outside Django
# (compose: 9100, reachable only inside the stack's network; Prometheus scrapes it there).
if _metrics_port := env.int("METRICS_PORT", default=0):
    PROMETHEUS_METRICS_EXPORT_PORT_RANGE = range(_metrics_port, _metrics_port + 1)
# Runtime settings staff change in admin without a restart; code reads them through ``constance.config``.
if REDIS_URL:
    CONSTANCE_BACKEND = "constance.backends.redisd.RedisBackend"
    CONSTANCE_REDIS_CONNECTION = REDIS_URL
    CONSTANCE_REDIS_PREFIX = "tm:constance:"
else:
    CONSTANCE_BACKEND = "constance.backends.database.DatabaseBackend"
CONSTANCE_SUPERUSER_ONLY = False
CONSTANCE_ADDITIONAL_FIELDS = {
    "latency_preset": [
        "django.forms.fields.ChoiceField",
        {"widget": "django.forms.Select", "choices": (("low", _("저지연")), ("normal", _("일반")))},
    ],
}
CONSTANCE_CONFIG = {
    "FREE_SHIPPING_THRESHOLD": (50000, _("무료배송 기준 금액(원): 상품 금액이 이 이상이면 배송비 0원"), int),
    "RESERVATION_HOLD_MINUTES": (15, _("재고 예약 유지 시간(분): 결제 전까지 재고를 잡아 두는 시간"), int),
    "CHAT_RATE_LIMIT_COUNT": (5, _("채팅 도배 제한: 기간 안에 보낼 수 있는 메시지 수"), int),
    "CHAT_RATE_LIMIT_SECONDS": (10, _("채팅 도배 제한: 기간(초)"), int),
    "CHAT_SLOW_MODE_SECONDS": (0, _("채팅 슬로우 모드 간격(초): 0이면 끔"), int),
    "LIVE_COUPON_MAX_AMOUNT": (
        10000,
        _("라이브 쿠폰 최대 할인 금액(원): 방송 중 뿌리는 쿠폰 한 장의 금액 상한"),
        int,
    ),
    "LIVE_RECONNECT_GRACE_SECONDS": (
        60,
        _(
            "송출 재연결 대기(초): 방송 중 송출이 끊겨도 이 시간 안에 다시 연결되면 방송이 이어져요. 0이면 끊기는 즉시 종료"
        ),
        int,
    ),
    "LIVE_REPORTS_SPIKE_COUNT": (
        5,
        _("신고 급증 기준(건): 한 방송에 아래 기간 안에 이만큼 신고가 들어오면 운영 모니터에 급증으로 표시"),
        int,
    ),
    "LIVE_REPORTS_SPIKE_MINUTES": (5, _("신고 급증 기준 기간(분)"), int),
    "PLAYER_LATENCY_PRESET": ("low", _("플레이어 지연 설정: 저지연 또는 일반"), "latency_preset"),
    "REFUND_ALERT_MINUTES": (
        30,
        _("환불 지연 알림(분): PG 장애 등으로 환불이 이 시간 넘게 처리되지 않으면 관리자에게 한 번 메일"),
        int,
    ),
    "ORDERS_AUTO_CONFIRM_DAYS": (
        7,
        _("자동 구매확정(일): 배송완료 후 이 기간 동안 구매확정하지 않은 주문은 자동으로 구매확정"),
        int,
    ),
    "ORDERS_RETURN_DAYS": (
        7,
        _("반품·교환 신청 기간(일): 배송완료일로부터 이 일수까지 고객이 반품·교환을 신청할 수 있음"),
        int,
    ),
    "ORDERS_RETURN_SHIPPING_FEE": (
        3000,
        _("반품 배송비(원): 단순 변심 반품·교환 시 고객 부담 (무료배송 주문은 왕복으로 2배)"),
        int,
    ),
    "SELLER_COMMISSION_RATE": (
        Decimal("5.0"),
        _("판매 수수료율(%): 구매확정된 판매금액(배송비 제외)에서 셀러 정산 시 떼는 플랫폼 수수료"),
        Decimal,
    ),
    "SELLER_LIVE_COMMISSION_RATE": (
        Decimal("3.0"),
        _("라이브 판매 수수료율(%): 방송 중에 주문된 상품의 판매금액에 대신 적용하는 수수료"),
        Decimal,
    ),
    "SELLER_PAYOUT_DAYS": (
        7,
        _("정산 지급일(일): 구매확정일로부터 이 일수 뒤에 셀러에게 정산 금액을 지급"),
        int,
    ),
    # The staff's live monitor (/staff/live/) flags a show whose chat runs well above its own recent pace.
    "LIVE_MONITOR_SPIKE_FACTOR": (
        Decimal("3.0"),
        _("채팅 급증 배수: 최근 1분 채팅이 이 방송의 평소(기준 구간 분당 평균)의 몇 배 이상이면 알림"),
        Decimal,
    ),
    "LIVE_MONITOR_SPIKE_MIN_MESSAGES": (
        30,
        _("채팅 급증 최소 메시지 수(분당): 이보다 적으면 배수를 넘어도 알리지 않음"),
        int,
    ),
    "LIVE_MONITOR_BASELINE_MINUTES": (
        10,
        _("채팅 급증 기준 구간(분): 최근 1분 직전 이 시간 동안의 분당 평균을 평소로 봄"),
        int,
    ),
    # What the footer of every page shows (전자상거래법 §10: who runs the shop) and the privacy policy names.
    "BUSINESS_NAME": ("(주)트라이마켓", _("상호"), str),
    "BUSINESS_REPRESENTATIVE": ("김트라이", _("대표자"), str),
    "BUSINESS_REGISTRATION_NUMBER": (
        "000-00-00000",
        _("사업자등록번호: 10자리 (공정거래위원회 사업자정보 확인 링크에 쓰임)"),
        str,
    ),
    "MAIL_ORDER_REPORT_NUMBER": ("제2026-서울성동-0000호", _("통신판매업 신고번호"), str),
    "BUSINESS_ADDRESS": ("서울특별시 성동구 성수이로 100", _("사업장 주소"), str),
    "CUSTOMER_SERVICE_PHONE": ("1588-0000", _("고객센터 전화번호"), str),
    "CUSTOMER_SERVICE_HOURS": ("평일 10:00–18:00", _("고객센터 운영 시간"), str),
    "CUSTOMER_SERVICE_EMAIL": ("help@trimarket.example", _("고객센터 이메일"), str),
    "HOSTING_PROVIDER": ("TriMarket 자체 운영", _("호스팅 서비스 제공자"), str),
    "PRIVACY_OFFICER_NAME": ("김트라이", _("개인정보 보호책임자 이름 (개인정보처리방침에 표시)"), str),
    "PRIVACY_OFFICER_CONTACT": (
        "privacy@trimarket.example",
        _("개인정보 보호책임자 연락처 (이메일 또는 전화)"),
        str,
    ),
    "ESCROW_ENABLED": (
        False,
        _("구매안전서비스(에스크로) 가입: 켜야만 화면에 에스크로 배지가 보임"),
        bool,
    ),
}
# Fieldset titles are dict keys, hashed at import: plain strings, not lazy translations.
CONSTANCE_CONFIG_FIELDSETS = {
    "주문·배송": (
        "FREE_SHIPPING_THRESHOLD",
        "RESERVATION_HOLD_MINUTES",
        "REFUND_ALERT_MINUTES",
        "ORDERS_RETURN_DAYS",
        "ORDERS_RETURN_SHIPPING_FEE",
    ),
    "라이브 채팅": ("CHAT_RATE_LIMIT_COUNT", "CHAT_RATE_LIMIT_SECONDS", "CHAT_SLOW_MODE_SECONDS"),
    "플레이어": ("PLAYER_LATENCY_PRESET",),
    "셀러 정산": (
        "ORDERS_AUTO_CONFIRM_DAYS",
        "SELLER_COMMISSION_RATE",
        "SELLER_LIVE_COMMISSION_RATE",
        "SELLER_PAYOUT_DAYS",
    ),
    "라이브 쇼핑": ("LIVE_COUPON_MAX_AMOUNT", "LIVE_RECONNECT_GRACE_SECONDS"),
    "라이브 신고": ("LIVE_REPORTS_SPIKE_COUNT", "LIVE_REPORTS_SPIKE_MINUTES"),
    "라이브 모니터": (
        "LIVE_MONITOR_SPIKE_FACTOR",
        "LIVE_MONITOR_SPIKE_MIN_MESSAGES",
        "LIVE_MONITOR_BASELINE_MINUTES",
    ),
    "사업자 정보": (
        "BUSINESS_NAME",
        "BUSINESS_REPRESENTATIVE",
        "BUSINESS_REGISTRATION_NUMBER",
        "MAIL_ORDER_REPORT_NUMBER",
        "BUSINESS_ADDRESS",
        "CUSTOMER_SERVICE_PHONE",
        "CUSTOMER_SERVICE_HOURS",
        "CUSTOMER_SERVICE_EMAIL",
        "HOSTING_PROVIDER",
        "PRIVACY_OFFICER_NAME",
        "PRIVACY_OFFICER_CONTACT",
        "ESCROW_ENABLED",
    ),
}
