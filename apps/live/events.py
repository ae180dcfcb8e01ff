"""What the live module does when other modules' events arrive (``apps.core.events``)."""

from apps.core.events import subscribe
from apps.live import chat
from apps.orders import selectors as orders_selectors
from apps.orders import services as orders_services
from apps.orders.models import Order


@subscribe(orders_services.STOCK_HOLD_RELEASED)
def coupons_return_for_released_hold(*, event: str, payload: dict) -> None:
    chat.coupons_return(hold_ids=[payload["hold_id"]])


@subscribe(f"order.{Order.Status.CANCELLED}")
def coupons_return_for_unpaid_order(*, event: str, payload: dict) -> None:
    """An order placed from a 바로 구매 hold and cancelled before it was paid (expired, or cancelled by the
    shopper) gives the live coupon back; a paid order's refund does not."""
    if payload.get("from_status") != Order.Status.PENDING:
        return
    chat.coupons_return(hold_ids=orders_selectors.stock_hold_ids_of_order(order_id=payload["order_id"]))
