from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone  # noqa: F401
