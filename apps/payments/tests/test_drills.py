"""Fault drills: the PG answers 500s and times out while shoppers' payments come back, or while they cancel.

tests/test_verify.py proves each piece (a timeout keeps one order pending, the breaker opens and closes);
this drill runs the whole outage through the shop's own entry points: several shoppers have paid in the
sandbox window, the PG then fails (timeouts, then 500s), their browsers return to /payments/complete/ and
PortOne's webhooks arrive. Expected: the circuit opens and stops calling the PG, every order stays pending
(never failed, never cancelled, stock still held), and once the PG is back the reconciliation task pays each
exactly once.

The second drill is the refunds' outage: the PG answers 500 for ten minutes while shoppers cancel paid
orders. Time is the relay's own clock (beat's 30-second passes, without waiting them out): the refunds stay
취소요청 in the domain-event outbox, and within a minute of the PG's return every one is made, once.
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.core.models import EventDelivery
from apps.core.tasks import outbox_relay_pass
from apps.orders.models import Order, StockReservation
from apps.orders.tests.factories import UserFactory, order_make
from apps.payments import services
from apps.payments.models import PaymentAttempt, Refund
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


RELAY_EVERY = timedelta(seconds=30)  # CELERY_BEAT_SCHEDULE["core-outbox-relay"]
OUTAGE = timedelta(minutes=10)


@pytest.mark.django_db(transaction=True)
def test_pg_down_ten_minutes_while_shoppers_cancel_every_refund_is_made_once_within_a_minute_of_its_return(
    portone, pg_sandbox
):
    """500s for ten minutes while paid orders are cancelled → all wait in 취소요청; PG back → within two relay
    passes each is refunded once (one PG cancel each), 취소 with its stock back."""
    shoppers = []
    for _ in range(SHOPPERS):
        user = UserFactory()
        order = order_make(user=user)
        services.payment_start(order=order)
        result = pg_sandbox.shopper_pay(
            merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
        )
        assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
        shoppers.append((user, order, result["imp_uid"]))

    pg_sandbox.inject_fault("error500", count=-1)
    clock, outage_ends = timezone.now(), timezone.now() + OUTAGE
    waiting = list(shoppers)
    while clock < outage_ends:
        if waiting:  # a shopper cancels every other pass through the outage
            user, order, _imp_uid = waiting.pop()
            browser = Client()
            browser.force_login(user)
            assert browser.post(f"/orders/{order.merchant_uid}/cancel/").status_code == 302
            assert Order.objects.get(pk=order.pk).status == Order.Status.CANCEL_REQUESTED
        clock += RELAY_EVERY
        outbox_relay_pass(now=clock)
        clock += RELAY_EVERY
        outbox_relay_pass(now=clock)
    refunds = EventDelivery.objects.filter(handler="apps.payments.events.refund_on_cancel_request")
    assert refunds.count() == SHOPPERS
    assert set(refunds.values_list("state", flat=True)) == {EventDelivery.State.FAILING}
    assert not Refund.objects.exclude(status=Refund.Status.PENDING).exists()
    assert all(not pg_sandbox.ledger.payment_get(imp_uid)["cancel_history"] for _u, _o, imp_uid in shoppers)

    pg_sandbox.inject_fault("none")
    time.sleep(TEST_BREAKER_RESET_TIMEOUT + 0.1)  # the breaker lets its trial call through
    passes = 0
    while refunds.exclude(state=EventDelivery.State.DONE).exists():
        assert passes < 2, "refunds still waiting a minute after the PG came back"
        clock += RELAY_EVERY
        outbox_relay_pass(now=clock)
        passes += 1

    for _user, order, imp_uid in shoppers:
        order.refresh_from_db()
        assert order.status == Order.Status.CANCELLED
        assert order.refunded_amount == order.total_amount
        assert len(pg_sandbox.ledger.payment_get(imp_uid)["cancel_history"]) == 1
        assert Refund.objects.filter(order=order, status=Refund.Status.DONE).count() == 1
        assert order.lines.get().option.stock == 10
