"""Auto-confirm: a delivered order the shopper never confirmed (구매확정) is confirmed after a while.

On Korean open markets a sale is settled on its purchase confirmation, so an order left 배송완료 would never
be paid out to its seller. After ``ORDERS_AUTO_CONFIRM_DAYS`` (runtime setting) days in 배송완료 the order is
confirmed the way the shopper's button confirms it (``order_status_set`` to 구매확정: logged in the history
the seller statements read, ``order.confirmed`` published), by the hourly task ``orders_auto_confirm``.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.orders.models import RETURN_OPEN_STATUSES, Order, OrderStatusChange
from apps.orders.pricing import _runtime_setting
from apps.orders.services.statuses import order_status_set

AUTO_CONFIRM_ACTOR = "자동 구매확정"
DEFAULT_AUTO_CONFIRM_DAYS = 7


def auto_confirm_days() -> int:
    return _runtime_setting("ORDERS_AUTO_CONFIRM_DAYS", DEFAULT_AUTO_CONFIRM_DAYS)


def _delivered_before(cutoff: datetime) -> list[int]:
    """Orders in 배송완료 whose latest move to 배송완료 happened before ``cutoff`` (oldest first), but not one with
    a return or exchange still open: it is confirmed once that is over (or refunded)."""
    delivered = (
        Order.objects.filter(status=Order.Status.DELIVERED)
        .exclude(shipments__returns__status__in=RETURN_OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    return list(
        # A note logged while delivered (a return's steps) is a row delivered → delivered: not a move.
        OrderStatusChange.objects.filter(order_id__in=delivered, to_status=Order.Status.DELIVERED)
        .exclude(from_status=Order.Status.DELIVERED)
        .values("order_id")
        .annotate(last=Max("at"))
        .filter(last__lt=cutoff)
        .order_by("last", "order_id")
        .values_list("order_id", flat=True)
    )


@transaction.atomic
def order_auto_confirm(*, order_id: int, cutoff: datetime) -> bool:
    """Confirm one order if it is still 배송완료 since before ``cutoff``; False when it no longer is (the
    shopper confirmed it meanwhile, or staff refunded it), so a rerun confirms nothing twice."""
    order = Order.objects.select_for_update().filter(pk=order_id, status=Order.Status.DELIVERED).first()
    if order is None or order_id not in _delivered_before(cutoff):
        return False
    days = (timezone.now() - cutoff).days
    order_status_set(
        order,
        Order.Status.CONFIRMED,
        note=f"배송완료 후 {days}일이 지나 자동으로 구매확정",
        actor=AUTO_CONFIRM_ACTOR,
    )
    return True


def orders_auto_confirm(*, now: datetime | None = None) -> int:
    """Confirm every order delivered ``auto_confirm_days()`` ago or earlier, each in its own transaction;
    returns how many were confirmed. Idempotent: a confirmed order is no longer 배송완료."""
    cutoff = (now or timezone.now()) - timedelta(days=auto_confirm_days())
    return sum(order_auto_confirm(order_id=pk, cutoff=cutoff) for pk in _delivered_before(cutoff))
