"""Local development: `make run`. Embedded defaults unless DATABASE_URL / REDIS_URL are set."""

from trimarket.settings.base import *  # noqa: F403
from trimarket.settings.base import env

DEBUG = env.bool("DEBUG", default=True)

# In production the gateway (docker/nginx/nginx.conf) compresses pages, CSS and scripts; `make run` has no
# gateway, so Django does it, and Lighthouse on the dev server measures what a visitor gets.
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
# Without tracker.delivery credentials, parcels are tracked through the local fake `make run` starts
# (`manage.py delivery_tracker_fake`, Procfile `tracker`), so a demo shipment's timeline fills and ends 배송완료.
if not env("DELIVERY_TRACKER_CLIENT_ID", default=""):
    DELIVERY_TRACKER_URL = env("DELIVERY_TRACKER_URL", default="http://127.0.0.1:8091/graphql")
    DELIVERY_TRACKER_CLIENT_ID = "fake-client"
    DELIVERY_TRACKER_CLIENT_SECRET = "fake-secret"
