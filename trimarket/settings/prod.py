"""Production: every variable below is required and has no default.

A missing one stops the start with its name (Django's ImproperlyConfigured), and so does a PortOne set-up
that would take payments through the PG sandbox: a shop that looks open but charges nobody.
"""

import base64
import binascii
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from trimarket.settings.base import DEV_FIELD_ENCRYPTION_KEY
from trimarket.settings.serving import *  # noqa: F403
from trimarket.settings.serving import PORTONE_API_URL, PORTONE_IMP_KEY, required

# MariaDB and Redis: base's fallbacks (SQLite in var/, in-process cache and channel layer) would run a
# replica that shares no data, sessions or live rooms with the others, and loses them at the next deploy.
required("DATABASE_URL")
required("REDIS_URL")
# What the studio tells OBS and where viewers fetch HLS: the base defaults name 127.0.0.1, which in production
# is the web pod or container itself.
RTMP_INGEST_URL = required("RTMP_INGEST_URL")
HLS_BASE_URL = required("HLS_BASE_URL")
# On a volume (compose: `archive`; Kubernetes: the `archive` claim): the nightly job deletes the rows it wrote
# here, so a path inside the image would lose them at the next deploy.
REPORTS_ARCHIVE_DIR = Path(required("REPORTS_ARCHIVE_DIR"))

# Real payments: PortOne's key, secret and merchant code (base falls back to the sandbox's without the key).
required("PORTONE_IMP_KEY")
PORTONE_IMP_SECRET = required("PORTONE_IMP_SECRET")
PORTONE_IMP_CODE = required("PORTONE_IMP_CODE")

# Phone and bank account numbers are sealed with these (newest first; docs/security.md: rotation). A key lost
# is every sealed value lost, so production never falls back to the development key everyone can read.
FIELD_ENCRYPTION_KEYS = [key.strip() for key in required("FIELD_ENCRYPTION_KEYS").split(",") if key.strip()]


def _field_key_reason(keys: list[str]) -> str:
    """Why these keys cannot seal production's rows, or "" when each is a Fernet key of its own."""
    for position, key in enumerate(keys, start=1):
        if key == DEV_FIELD_ENCRYPTION_KEY:
            return f"key {position} is the development key, which is in the repository"
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except (binascii.Error, ValueError):
            return f"key {position} is not a Fernet key (32 bytes, url-safe base64)"
    return ""


if reason := _field_key_reason(FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: {reason}. Make one with `manage.py field_key`.")


def _sandbox_reason(*, api_url: str, imp_key: str) -> str:
    """Why these settings would pay through the PG sandbox, or "" when they name PortOne itself."""
    if imp_key.startswith("imp_sandbox"):
        return "PORTONE_IMP_KEY is the PG sandbox's key"
    parts = urlsplit(api_url)
    if parts.scheme != "https":
        return f"PORTONE_API_URL ({api_url}) is not https, as PortOne is: it points at the PG sandbox"
    host = parts.hostname or ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return f"PORTONE_API_URL ({api_url}) points at this machine, where the PG sandbox runs"
    return ""


if reason := _sandbox_reason(api_url=PORTONE_API_URL, imp_key=PORTONE_IMP_KEY):
    raise ImproperlyConfigured(f"{reason}. Production takes real payments: set PortOne's own values.")
