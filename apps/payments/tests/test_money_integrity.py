"""Money integrity: late payments, foreign payments, locks and the PG, refunds of lines and of 확인필요 orders."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from apps.catalog.models import Product, ProductOption, ProductSalesDay
from apps.orders.models import Order, OrderLine, StockReservation
from apps.orders.services import cancels, holds, payment_outcomes
from apps.orders.tests.factories import ProductOptionFactory, UserFactory, order_make
from apps.payments import gateway, refunds, services
from apps.payments.models import PaymentAttempt, Refund

pytestmark = pytest.mark.django_db


def _pay(pg_sandbox, order, **params) -> dict:
    services.payment_start(order=order)
    return pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title, **params
    )


def _expire(order) -> None:
    StockReservation.objects.filter(order=order).update(expires_at=order.created_at)
    payment_outcomes.reservations_release_expired()


# --- A late payment of an expired order -------------------------------------------------------------------


def test_a_late_payment_over_the_purchase_limit_is_refunded(portone, pg_sandbox):
    """Expired order, then the buyer's limit spent on another order: the late payment is refunded, not revived."""
    user = UserFactory()
    option = ProductOptionFactory(stock=10)
    Product.objects.filter(pk=option.product_id).update(purchase_limit=1)
    expired = order_make(user=user, option=option)
    late = _pay(pg_sandbox, expired)
    _expire(expired)
    second = order_make(user=user, option=option)
    assert services.payment_verify(
        merchant_uid=second.merchant_uid, imp_uid=_pay(pg_sandbox, second)["imp_uid"]
    ).paid

    verification = services.payment_verify(merchant_uid=expired.merchant_uid, imp_uid=late["imp_uid"])

    expired.refresh_from_db()
    assert verification.outcome == services.REFUSED
    assert expired.status == Order.Status.CANCELLED
    assert "1인당 1개" in expired.status_note
    assert pg_sandbox.ledger.payment_get(late["imp_uid"])["status"] == "cancelled"
    assert Refund.objects.get(order=expired).status == Refund.Status.DONE
    assert ProductOption.objects.get(pk=option.pk).stock == 9


def test_a_late_payment_of_an_order_from_a_live_hold_is_refunded(portone, pg_sandbox):
    """An expired order placed from a hold (its live price and coupon given back) is never revived."""
    user = UserFactory()
    option = ProductOptionFactory(stock=10)
    hold = holds.stock_hold_place(user=user, option_id=option.pk, quantity=1, minutes=5, unit_price=20000)
    order = order_make(user=user, items={option.pk: 1}, hold=hold)
    late = _pay(pg_sandbox, order)
    _expire(order)

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=late["imp_uid"])

    assert verification.outcome == services.REFUSED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert pg_sandbox.ledger.payment_get(late["imp_uid"])["status"] == "cancelled"
    assert ProductOption.objects.get(pk=option.pk).stock == 10


# --- Currency and channel -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"currency": "USD"}, {"pg": "payco"}, {"channel": "api"}],
    ids=["currency", "pg", "channel"],
)
def test_a_payment_in_another_currency_or_channel_is_cancelled(portone, pg_sandbox, params):
    """Only KRW through the shop's PG window is kept; anything else is cancelled at the PG and sent to 확인필요."""
    order = order_make()
    result = _pay(pg_sandbox, order, **params)
    assert result["imp_success"] == "true"

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])

    order.refresh_from_db()
    assert verification.outcome == services.REFUSED
    assert order.status == Order.Status.NEEDS_CHECK
    assert "결제 조건 불일치" in order.status_note
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["status"] == "cancelled"
    assert PaymentAttempt.objects.get(order=order).status == PaymentAttempt.Status.MISMATCH


# --- Nothing hot in the payment's transaction; deadlocks retried; never a 500 -----------------------------


