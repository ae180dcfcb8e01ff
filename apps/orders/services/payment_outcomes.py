"""What a payment did to an order, and what happens when none came: paid, failed, needs a check, expired.

Payments decides; these record. Each takes the order locked with ``order_lock`` in the caller's transaction,
so the browser's return, the webhook and reconciliation of one order run one after the other.
"""

import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import Product
from apps.orders.constants import FULFILMENT_FLOW
from apps.orders.models import Order, OrderLine, StockHold, StockReservation
from apps.orders.services.carts import cart_locked, cart_options_remove
from apps.orders.services.holds import stock_holds_release_expired
from apps.orders.services.placing import purchase_limits_check
from apps.orders.services.reservations import reservations_commit_or_retake, reservations_release
from apps.orders.services.statuses import OrderStateError, order_note_add, order_status_set


def order_lock(*, merchant_uid: str) -> Order:
    """The order, locked (SELECT … FOR UPDATE) until the caller's transaction ends.

    Call inside ``transaction.atomic``: every path that decides a payment (browser return, webhook,
    reconciliation) locks first, so concurrent verifications of one order run one after the other.
    """
    return Order.objects.select_for_update().select_related("user").get(merchant_uid=merchant_uid)


@transaction.atomic
def order_mark_paid(*, order: Order, imp_uid: str, amount: int, actor: str = "payments") -> Order:
    """Record the verified payment: pending → 결제완료, reserved stock committed.

    Precondition: ``order`` was locked with ``order_lock`` in the caller's transaction and the PG said
    ``paid`` with ``amount``. An order that only expired unpaid comes back only if checkout would accept it
    again now (``_revival_check``); otherwise OrderStateError (the caller refunds the payment).
    Nothing hot is written here: the units sold are counted after commit from ``order.paid``
    (``sales.order_sales_sync``), so a live drop's payers do not queue on the product row.
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
    lines = list(order.lines.all())
    if revivable:
        _revival_check(order, lines)
    reservations_commit_or_retake(order)
    order.imp_uid = imp_uid
    order.paid_at = timezone.now()
    order.cancel_reason = ""
    if order.from_cart:
        cart_options_remove(
            user_id=order.user_id, option_ids=[line.option_id for line in lines if line.option_id]
        )
    return order_status_set(order, Order.Status.PAID, note="", actor=actor)


def _revival_check(order: Order, lines: list[OrderLine]) -> None:
    """Raise OrderStateError unless an expired order may be sold now under checkout's rules.

    Same locks and order as ``order_place``: the buyer's cart row first (the per-buyer limit), the stock
    last (``reservations_commit_or_retake``, by the caller). An order placed from a live hold is never
    revived: its price (a live price, a coupon given back when it expired) held only while the hold did.
    """
    if StockHold.objects.filter(order=order).exists():
        raise OrderStateError(_("방송 구매의 결제 시간이 지나 주문을 되살릴 수 없어요."))
    cart_locked(order.user)
    quantities: dict[int, int] = {}
    for line in lines:
        if line.product_id:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    products = Product.objects.in_bulk(list(quantities))
    for product_id in list(quantities):
        if product_id not in products:
            raise OrderStateError(_("판매가 끝난 상품이 있어 주문을 되살릴 수 없어요."))
    try:
        purchase_limits_check(user=order.user, quantities=quantities, products=products)
    except ValidationError as error:
        raise OrderStateError(error.messages) from None


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

    Held stock is released: a payment staff have yet to check is not a sale until staff decide. An order
    already there gets the new reason logged (the PG's later answer about it).
    """
    if order.status == Order.Status.NEEDS_CHECK:
        if reason[:255] != order.status_note:
            order_note_add(order=order, note=reason, actor=actor)
        return order
    reservations_release(order)
    return order_status_set(order, Order.Status.NEEDS_CHECK, note=reason, actor=actor)


@transaction.atomic
def order_await_deposit(*, order: Order, until, note: str = "", actor: str = "payments") -> Order:
    """A 가상계좌 was issued for the pending order: its stock stays reserved until the deposit deadline ``until``.

    Precondition: ``order`` locked with ``order_lock``. Idempotent: the same deadline again changes nothing; a
    deadline already past expires the order now (its stock back on sale), as the expiry job would. ``note``
    (the caller gives it only when the account is new) goes to the order's history.
    """
    if order.status != Order.Status.PENDING:
        return order
    held = StockReservation.objects.filter(order=order, state=StockReservation.State.HELD)
    if until <= timezone.now():
        held.update(expires_at=until)
        order_expire(order_id=order.pk)
        order.refresh_from_db()
        return order
    held.exclude(expires_at=until).update(expires_at=until)
    if note:
        order_note_add(order=order, note=note, actor=actor)
    return order


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
