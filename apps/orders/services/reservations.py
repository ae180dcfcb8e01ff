"""An order's stock reservations end exactly once: committed when paid, released otherwise."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.orders.models import Order, StockReservation
from apps.orders.services.statuses import OrderStateError


def reservations_release(order: Order) -> None:
    """Give the order's still-held units back. Call with the order locked."""
    held = list(
        StockReservation.objects.filter(order=order, state=StockReservation.State.HELD).order_by("option_id")
    )
    for reservation in held:
        catalog_services.option_stock_release(option_id=reservation.option_id, quantity=reservation.quantity)
    StockReservation.objects.filter(pk__in=[r.pk for r in held]).update(state=StockReservation.State.RELEASED)


def reservations_commit_or_retake(order: Order) -> None:
    """Commit the order's held units; units already released (it expired) are taken again if still there."""
    reservations = list(StockReservation.objects.filter(order=order).order_by("option_id"))
    with transaction.atomic():
        for reservation in reservations:
            if (
                reservation.state == StockReservation.State.RELEASED
                and not catalog_services.option_stock_reserve(
                    option_id=reservation.option_id, quantity=reservation.quantity
                )
            ):
                raise OrderStateError(_("결제 시간이 지나는 사이 상품이 품절되었어요."))
    StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
        state=StockReservation.State.COMMITTED
    )
