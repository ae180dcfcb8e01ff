"""Fault drill: the PG answers 500s and times out while shoppers' payments come back.

tests/test_verify.py proves each piece (a timeout keeps one order pending, the breaker opens and closes);
this drill runs the whole outage through the shop's own entry points: several shoppers have paid in the
sandbox window, the PG then fails (timeouts, then 500s), their browsers return to /payments/complete/ and
PortOne's webhooks arrive. Expected: the circuit opens and stops calling the PG, every order stays pending
(never failed, never cancelled, stock still held), and once the PG is back the reconciliation task pays each
exactly once.
"""

import time

import pytest
from django.test import Client

from apps.orders.models import Order, StockReservation
from apps.orders.tests.factories import UserFactory, order_make
from apps.payments import services
from apps.payments.models import PaymentAttempt
from apps.payments.tasks import payments_reconcile
from apps.payments.testing import TEST_BREAKER_RESET_TIMEOUT, TEST_TIMEOUT

pytestmark = [pytest.mark.drill, pytest.mark.django_db]

SHOPPERS = 4


def test_pg_outage_opens_the_circuit_keeps_orders_pending_and_reconciliation_finishes_them(
    portone, pg_sandbox, settings
):
    """500s and timeouts → breaker open, orders pending with their stock; PG back → each paid once."""
    settings.PORTONE_WEBHOOK_ALLOWED_IPS = ["127.0.0.1"]
    paid = []
    for _ in range(SHOPPERS):
        user = UserFactory()
        order = order_make(user=user)
        services.payment_start(order=order)
        result = pg_sandbox.shopper_pay(
            merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
        )
        paid.append((user, order, result["imp_uid"]))
    portone.token_forget()

    # The outage: first the PG hangs past our read timeout, then it answers 500 to everything.
    pg_sandbox.inject_fault("timeout", count=-1, delay=TEST_TIMEOUT * 3)
    for user, order, imp_uid in paid[:2]:
        browser = Client()
        browser.force_login(user)
        back = browser.get(f"/payments/complete/?merchant_uid={order.merchant_uid}&imp_uid={imp_uid}")
        assert back["Location"] == f"/orders/{order.merchant_uid}/"
    pg_sandbox.inject_fault("error500", count=-1)
    webhook = Client()
    for _user, order, imp_uid in paid:
        response = webhook.post(
            "/payments/webhook/",
            {"imp_uid": imp_uid, "merchant_uid": order.merchant_uid, "status": "paid"},
            content_type="application/json",
        )
        assert response.status_code == 200

    assert portone.breaker.current_state == "open"
    calls = sum(pg_sandbox.ledger.calls.values())
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    payments_reconcile.delay().get()  # while open: fails fast, asks the PG nothing
    assert sum(pg_sandbox.ledger.calls.values()) == calls
    for _user, order, _imp_uid in paid:
        assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
        assert StockReservation.objects.get(order=order).state == StockReservation.State.HELD
        assert PaymentAttempt.objects.filter(order=order, status=PaymentAttempt.Status.UNKNOWN).exists()

    # The PG is back; after the breaker's reset time the next reconciliation settles everything.
    pg_sandbox.inject_fault("none")
    time.sleep(TEST_BREAKER_RESET_TIMEOUT + 0.1)
    assert payments_reconcile.delay().get() == {"paid": SHOPPERS}

    assert portone.breaker.current_state == "closed"
    for _user, order, _imp_uid in paid:
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        assert order.history.filter(to_status=Order.Status.PAID).count() == 1
    assert payments_reconcile.delay().get() == {}
