"""The cross-cutting tests (access matrix, API fuzzing, security) use the PG sandbox like payments' own."""

from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401
