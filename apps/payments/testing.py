"""Pytest fixtures for any module's tests that pay: the PG sandbox as a real server and the gateway aimed at it.

Use them from a conftest.py with ``from apps.payments.testing import pg_sandbox, pg_sandbox_server, portone``
(with ``# noqa: F401``). Shoppers are played with ``pg_sandbox.shopper_pay(merchant_uid=…, amount=…)``;
drills with ``pg_sandbox.inject_fault("timeout" | "error500", count)`` and ``pg_sandbox.set_webhook_mode(…)``.
"""

import pytest

from apps.payments.gateway import PortOneGateway, gateway, gateway_reset
from apps.payments.sandbox import PGSandbox

# Short enough to keep the suite fast, long enough for a loaded machine.
TEST_TIMEOUT = 0.5
TEST_BREAKER_FAIL_MAX = 3
TEST_BREAKER_RESET_TIMEOUT = 0.5


@pytest.fixture(scope="session")
def pg_sandbox_server():
    """One sandbox server per test session on a free port (``pg_sandbox`` empties it for each test)."""
    sandbox = PGSandbox(port=0).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def pg_sandbox(pg_sandbox_server) -> PGSandbox:
    """The PG sandbox, a real HTTP server speaking PortOne REST API v1; empty, without faults, webhooks sync.

    ``pg_sandbox.url`` is its base URL (ends with ``/``).
    """
    pg_sandbox_server.reset()
    yield pg_sandbox_server
    pg_sandbox_server.reset()


@pytest.fixture
def portone(pg_sandbox, settings) -> PortOneGateway:
    """The PORTONE_* settings aimed at ``pg_sandbox`` with short timeouts, backoff and breaker reset.

    Yields the gateway that ``apps.payments.gateway.payment_*`` use, its token forgotten and circuit closed.
    """
    settings.PORTONE_API_URL = pg_sandbox.url
    settings.PORTONE_IMP_KEY = pg_sandbox.ledger.imp_key
    settings.PORTONE_IMP_SECRET = pg_sandbox.ledger.imp_secret
    settings.PORTONE_CONNECT_TIMEOUT = TEST_TIMEOUT
    settings.PORTONE_READ_TIMEOUT = TEST_TIMEOUT
    settings.PORTONE_RETRY_ATTEMPTS = 3
    settings.PORTONE_RETRY_BACKOFF = 0.01
    settings.PORTONE_RETRY_BACKOFF_MAX = 0.05
    settings.PORTONE_BREAKER_FAIL_MAX = TEST_BREAKER_FAIL_MAX
    settings.PORTONE_BREAKER_RESET_TIMEOUT = TEST_BREAKER_RESET_TIMEOUT
    gateway_reset()
    current = gateway()
    current.breaker.close()
    current.token_forget()
    yield current
    current.breaker.close()
    gateway_reset()
