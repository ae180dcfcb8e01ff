"""Domain events payments subscribes to. (Payments changes orders through ``apps.orders.services``.)"""

from constance import config

from apps.core.events import subscribe
from apps.core.sealed import unseal_json
from apps.orders.models import Order
from apps.payments import escrow, notifications, services, vbanks


def refund_alert_minutes() -> int:
    """How long a refund may wait for the PG before staff are mailed (runtime setting)."""
    return config.REFUND_ALERT_MINUTES


@subscribe("order.cancel_requested", alert_after_minutes=refund_alert_minutes, alert_label="환불")
def refund_on_cancel_request(*, event: str, payload: dict) -> None:
    """Refund the cancelled lines at the PG.

    PGUnavailable propagates: the delivery stays open in the outbox and is sent again with capped backoff
    for as long as the PG is down (never given up), so the lines never stay 취소요청 for good.
    """
    services.payment_refund(
        order_id=payload["order_id"],
        line_ids=payload["line_ids"],
        amount=payload["amount"],
        reason=payload["reason"],
        final_status=payload["final_status"],
        restock=payload["restock"],
        cancel_reason=payload.get("cancel_reason", ""),
        refund_account=unseal_json(payload.get("refund_account")),
    )


@subscribe("payment.vbank_issued")
def vbank_issued_mail(*, event: str, payload: dict) -> None:
    """Mail the shopper the 가상계좌 to deposit into, and until when."""
    notifications.vbank_issued_mail_send(attempt_id=payload["attempt_id"])


@subscribe("order.cancelled")
def vbank_revoke_on_cancel(*, event: str, payload: dict) -> None:
    """An unpaid order cancelled or expired: its 가상계좌 is closed at the PG, so nobody deposits into it."""
    if payload.get("from_status") == Order.Status.PENDING:
        vbanks.vbanks_revoke(order_id=payload["order_id"])


@subscribe("shipment.shipped")
def escrow_delivery_on_shipping(*, event: str, payload: dict) -> None:
    """A parcel of an escrow payment left: the PG is told its carrier and tracking number."""
    escrow.escrow_delivery_register(shipment_id=payload["shipment_id"])
