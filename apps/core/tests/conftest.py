"""The cross-cutting tests (access matrix, API fuzzing, security) use the PG sandbox like payments' own; the
drills a private redis-server."""

from apps.core.testing import private_redis  # noqa: F401
from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401
