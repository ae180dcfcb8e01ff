"""Production serving as `bench/flash_sale.py` runs it: trimarket.settings.serving (prod less the live PortOne
and media addresses, so the PG sandbox can take the payments) over plain HTTP on 127.0.0.1.

Static files are served by WhiteNoise without the hashed names (no collectstatic manifest is needed).
"""

from trimarket.settings.serving import *  # noqa: F403

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

# Beside the request threads, the live room's tasks use the cache too: a blocking pool makes a thread wait
# for a connection rather than fail its request if the pool (100 by default) ever runs out.
CACHES["default"]["OPTIONS"] |= {  # noqa: F405
    "CONNECTION_POOL_CLASS": "redis.BlockingConnectionPool",
    "CONNECTION_POOL_KWARGS": {"max_connections": 200, "timeout": 30},
}
