"""Production settings as `bench/pages.py` serves them: trimarket.settings.prod plus a bare view.

The script sets the variables prod requires (SECRET_KEY, ALLOWED_HOSTS) and plain HTTP on 127.0.0.1;
DATABASE_URL and REDIS_URL choose MariaDB + Redis or the embedded defaults.
"""

from trimarket.settings.prod import *  # noqa: F403
from trimarket.settings.prod import VAR_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = VAR_DIR / "bench" / "static"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
