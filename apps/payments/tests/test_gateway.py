"""The PortOne client against the sandbox as a real server: tokens, payments, cancels, retries and the breaker."""

import time

import pybreaker
import pytest
import requests
from iamport import Iamport

from apps.payments import gateway as pg
from apps.payments.gateway import PaymentNotFound, PGRefused, PGUnavailable, PortOneGateway
from apps.payments.testing import TEST_BREAKER_FAIL_MAX, TEST_BREAKER_RESET_TIMEOUT, TEST_TIMEOUT

TOKEN = "POST /users/getToken"
FETCH = "GET /payments/{imp_uid}"


def _paid(sandbox, merchant_uid: str, amount: int) -> str:
    """Pre-register the amount, pay it in the window as a shopper would, return the imp_uid."""
    pg.payment_prepare(merchant_uid, amount)
    result = sandbox.shopper_pay(merchant_uid=merchant_uid, amount=amount, name="라이브 특가 니트")
    assert result["imp_success"] == "true"
    return result["imp_uid"]


def test_runs_on_a_modern_requests_with_timeouts(portone):
    """iamport-rest-client runs on requests >= 2.32 (not its 2.26.0 pin), through our session with timeouts."""
    major, minor = (int(part) for part in requests.__version__.split(".")[:2])

    assert (major, minor) >= (2, 32)
    assert isinstance(portone.client, Iamport)
    assert portone.client.requests_session is portone.session
    assert portone.session.timeout == (TEST_TIMEOUT, TEST_TIMEOUT)


def test_api_url_must_end_with_a_slash():
    """A base URL without the trailing slash is refused at once (the library would build wrong URLs)."""
    with pytest.raises(ValueError, match="must end with"):
        PortOneGateway(imp_key="k", imp_secret="s", api_url="http://127.0.0.1:8090")


def test_one_token_for_several_calls(portone, pg_sandbox):
    """The token is fetched once and reused from the cache for every later call."""
    imp_uid = _paid(pg_sandbox, "order-1", 39000)

    for _ in range(3):
        pg.payment_fetch(imp_uid)
    pg.payment_find_by_merchant_uid("order-1")

    assert pg_sandbox.ledger.calls[TOKEN] == 1
    assert pg_sandbox.ledger.calls[FETCH] == 3


def test_token_is_cached_until_shortly_before_it_expires(portone, pg_sandbox):
    """A token whose cached life is over (expired_at minus the margin) is fetched anew."""
    pg_sandbox.ledger.token_ttl = pg.TOKEN_REFRESH_MARGIN + 1
    pg.payment_prepare("order-ttl", 1000)
    time.sleep(1.1)

    pg.payment_prepared_amount("order-ttl")

    assert pg_sandbox.ledger.calls[TOKEN] == 2


def test_a_token_the_pg_forgot_is_replaced(portone, pg_sandbox):
    """A 401 on a call (the PG dropped the token) fetches a new token and the call succeeds."""
    pg.payment_prepare("order-2", 1000)
    pg_sandbox.ledger.tokens.clear()

    assert pg.payment_prepared_amount("order-2") == 1000
    assert pg_sandbox.ledger.calls[TOKEN] == 2


def test_prepare_pay_in_the_window_and_fetch_paid(portone, pg_sandbox):
    """Prepare, pay through the sandbox window, then fetching by imp_uid shows paid with the amount."""
    imp_uid = _paid(pg_sandbox, "order-3", 45900)

    payment = pg.payment_fetch(imp_uid)

    assert payment.is_paid
    assert payment.amount == 45900
    assert payment.merchant_uid == "order-3"
    assert payment.raw["pay_method"] == "card"
    assert pg.payment_find_by_merchant_uid("order-3").imp_uid == imp_uid