def test_sales_are_counted_after_the_payment_commits_and_once(
    portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """The payment's transaction writes no sales figure; order.paid counts them after commit, once."""
    order = order_make(quantity=2)
    product_id = order.lines.get().product_id
    result = _pay(pg_sandbox, order)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    assert Product.objects.get(pk=product_id).sales_count == 0
    assert not ProductSalesDay.objects.filter(product_id=product_id).exists()

    for callback in callbacks + callbacks:  # a redelivered event counts nothing twice
        callback()
    assert Product.objects.get(pk=product_id).sales_count == 2
    assert ProductSalesDay.objects.get(product_id=product_id).quantity == 2

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_cancel(order=order, actor="shopper")
    assert Product.objects.get(pk=product_id).sales_count == 0


def _hold_order_row(order_id: int, seconds: float, started: threading.Event) -> threading.Thread:
    """Another connection locks the order row for ``seconds``, as a verification stuck behind it would see."""

    def hold():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("START TRANSACTION")
                cursor.execute("SELECT id FROM orders_order WHERE id = %s FOR UPDATE", [order_id])
                started.set()
                time.sleep(seconds)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    return thread


@pytest.fixture
def short_lock_wait():
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT")


@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_timeout_retries_the_whole_verification(portone, pg_sandbox, short_lock_wait):
    """The order row held past the lock wait timeout: the verification is taken again and pays the order."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    holder = _hold_order_row(order.pk, 1.5, threading.Event())

    verification = services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"])
    holder.join()

    assert verification.paid
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


@pytest.mark.django_db(transaction=True)
def test_a_payer_never_sees_a_500_when_the_payment_cannot_be_recorded(
    client, portone, pg_sandbox, short_lock_wait, monkeypatch
):
    """Lock waits to the last retry: the return page says the payment is kept; reconciliation pays it later."""
    monkeypatch.setattr(refunds, "DB_ATTEMPTS", 1)
    user = UserFactory()
    order = order_make(user=user)
    result = _pay(pg_sandbox, order)
    client.force_login(user)
    holder = _hold_order_row(order.pk, 2.5, threading.Event())

    response = client.get(reverse("payments:complete"), result, follow=True)
    holder.join()

    assert response.redirect_chain[0][1] == 302
    assert "결제는 접수되었어요" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    assert services.payment_verify(merchant_uid=order.merchant_uid, source="reconcile").paid


# --- No PG call while a transaction is open ----------------------------------------------------------------


@pytest.fixture
def pg_calls_in_transactions():
    """Every PG call made while a database transaction was open, as (operation, True)."""
    seen = []

    def observe(operation):
        if connection.in_atomic_block:
            seen.append(operation)

    gateway.call_observers.append(observe)
    yield seen
    gateway.call_observers.remove(observe)


@pytest.mark.django_db(transaction=True)
def test_the_pg_is_never_called_inside_a_transaction(portone, pg_sandbox, pg_calls_in_transactions):
    """Start, verify, a duplicate's cancel, a wrong amount's cancel and a refund call the PG with no lock held."""
    paid = order_make(quantity=2)
    first = _pay(pg_sandbox, paid)
    assert services.payment_verify(merchant_uid=paid.merchant_uid, imp_uid=first["imp_uid"]).paid
    pg_sandbox.ledger.payments[first["imp_uid"]]["status"] = "ready"  # let the window take a second payment
    duplicate = pg_sandbox.shopper_pay(merchant_uid=paid.merchant_uid, amount=paid.total_amount, name="x")
    pg_sandbox.ledger.payments[first["imp_uid"]]["status"] = "paid"
    assert (
        services.payment_verify(merchant_uid=paid.merchant_uid, imp_uid=duplicate["imp_uid"]).outcome
        == services.REFUSED
    )
    wrong = order_make()
    tampered = pg_sandbox.shopper_pay(merchant_uid=wrong.merchant_uid, amount=100, name="x")
    services.payment_verify(merchant_uid=wrong.merchant_uid, imp_uid=tampered["imp_uid"])

    cancels.order_cancel(order=Order.objects.get(pk=paid.pk), actor="shopper")

    assert pg_calls_in_transactions == []
    assert pg_sandbox.ledger.payment_get(duplicate["imp_uid"])["status"] == "cancelled"
    assert pg_sandbox.ledger.payment_get(tampered["imp_uid"])["status"] == "cancelled"
    assert Order.objects.get(pk=paid.pk).status == Order.Status.CANCELLED
    assert not Refund.objects.filter(status=Refund.Status.PENDING).exists()


def test_a_refund_left_pending_is_sent_again_once(portone, pg_sandbox, django_capture_on_commit_callbacks):
    """A refund decided but never answered (the PG down) is sent again by reconciliation, and made once."""
    order = order_make()
    result = _pay(pg_sandbox, order)
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    pg_sandbox.inject_fault("error500", count=-1)
    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_cancel(order=Order.objects.get(pk=order.pk), actor="shopper")
    assert Refund.objects.get(order=order).status == Refund.Status.PENDING
    pg_sandbox.inject_fault("none")
    portone.breaker.close()
    Refund.objects.filter(order=order).update(created_at=timezone.now() - timedelta(minutes=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert refunds.refunds_resend() == 1
        assert refunds.refunds_resend() == 0

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["cancel_amount"] == order.total_amount


# --- Shipping fee, 확인필요 → 취소 --------------------------------------------------------------------------


def _paid_two_lines(pg_sandbox, *, two_sellers: bool = False):
    """A paid order of two lines, of one shop (one 3,000원 fee) or of two (one fee each)."""
    first = ProductOptionFactory(stock=10)
    seller = {} if two_sellers else {"product__seller": first.product.seller}
    options = [first, ProductOptionFactory(stock=10, **seller)]
    order = order_make(items={option.pk: 1 for option in options})
    assert order.shipping_fee == (6000 if two_sellers else 3000)
    result = _pay(pg_sandbox, order)
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    return Order.objects.get(pk=order.pk), result["imp_uid"]


def test_cancelling_line_by_line_refunds_the_shipping_fee_too(
    portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """Two lines cancelled one at a time, the second before the first is refunded: the whole total comes back."""
    order, imp_uid = _paid_two_lines(pg_sandbox)
    first, second = order.lines.all()
    with django_capture_on_commit_callbacks() as requests:
        cancels.order_cancel(order=order, actor="shopper", line_ids=[first.pk])
        cancels.order_cancel(order=order, actor="shopper", line_ids=[second.pk])

    with django_capture_on_commit_callbacks(execute=True):
        for request in requests:
            request()

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(imp_uid)["cancel_amount"] == order.total_amount


def test_two_sellers_parcels_each_give_their_own_fee_back(
    portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """Cancelling one seller's parcel refunds its line and its fee; the other's later takes the rest, to the won."""
    order, imp_uid = _paid_two_lines(pg_sandbox, two_sellers=True)
    first, second = order.lines.all()
    with django_capture_on_commit_callbacks() as requests:
        cancels.order_cancel(order=order, actor="shopper", line_ids=[first.pk])
        cancels.order_cancel(order=order, actor="shopper", line_ids=[second.pk])

    with django_capture_on_commit_callbacks(execute=True):
        for request in requests:
            request()

    order.refresh_from_db()
    amounts = list(Refund.objects.filter(order=order).order_by("id").values_list("amount", flat=True))
    assert amounts == [first.amount + 3000, second.amount + 3000]
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(imp_uid)["cancel_amount"] == order.total_amount


def test_staff_cancel_of_a_needs_check_order_refunds_and_restocks(
    portone, pg_sandbox, django_capture_on_commit_callbacks
):
    """확인필요 → 취소 of a paid order goes through the refund: the PG refunds, the units go back on sale."""
    order = order_make(quantity=2)
    option_id = order.lines.get().option_id
    result = _pay(pg_sandbox, order)
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    payment_outcomes.order_mark_needs_check(
        order=payment_outcomes.order_lock(merchant_uid=order.merchant_uid), reason="택배 주소 확인"
    )
    assert ProductOption.objects.get(pk=option_id).stock == 8

    with django_capture_on_commit_callbacks(execute=True):
        cancels.order_needs_check_resolve(order=order, to_status=Order.Status.CANCELLED, actor="admin")

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_amount == order.total_amount
    assert pg_sandbox.ledger.payment_get(result["imp_uid"])["cancel_amount"] == order.total_amount
    assert ProductOption.objects.get(pk=option_id).stock == 10
    assert order.lines.get().status == OrderLine.Status.CANCELLED


# --- The browser's GET return changes nothing it was not paid for -----------------------------------------


@pytest.mark.parametrize("card", ["4000-0000-0000-0002", None], ids=["declined", "no-payment"])
def test_the_payment_return_by_get_never_cancels_an_order(client, portone, pg_sandbox, card):
    """GET /payments/complete/ after a declined card, or with no payment at all, leaves the order pending."""
    user = UserFactory()
    order = order_make(user=user)
    query = {"merchant_uid": order.merchant_uid, "imp_success": "false"}
    if card:
        query = _pay(pg_sandbox, order, card_number=card)
    client.force_login(user)

    response = client.get(reverse("payments:complete"), query, follow=True)

    assert response.status_code == 200
    assert "결제가 완료되지 않았어요" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    assert StockReservation.objects.get(order=order).state == StockReservation.State.HELD
