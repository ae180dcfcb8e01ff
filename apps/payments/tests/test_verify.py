"""Verification, webhook, reconciliation and refunds, against the PG sandbox as a real server."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from apps.catalog.models import ProductOption
from apps.orders.models import Order, OrderLine, StockReservation
from apps.orders.services import cancels, payment_outcomes
from apps.orders.tests.factories import ProductOptionFactory, UserFactory, order_make
from apps.payments import gateway, services
from apps.payments.models import PaymentAttempt, Refund
from apps.payments.testing import TEST_BREAKER_FAIL_MAX, TEST_BREAKER_RESET_TIMEOUT

pytestmark = pytest.mark.django_db


def _pay(pg_sandbox, order, *, amount=None, **params) -> dict:
    """Pre-register the order's amount (as the pay page does) and pay in the sandbox window."""
    services.payment_start(order=order)
    return pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=amount or order.total_amount, name=order.title, **params
    )


def test_a_paid_payment_of_the_right_amount_pays_the_order(
    portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """PG says paid for the order's total: 결제완료, stock committed, the shopper mailed."""
    order = order_make(quantity=2)
    result = _pay(pg_sandbox, order)

    with django_capture_on_commit_callbacks(execute=True):
        verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    order.refresh_from_db()
    assert verification.paid
    assert order.status == Order.Status.PAID
    assert order.imp_uid == result["imp_uid"]
    assert StockReservation.objects.get(order=order).state == StockReservation.State.COMMITTED
    assert PaymentAttempt.objects.get(order=order).status == PaymentAttempt.Status.PAID
    assert any("주문이 접수되었어요" in message.subject for message in mail.outbox)


def test_verifying_twice_changes_nothing(portone, pg_sandbox):
    """A second verification of a paid order is a no-op answering paid."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    again = services.payment_verify(
        merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"], source="webhook"
    )

    assert again.paid
    assert Order.objects.get(pk=order.pk).history.filter(to_status=Order.Status.PAID).count() == 1


def test_a_tampered_amount_is_refused_and_cancelled_at_the_pg(portone, pg_sandbox):
    """A paid payment of another amount (no prepare reached the PG) is cancelled there and sent to 확인필요."""
    order = order_make(quantity=2)
    result = pg_sandbox.shopper_pay(merchant_uid=order.merchant_uid, amount=100, name=order.title)
    assert result["imp_success"] == "true"

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    order.refresh_from_db()
    payment = pg_sandbox.ledger.payment_get(result["imp_uid"])
    assert verification.outcome == services.REFUSED
    assert "금액" in verification.message
    assert payment["status"] == "cancelled"
    assert payment["cancel_amount"] == 100
    assert order.status == Order.Status.NEEDS_CHECK
    assert "결제 100원 / 주문" in order.status_note
    assert Refund.objects.get(order=order).status == Refund.Status.DONE
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 10


def test_the_prepared_amount_stops_a_tampered_window(portone, pg_sandbox):
    """With the amount pre-registered, the window fails another amount: nothing charged, order cancelled."""
    order = order_make()
    result = _pay(pg_sandbox, order, amount=100)

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"] or None)

    assert result["imp_success"] == "false"
    assert verification.outcome == services.FAILED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_a_declined_card_cancels_the_order_and_releases_stock(portone, pg_sandbox):
    """A failed payment gives the stock back and says why."""
    order = order_make(quantity=3)
    result = _pay(pg_sandbox, order, card_number="4000-0000-0000-0002")

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    assert verification.outcome == services.FAILED
    assert Order.objects.get(pk=order.pk).cancel_reason == Order.CancelReason.PAYMENT_FAILED
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 10


def test_webhook_before_the_browser_return_gives_one_paid_order(client, portone, pg_sandbox, live_server):
    """The sandbox posts the webhook before redirecting: the later browser return finds the order paid."""
    user = UserFactory()
    order = order_make(user=user)
    notice_url = live_server.url + reverse("payments:webhook")

    result = _pay(pg_sandbox, order, notice_url=notice_url)
    assert pg_sandbox.webhooks[-1]["status"] == 200
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID

    client.force_login(user)
    response = client.get(reverse("payments:complete"), {**result})

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).history.filter(to_status=Order.Status.PAID).count() == 1
    assert PaymentAttempt.objects.filter(order=order, status=PaymentAttempt.Status.PAID).count() == 1


def test_webhook_after_the_browser_return_gives_one_paid_order(client, portone, pg_sandbox):
    """Browser first, webhook later (JSON or form): still one paid order."""
    user = UserFactory()
    order = order_make(user=user)
    result = _pay(pg_sandbox, order)
    client.force_login(user)
    client.get(reverse("payments:complete"), result)

    body = {"imp_uid": result["imp_uid"], "merchant_uid": order.merchant_uid, "status": "paid"}
    assert client.post(reverse("payments:webhook"), body, content_type="application/json").status_code == 200
    assert client.post(reverse("payments:webhook"), body).status_code == 200

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert Order.objects.get(pk=order.pk).history.filter(to_status=Order.Status.PAID).count() == 1


@pytest.mark.django_db(transaction=True)
def test_webhook_and_browser_at_once_give_exactly_one_paid_order(portone, pg_sandbox):
    """Six verifications racing in threads (own DB connections): one paid, stock committed once."""
    order = order_make(quantity=2)
    result = _pay(pg_sandbox, order)
    barrier = threading.Barrier(6)
    outcomes = []

    def verify(source):
        try:
            barrier.wait()
            outcomes.append(
                services.payment_verify(
                    merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"], source=source
                ).outcome
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(s,)) for s in ("browser", "webhook") * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["paid"] * 6
    assert Order.objects.get(pk=order.pk).history.filter(to_status=Order.Status.PAID).count() == 1
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 8
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["cancel_amount"] == 0


def test_webhook_is_heard_only_from_portone_addresses(client, settings):
    """Another address gets 403; a webhook without merchant_uid is a 400."""
    settings.PORTONE_WEBHOOK_ALLOWED_IPS = ["52.78.100.19"]
    assert client.post(reverse("payments:webhook"), {"merchant_uid": "x"}).status_code == 403

    settings.PORTONE_WEBHOOK_ALLOWED_IPS = ["127.0.0.1"]
    assert client.post(reverse("payments:webhook"), {}).status_code == 400
    assert client.get(reverse("payments:webhook")).status_code == 405


def test_pg_timeout_leaves_the_order_pending_then_reconciliation_pays_it(portone, pg_sandbox, settings):
    """The PG times out on the return: order stays pending; the reconciliation task pays it later."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    portone.token_forget()
    pg_sandbox.inject_fault("timeout", count=3, delay=2)

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    assert verification.outcome == services.PENDING
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    assert PaymentAttempt.objects.get(order=order).status == PaymentAttempt.Status.UNKNOWN

    pg_sandbox.inject_fault("none")
    portone.breaker.close()
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    from apps.payments.tasks import payments_reconcile

    assert payments_reconcile.delay().get() == {"paid": 1}
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_the_circuit_opens_after_repeated_failures_and_closes_again(portone, pg_sandbox):
    """After the breaker's failures, verification fails fast without calling the PG; after the reset it works."""
    import time

    order = order_make()
    result = _pay(pg_sandbox, order)
    pg_sandbox.inject_fault("error500", count=-1)
    for _ in range(TEST_BREAKER_FAIL_MAX):
        services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])
    calls = sum(pg_sandbox.ledger.calls.values())

    fast = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    assert portone.breaker.current_state == "open"
    assert fast.outcome == services.PENDING
    assert sum(pg_sandbox.ledger.calls.values()) == calls
    pg_sandbox.inject_fault("none")
    time.sleep(TEST_BREAKER_RESET_TIMEOUT + 0.1)
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    assert portone.breaker.current_state == "closed"


