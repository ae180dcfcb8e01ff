"""Every write of the orders module, one file per concept; this package re-exports them for other modules.

- ``carts``: member and guest carts, merged at login;
- ``placing``: ``order_place``, order numbers, per-buyer purchase limits;
- ``holds``: stock taken for a buyer before checkout (a live room's 바로 구매);
- ``payment_outcomes``: ``order_lock`` and what a payment did (paid, failed, needs a check), expiry;
- ``fulfilment``: staff's steps to 구매확정, tracking numbers, the shopper's confirmation;
- ``shipments``: a seller's 발주 확인 and 발송 처리 (one by one or a CSV's rows), the order following its parcels;
- ``cancels``: cancels, refunds through payments, staff's answer to 확인필요;
- ``cancel_requests``: a seller's answer (approve, refuse) to a cancel of a parcel it acknowledged;
- ``statuses`` and ``reservations``: the status change and the stock reservation steps the others share.

Invariants kept here:
- stock is only taken by ``apps.catalog.services.option_stock_reserve`` (one conditional UPDATE), so no number
  of processes can oversell; each unit taken is a ``StockReservation`` that ends committed (paid) or released
  (expired, failed, cancelled), exactly once;
- an order's status changes only through ``statuses.order_status_set``, which logs the change and publishes
  ``order.<status>`` after commit (the shopper's mail is sent by a subscriber, ``apps.orders.events``);
- payments never writes these rows itself: it locks the order with ``order_lock`` and calls
  ``order_mark_paid`` / ``order_mark_payment_failed`` / ``order_mark_needs_check`` / ``order_refund_record``.
  Orders never imports payments: a cancel of a paid order is published as ``order.cancel_requested``.

Inside orders and payments, import from the concept file; other modules may import from here.
"""

# Callers outside orders catch ``services.ValidationError`` (the error every service raises).
from django.core.exceptions import ValidationError

from apps.orders.constants import (
    CANCEL_REQUESTED,
    CART_ITEM_ADDED,
    DIRECT_CHECKOUT_SESSION_KEY,
    FULFILMENT_FLOW,
    GUEST_CART_SESSION_KEY,
    LIMIT_COUNTED_STATUSES,
    MAX_QUANTITY,
    REFUND_REQUESTED,
    STOCK_HOLD_RELEASED,
    cart_count_key,
)
from apps.orders.pricing import (
    Amounts,
    amounts_for,
    free_shipping_threshold,
    option_prices,
    reservation_minutes,
)
from apps.orders.selectors import guest_cart_items
from apps.orders.services.cancel_requests import cancel_request_approve, cancel_request_refuse
from apps.orders.services.cancels import (
    order_cancel,
    order_needs_check_resolve,
    order_refund_failed,
    order_refund_record,
    order_refund_request,
    refund_amount_for,
)
from apps.orders.services.carts import (
    cart_empty,
    cart_item_add,
    cart_item_quantity_set,
    cart_item_remove,
    cart_merge,
    cart_options_remove,
    guest_cart_add,
    guest_cart_merge_at_login,
    guest_cart_quantity_set,
    guest_cart_remove,
)
from apps.orders.services.fulfilment import (
    order_confirm,
    order_status_advance,
    order_tracking_set,
    orders_status_advance,
)
from apps.orders.services.holds import stock_hold_place, stock_hold_release, stock_holds_release_expired
from apps.orders.services.payment_outcomes import (
    order_expire,
    order_lock,
    order_mark_needs_check,
    order_mark_paid,
    order_mark_paid_demo,
    order_mark_payment_failed,
    reservations_release_expired,
    reservations_release_expired_now_and_then,
)
from apps.orders.services.placing import (
    MERCHANT_UID_ALPHABET,
    Delivery,
    Orderer,
    merchant_uid_new,
    order_place,
)
from apps.orders.services.shipments import (
    ShipRow,
    shipment_acknowledge,
    shipment_ship,
    shipment_tracking_set,
    shipments_acknowledge_bulk,
    shipments_ship_bulk,
)
from apps.orders.services.statuses import OrderStateError

__all__ = [
    "CANCEL_REQUESTED",
    "CART_ITEM_ADDED",
    "DIRECT_CHECKOUT_SESSION_KEY",
    "FULFILMENT_FLOW",
    "GUEST_CART_SESSION_KEY",
    "LIMIT_COUNTED_STATUSES",
    "MAX_QUANTITY",
    "MERCHANT_UID_ALPHABET",
    "REFUND_REQUESTED",
    "STOCK_HOLD_RELEASED",
    "Amounts",
    "Delivery",
    "OrderStateError",
    "Orderer",
    "ShipRow",
    "ValidationError",
    "amounts_for",
    "cancel_request_approve",
    "cancel_request_refuse",
    "cart_count_key",
    "cart_empty",
    "cart_item_add",
    "cart_item_quantity_set",
    "cart_item_remove",
    "cart_merge",
    "cart_options_remove",
    "free_shipping_threshold",
    "guest_cart_add",
    "guest_cart_items",
    "guest_cart_merge_at_login",
    "guest_cart_quantity_set",
    "guest_cart_remove",
    "merchant_uid_new",
    "option_prices",
    "order_cancel",
    "order_confirm",
    "order_expire",
    "order_lock",
    "order_mark_needs_check",
    "order_mark_paid",
    "order_mark_paid_demo",
    "order_mark_payment_failed",
    "order_needs_check_resolve",
    "order_place",
    "order_refund_failed",
    "order_refund_record",
    "order_refund_request",
    "order_status_advance",
    "order_tracking_set",
    "orders_status_advance",
    "refund_amount_for",
    "reservation_minutes",
    "reservations_release_expired",
    "reservations_release_expired_now_and_then",
    "shipment_acknowledge",
    "shipment_ship",
    "shipment_tracking_set",
    "shipments_acknowledge_bulk",
    "shipments_ship_bulk",
    "stock_hold_place",
    "stock_hold_release",
    "stock_holds_release_expired",
]
