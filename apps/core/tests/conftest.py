"""The cross-cutting tests (access matrix, API fuzzing, security) use the PG sandbox like payments' own; the
drills a private redis-server; the stack drills one stack for the session."""

from apps.core.testing import private_redis  # noqa: F401
from apps.core.tests.stack_fixtures import seed, stack_last
from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401

__all__ = ["seed"]


def pytest_collection_modifyitems(items):
    stack_last(items)
