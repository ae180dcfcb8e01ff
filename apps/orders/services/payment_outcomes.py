"""What a payment did to an order, and what happens when none came: paid, failed, needs a check, expired.

Payments decides; these record. Each takes the order locked with ``order_lock`` in the caller's transaction,
so the browser's return, the webhook and reconciliation of one order run one after the other.
"""

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.orders.constants import FULFILMENT_FLOW
from apps.orders.models import Order, StockReservation
from apps.orders.services.carts import cart_options_remove
from apps.orders.services.holds import stock_holds_release_expired
from apps.orders.services.reservations import reservations_commit_or_retake, reservations_release
from apps.orders.services.statuses import OrderStateError, order_status_set


def order_lock(*, merchant_uid: str) -> Order:
    """The order, locked (SELECT … FOR UPDATE) until the caller's transaction ends.

    Call inside ``transaction.atomic``: every path that decides a payment (browser return, webhook,
    reconciliation) locks first, so concurrent verifications of one order run one after the other.
    """
    return Order.objects.select_for_update().select_related("user").get(merchant_uid=merchant_uid)


@transaction.atomic
def order_mark_paid(*, order: Order, imp_uid: str, amount: int, actor: str = "payments") -> Order:
    """Record the verified payment: pending → 결제완료, reserved stock committed, sales counted.

    Precondition: ``order`` was locked with ``order_lock`` in the caller's transaction and the PG said
    ``paid`` with ``amount``. An order that only expired unpaid comes back if its units can be taken again;
    otherwise OrderStateError (the caller refunds the payment).
    """
    if order.status in FULFILMENT_FLOW and order.imp_uid == imp_uid:
        return order
    revivable = order.status == Order.Status.CANCELLED and order.cancel_reason == Order.CancelReason.EXPIRED
    if order.status != Order.Status.PENDING and not revivable:
        raise OrderStateError(
            _("결제할 수 없는 주문 상태예요 (%(status)s).") % {"status": order.get_status_display()}
        )
    if amount != order.total_amount:
        raise OrderStateError(_("결제 금액이 주문 금액과 달라요."))
    reservations_commit_or_retake(order)
    order.imp_uid = imp_uid
    order.paid_at = timezone.now()
    order.cancel_reason = ""
    lines = list(order.lines.all())
    for line in lines:
        if line.product_id:
            catalog_services.product_sales_record(product_id=line.product_id, quantity=line.quantity)
    if order.from_cart:
        cart_options_remove(
            user_id=order.user_id, option_ids=[line.option_id for line in lines if line.option_id]
        )
    return order_status_set(order, Order.Status.PAID, note="", actor=actor)


@transaction.atomic
def order_mark_paid_demo(*, order: Order, imp_uid: str) -> Order:
    """Demo data only: record a payment the PG sandbox would have confirmed, taking the lock itself."""
    return order_mark_paid(
        order=order_lock(merchant_uid=order.merchant_uid),
        imp_uid=imp_uid,
        amount=order.total_amount,
        actor="demo",
    )


@transaction.atomic
def order_mark_payment_failed(*, order: Order, reason: str, actor: str = "payments") -> Order:
    """An unpaid order whose payment failed or was abandoned: 취소, its stock back on sale. Idempotent."""
    if order.status != Order.Status.PENDING:
        return order
    reservations_release(order)
    order.cancel_reason = Order.CancelReason.PAYMENT_FAILED
    return order_status_set(order, Order.Status.CANCELLED, note=reason, actor=actor)


@transaction.atomic
def order_mark_needs_check(*, order: Order, reason: str, actor: str = "payments") -> Order:
    """Send the order to staff (확인필요): a payment whose amount or status did not match, a failed refund.

    Held stock is released: a payment staff have yet to check is not a sale until staff decide.
    """
    if order.status == Order.Status.NEEDS_CHECK:
        return order
    reservations_release(order)
    return order_status_set(order, Order.Status.NEEDS_CHECK, note=reason, actor=actor)


@transaction.atomic
def order_expire(*, order_id: int) -> bool:
    """Cancel a pending order whose reservations ran out; returns whether it expired now."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    now = timezone.now()
    if order is None or order.status != Order.Status.PENDING:
        return False
    if StockReservation.objects.filter(
        order=order, state=StockReservation.State.HELD, expires_at__gt=now
    ).exists():
        return False
    reservations_release(order)
    order.cancel_reason = Order.CancelReason.EXPIRED
    order_status_set(
        order, Order.Status.CANCELLED, note=_("결제 시간이 지나 주문이 취소되었어요."), actor="system"
    )
    return True


# When this process last looked for expired reservations from a checkout (see the function below).
_released_at = 0.0
RELEASE_FROM_CHECKOUT_SECONDS = 10.0


def reservations_release_expired_now_and_then() -> int:
    """What a checkout calls so a machine without a beat scheduler still gets expired stock back: at most
    every ``RELEASE_FROM_CHECKOUT_SECONDS`` per process (a live drop brings a burst of checkouts at once)."""
    global _released_at
    now = time.monotonic()
    if now - _released_at < RELEASE_FROM_CHECKOUT_SECONDS:
        return 0
    _released_at = now
    return reservations_release_expired(limit=20)


def reservations_release_expired(*, limit: int = 500) -> int:
    """Expire every pending order whose reservation time is up (Celery beat, every minute); returns how many."""
    order_ids = (
        StockReservation.objects.filter(
            state=StockReservation.State.HELD,
            expires_at__lte=timezone.now(),
            order__status=Order.Status.PENDING,
        )
        .values_list("order_id", flat=True)
        .distinct()[:limit]
    )
    stock_holds_release_expired(limit=limit)
    return sum(order_expire(order_id=order_id) for order_id in list(order_ids))
