"""Production settings as `bench/flash_sale.py` serves them: trimarket.settings.prod over plain HTTP on 127.0.0.1.

Static files are served by WhiteNoise without the hashed names (no collectstatic manifest is needed).
"""

from trimarket.settings.prod import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["console"]},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# 500 buyers at once are 500 request threads per process: redis-py's pool (100 by default) would refuse the
# 101st. A blocking pool makes a thread wait for a connection instead of failing the request.
CACHES["default"]["OPTIONS"] |= {  # noqa: F405
    "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
    "CONNECTION_POOL_KWARGS": {"max_connections": 200, "timeout": 30},
}
