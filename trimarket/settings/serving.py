"""How production serves: DEBUG off, the HTTPS posture, hashed static files; SECRET_KEY and ALLOWED_HOSTS required.

``prod`` builds on this and also requires what only a real shop has (its media addresses, its archive volume,
its PortOne account). The benchmarks (bench/) import this module to measure production's serving on one
machine with the PG sandbox, which ``prod`` refuses.
"""

from django.core.exceptions import ImproperlyConfigured

from trimarket.settings.base import *  # noqa: F403
from trimarket.settings.base import env


def required(name: str) -> str:
    """The variable's value; unset or empty stops the start, naming it."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: production has no default for it.")
    return value


SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
