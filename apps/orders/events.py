"""Domain events of the orders module.

Published (payload: ``order_id``, ``merchant_uid``, ``user_id``, ``from_status``, ``to_status`` and more):
- ``order.placed``: a pending order was created and its stock reserved;
- ``order.<status>`` on every status change (``order.paid``, ``order.preparing``, ``order.shipping``,
  ``order.delivered``, ``order.confirmed``, ``order.cancelled``, ``order.refunded``, ``order.needs_check``);
  a partial cancel or refund publishes ``order.cancelled`` / ``order.refunded`` with ``partial`` true;
- ``order.cancel_refused`` (``reason``): a seller refused the shopper's cancel of its acknowledged parcel;
- ``order.cancel_requested``: a paid order (or some ``line_ids``) is to be refunded for ``amount`` through the
  PG; payments subscribes and calls ``order_refund_record`` (or ``order_refund_failed``);
- ``shipment.shipped`` (``shipment_id``, ``order_id``): a seller's parcel left; the parcel is registered at the
  tracking service when one is configured (``services.tracking``);
- ``cart.item_added`` (``product_id``, ``option_id``, ``user_id`` or None for a guest, ``quantity``,
  ``added_at``): an option went into a cart; reports counts these in its broadcast reports.

- ``order.return_requested``, ``order.return_approved``, ``order.return_refused`` (``reason``),
  ``order.return_sent_back``, ``order.return_collected``, ``order.return_refunded``, ``order.exchange_shipped``,
  ``order.return_withdrawn`` (``return_id``): the steps of a return or exchange (``services.returns``).

Subscribed: every status event mails the shopper; ``order.paid``, ``order.cancelled`` and ``order.refunded``
bring the catalog's sales figures in line (outside the payment's transaction); ``account.withdrawn`` empties
the withdrawn member's cart; each return step mails (``notifications_returns``) and ``order.refunded`` closes
the returns it refunded.
"""

from apps.core.events import subscribe
from apps.orders import notifications, notifications_returns
from apps.orders.services import returns
from apps.orders.services.carts import cart_empty
from apps.orders.services.sales import order_sales_sync
from apps.orders.services.tracking import shipment_tracking_register

MAILED_EVENTS = (
    "order.paid",
    "order.preparing",
    "order.shipping",
    "order.delivered",
    "order.confirmed",
    "order.cancel_requested",
    "order.cancelled",
    "order.refunded",
    "order.needs_check",
    "order.cancel_refused",
)


def order_status_mail(*, event: str, payload: dict) -> None:
    """Tell the shopper what happened to their order (one mail per event; resent on a retried task)."""
    notifications.order_status_mail_send(
        order_id=payload["order_id"],
        event=event,
        amount=payload.get("amount"),
        partial=payload.get("partial", False),
        reason=payload.get("reason", ""),
    )


for _event in MAILED_EVENTS:
    subscribe(_event)(order_status_mail)


@subscribe("account.withdrawn")
def cart_empty_on_withdrawal(*, event: str, payload: dict) -> None:
    cart_empty(user_id=payload["user_id"])


@subscribe("order.paid")
@subscribe("order.cancelled")
@subscribe("order.refunded")
def sales_sync_on_payment_or_refund(*, event: str, payload: dict) -> None:
    order_sales_sync(order_id=payload["order_id"])


@subscribe("order.return_requested")
@subscribe("order.return_approved")
@subscribe("order.return_refused")
@subscribe("order.return_sent_back")
@subscribe("order.return_collected")
@subscribe("order.exchange_shipped")
@subscribe("order.return_withdrawn")
def return_step_mail(*, event: str, payload: dict) -> None:
    """Each step of a return or exchange mails the shopper (a new or withdrawn request, the seller too). The refund's own
    ``order.refunded`` mail tells the shopper the money is back."""
    notifications_returns.return_mail_send(return_id=payload["return_id"], event=event)


@subscribe("order.refunded")
def returns_close_on_refund(*, event: str, payload: dict) -> None:
    """A return whose lines are now refunded is done (환불 완료)."""
    returns.returns_refund_recorded(order_id=payload["order_id"])


@subscribe("shipment.shipped")
def tracking_register_on_shipping(*, event: str, payload: dict) -> None:
    shipment_tracking_register(shipment_id=payload["shipment_id"])
