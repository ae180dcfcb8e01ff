"""Names that the orders module's services, selectors and views share, and that other modules may read.

Other modules compare with these instead of spelling orders' strings themselves.
"""

from apps.orders.models import Order

MAX_QUANTITY = 99
GUEST_CART_SESSION_KEY = "orders:cart"
# The product page's 바로 구매 (direct checkout): {option_id: quantity} waiting for ``checkout?now=1``. The stored
# key keeps its first spelling so sessions opened before the rename still check out.
DIRECT_CHECKOUT_SESSION_KEY = "orders:buy-now"

# Domain events published besides ``order.<status>`` (payloads in ``apps.orders.events``).
ORDER_PLACED = "order.placed"
CANCEL_REQUESTED = "order.cancel_requested"
# A seller refused a shopper's cancel request of its acknowledged parcel (payload adds: reason).
CANCEL_REFUSED = "order.cancel_refused"
# A live hold gave its units back unused (payload: hold_id, user_id): whatever it spent comes back too.
STOCK_HOLD_RELEASED = "stock_hold.released"
REFUND_REQUESTED = "order.refund_requested"
# A seller's parcel left with a carrier and tracking number (payload: shipment_id, order_id).
SHIPMENT_SHIPPED = "shipment.shipped"
CART_ITEM_ADDED = "cart.item_added"

# Statuses staff move an order through, in order; each may only go one step forward.
FULFILMENT_FLOW = (
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPING,
    Order.Status.DELIVERED,
    Order.Status.CONFIRMED,
)
# Orders whose units count against a per-buyer purchase limit.
LIMIT_COUNTED_STATUSES = (
    Order.Status.PENDING,
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPING,
    Order.Status.DELIVERED,
    Order.Status.CONFIRMED,
    Order.Status.CANCEL_REQUESTED,
    Order.Status.NEEDS_CHECK,
)


def order_status_event(status: str) -> str:
    """The domain event published when an order enters ``status``."""
    return f"order.{status}"


def cart_count_key(user_id: int) -> str:
    """The cache key of a member's cart badge count (set by selectors, dropped by the cart services)."""
    return f"orders:cart-count:{user_id}"