def test_tampered_amount_is_refused_by_the_window(portone, pg_sandbox):
    """Paying another amount than the pre-registered one fails in the window; the PG records it failed."""
    pg.payment_prepare("order-4", 45900)

    result = pg_sandbox.shopper_pay(merchant_uid="order-4", amount=100, name="라이브 특가 니트")

    assert result["imp_success"] == "false"
    assert "금액" in result["error_msg"]
    payment = pg.payment_fetch(result["imp_uid"])
    assert payment.status == "failed"
    assert payment.fail_reason == result["error_msg"]


def test_prepare_is_idempotent_for_the_same_amount(portone, pg_sandbox):
    """Registering the same amount again succeeds; another amount for the merchant_uid is refused."""
    pg.payment_prepare("order-5", 12000)

    assert pg.payment_prepare("order-5", 12000) == {"merchant_uid": "order-5", "amount": 12000}
    with pytest.raises(PGRefused):
        pg.payment_prepare("order-5", 100)
    assert pg.payment_prepared_amount("order-5") == 12000
    assert pg.payment_prepared_amount("order-unknown") is None


def test_partial_then_full_cancel_with_checksum(portone, pg_sandbox):
    """Partial cancels accumulate cancel_amount and history; the last one makes the payment cancelled."""
    imp_uid = _paid(pg_sandbox, "order-6", 30000)

    first = pg.payment_cancel(imp_uid=imp_uid, reason="한 벌 반품", amount=10000, checksum=30000)
    rest = pg.payment_cancel(imp_uid=imp_uid, reason="전체 취소", checksum=20000)

    assert first.status == "paid"
    assert first.cancel_amount == 10000
    assert first.refundable == 20000
    assert rest.status == "cancelled"
    assert rest.cancel_amount == 30000
    assert [entry["amount"] for entry in rest.cancel_history] == [10000, 20000]


def test_cancel_with_a_stale_checksum_is_refused(portone, pg_sandbox):
    """A checksum that is not the refundable amount refuses the cancel and refunds nothing."""
    imp_uid = _paid(pg_sandbox, "order-7", 30000)

    with pytest.raises(PGRefused, match="checksum"):
        pg.payment_cancel(imp_uid=imp_uid, reason="반품", amount=5000, checksum=25000)
    assert pg.payment_fetch(imp_uid).cancel_amount == 0


def test_cancel_without_checksum_fetches_it_and_by_merchant_uid(portone, pg_sandbox):
    """Without a checksum the gateway reads the refundable amount first; merchant_uid finds the payment."""
    _paid(pg_sandbox, "order-8", 8000)

    payment = pg.payment_cancel(merchant_uid="order-8", reason="품절", amount=3000)

    assert payment.cancel_amount == 3000
    assert payment.status == "paid"


def test_cancel_whose_answer_is_lost_refunds_once(portone, pg_sandbox):
    """The PG cancels but its answer times out; the retry is refused by the checksum and the result is read."""
    imp_uid = _paid(pg_sandbox, "order-9", 20000)
    pg_sandbox.inject_fault("timeout", count=1, delay=TEST_TIMEOUT * 3)

    payment = pg.payment_cancel(imp_uid=imp_uid, reason="부분 환불", amount=5000, checksum=20000)

    assert payment.cancel_amount == 5000
    assert len(payment.cancel_history) == 1
    assert pg_sandbox.ledger.calls["POST /payments/cancel"] == 2


def test_unknown_imp_uid_is_payment_not_found(portone, pg_sandbox):
    """An unknown imp_uid raises PaymentNotFound, and does not count against the circuit."""
    for _ in range(TEST_BREAKER_FAIL_MAX + 1):
        with pytest.raises(PaymentNotFound):
            pg.payment_fetch("imp_000000000000")

    assert portone.breaker.current_state == pybreaker.STATE_CLOSED


def test_wrong_credentials_are_refused(portone, pg_sandbox, settings):
    """Wrong imp_key/imp_secret raise PGRefused (a configuration error), not PGUnavailable."""
    settings.PORTONE_IMP_SECRET = "wrong"

    with pytest.raises(PGRefused, match="인증"):
        pg.payment_fetch("imp_000000000000")


