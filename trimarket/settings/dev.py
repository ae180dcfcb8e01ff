"""Local development: `make run`. Embedded defaults unless DATABASE_URL / REDIS_URL are set."""

from trimarket.settings.base import *  # noqa: F403
from trimarket.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
