"""Production serving as `bench/pages.py` runs it: trimarket.settings.serving (prod less the live PortOne and
media addresses) plus a bare view.

The script sets the variables prod requires (SECRET_KEY, ALLOWED_HOSTS) and plain HTTP on 127.0.0.1;
DATABASE_URL and REDIS_URL choose MariaDB + Redis or the embedded defaults.
"""

from trimarket.settings.serving import *  # noqa: F403
from trimarket.settings.serving import VAR_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = VAR_DIR / "bench" / "static"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