def test_server_errors_are_retried(portone, pg_sandbox):
    """Two HTTP 500s in a row are retried with backoff and the third attempt answers."""
    imp_uid = _paid(pg_sandbox, "order-10", 9900)
    pg_sandbox.inject_fault("error500", count=2)

    assert pg.payment_fetch(imp_uid).is_paid
    assert pg_sandbox.ledger.calls[FETCH] == 1  # the 500s were answered before the call was counted


def test_timeouts_are_retried_then_pg_unavailable(portone, pg_sandbox):
    """A PG that answers later than the read timeout every time: 3 attempts, then PGUnavailable."""
    imp_uid = _paid(pg_sandbox, "order-11", 9900)
    pg_sandbox.inject_fault("timeout", count=-1, delay=TEST_TIMEOUT * 4)
    started = time.monotonic()

    with pytest.raises(PGUnavailable):
        pg.payment_fetch(imp_uid)

    assert pg_sandbox.ledger.calls[FETCH] == 3
    assert time.monotonic() - started < TEST_TIMEOUT * 3 + 1


def test_connection_refused_is_pg_unavailable(settings, portone):
    """Nothing listening at PORTONE_API_URL: PGUnavailable, never a requests exception."""
    settings.PORTONE_API_URL = "http://127.0.0.1:9/"

    with pytest.raises(PGUnavailable):
        pg.payment_fetch("imp_000000000000")


def test_circuit_opens_after_repeated_failures_and_closes_after_reset(portone, pg_sandbox):
    """After FAIL_MAX failed calls the circuit is open and calls fail at once; after the reset timeout one
    trial call goes through and, when it succeeds, closes the circuit."""
    imp_uid = _paid(pg_sandbox, "order-12", 5000)
    pg_sandbox.inject_fault("error500", count=-1)
    for _ in range(TEST_BREAKER_FAIL_MAX):
        with pytest.raises(PGUnavailable):
            pg.payment_fetch(imp_uid)
    calls_when_opened = pg_sandbox.ledger.calls[FETCH], pg_sandbox.ledger.fault.count

    with pytest.raises(PGUnavailable, match="circuit open"):
        pg.payment_fetch(imp_uid)
    assert portone.breaker.current_state == pybreaker.STATE_OPEN
    assert (pg_sandbox.ledger.calls[FETCH], pg_sandbox.ledger.fault.count) == calls_when_opened

    pg_sandbox.inject_fault("none", count=0)
    time.sleep(TEST_BREAKER_RESET_TIMEOUT + 0.1)
    assert pg.payment_fetch(imp_uid).is_paid
    assert portone.breaker.current_state == pybreaker.STATE_CLOSED


def test_circuit_state_is_shared_through_redis(portone, pg_sandbox, settings):
    """With REDIS_URL, a gateway built in another process (here: another instance) sees the circuit open."""
    assert settings.REDIS_URL
    pg_sandbox.inject_fault("error500", count=-1)
    for _ in range(TEST_BREAKER_FAIL_MAX):
        with pytest.raises(PGUnavailable):
            portone.payment_fetch("imp_000000000000")

    other = PortOneGateway.from_settings()

    assert other.breaker.current_state == pybreaker.STATE_OPEN
    with pytest.raises(PGUnavailable, match="circuit open"):
        other.payment_fetch("imp_000000000000")


def test_webhook_source_addresses(settings):
    """Webhooks are accepted from PortOne's documented addresses (and this machine in sandbox mode)."""
    settings.PORTONE_WEBHOOK_ALLOWED_IPS = ["52.78.100.19", "52.78.48.223", "127.0.0.1"]

    assert pg.webhook_ip_allowed("52.78.100.19")
    assert not pg.webhook_ip_allowed("10.0.0.7")