def test_pg_down_on_the_pay_page_keeps_the_order_pending(client, portone, pg_sandbox):
    """When prepare cannot reach the PG the shopper is told to retry; the order and its stock wait."""
    user = UserFactory()
    order = order_make(user=user)
    pg_sandbox.inject_fault("error500", count=-1)
    client.force_login(user)

    response = client.get(reverse("payments:pay", args=[order.merchant_uid]))

    assert response.status_code == 503
    assert "결제 서비스에 연결하지 못했어요" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    gateway.gateway().breaker.close()


def test_an_expired_order_paid_late_is_revived(portone, pg_sandbox):
    """A payment landing after the reservation expired still makes a paid order when stock is there."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    StockReservation.objects.filter(order=order).update(expires_at=order.created_at)
    payment_outcomes.reservations_release_expired()

    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 9


def test_a_payment_of_an_order_the_shopper_cancelled_is_refunded(portone, pg_sandbox):
    """Never charged for a cancelled order: the late payment is cancelled at the PG."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    cancels.order_cancel(order=order, actor="shopper")

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    assert verification.outcome == services.REFUSED
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["status"] == "cancelled"


def _paid_order(pg_sandbox, *, lines=1):
    """A paid order of ``lines`` products of one shop (one parcel, one shipping fee)."""
    first = ProductOptionFactory(stock=10)
    options = [first] + [
        ProductOptionFactory(stock=10, product__seller=first.product.seller) for _ in range(lines - 1)
    ]
    order = order_make(items={option.pk: 1 for option in options})
    result = _pay(pg_sandbox, order)
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    return Order.objects.get(pk=order.pk), result["imp_uid"]


def test_cancel_of_a_paid_order_refunds_it_whole(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """주문 취소 before shipping refunds everything through payments/cancel and restocks."""
    order, imp_uid = _paid_order(pg_sandbox)

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_cancel(order=order, actor="shopper")

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(imp_uid)["cancel_amount"] == order.total_amount
    assert ProductOption.objects.get(pk=order.lines.get().option_id).stock == 10
    assert Refund.objects.get(order=order).checksum == order.total_amount


def test_per_line_refunds_then_the_rest(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """One line refunded for its amount (checksum = what was refundable); the last refund takes the rest."""
    order, imp_uid = _paid_order(pg_sandbox, lines=3)
    first, second, third = order.lines.all()

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_refund_request(order=order, actor="admin", line_ids=[first.pk])
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.refunded_amount == first.amount
    assert OrderLine.objects.get(pk=first.pk).status == OrderLine.Status.CANCELLED

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_refund_request(order=order, actor="admin", line_ids=[second.pk, third.pk])
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(imp_uid)["cancel_amount"] == order.total_amount
    assert list(Refund.objects.filter(order=order).order_by("id").values_list("checksum", flat=True)) == [
        order.total_amount,
        order.total_amount - first.amount,
    ]


def test_a_refund_while_the_pg_is_down_is_retried(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """PG down during the refund: the lines wait (취소요청); the retried event refunds once."""
    order, imp_uid = _paid_order(pg_sandbox)
    pg_sandbox.inject_fault("error500", count=-1)

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_cancel(order=order, actor="shopper")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCEL_REQUESTED

    pg_sandbox.inject_fault("none")
    portone.breaker.close()
    payload = {"line_ids": [order.lines.get().pk], "amount": order.total_amount, "reason": "고객 요청 취소",
               "final_status": "cancelled", "restock": True}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_refund(order_id=order.pk, **payload)
        services.payment_refund(order_id=order.pk, **payload)

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert pg_sandbox.ledger.payment_get(imp_uid)["cancel_amount"] == order.total_amount
