"""Local development: `make run`. Embedded defaults unless DATABASE_URL / REDIS_URL are set."""

from trimarket.settings.base import *  # noqa: F403
from trimarket.settings.base import env

DEBUG = env.bool("DEBUG", default=True)

# In production the gateway (docker/nginx/nginx.conf) compresses pages, CSS and scripts; `make run` has no
# gateway, so Django does it, and Lighthouse on the dev server measures what a visitor gets.
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
