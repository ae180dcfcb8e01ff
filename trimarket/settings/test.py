"""Tests: the real MariaDB and Redis on 127.0.0.1, set up by `make test`.

The defaults name the database user and Redis the set-up creates; CI and developers may override them.
"""

import os

os.environ.setdefault("DATABASE_URL", "mysql://trimarket:trimarket-dev-pw@127.0.0.1:3306/trimarket")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# The replica `make test` starts (docker/dev/replica.sh); only apps/core/tests/test_replica.py reads from it.
os.environ.setdefault("DATABASE_REPLICA_URL", "mysql://trimarket:trimarket-dev-pw@127.0.0.1:3307/trimarket")

from trimarket.settings.base import *  # noqa: F403
from trimarket.settings.base import CACHES, CHANNEL_LAYERS, DATABASES, VAR_DIR, env

DEBUG = False
# Off so the rest of the suite reads what it just wrote; the replica tests turn it on (override_settings).
DATABASE_REPLICA_READS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run where they are sent, so a test sees their effect; the broker itself is still the real Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Several suites may share one MariaDB and Redis (developers working side by side): TRIMARKET_TEST_RUN
# names the run, and the test database (which must start with test_trimarket) and key prefixes follow it.
_run = env("TRIMARKET_TEST_RUN", default="")
if _run:
    DATABASES["default"]["TEST"]["NAME"] = f"test_trimarket_{_run}"
CACHES["default"]["KEY_PREFIX"] = f"tm-test-{_run}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = (
    f"tm-test-{_run}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
# Runtime settings (django-constance) live in Redis under this run's own prefix.
CONSTANCE_REDIS_PREFIX = f"{CACHES['default']['KEY_PREFIX']}:constance:"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
