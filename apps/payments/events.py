"""Domain events payments subscribes to. (Payments changes orders through ``apps.orders.services``.)"""

from apps.core.events import subscribe
from apps.payments import services


@subscribe("order.cancel_requested")
def refund_on_cancel_request(*, event: str, payload: dict) -> None:
    """Refund the cancelled lines at the PG; PGUnavailable propagates so the event task retries with backoff."""
    services.payment_refund(
        order_id=payload["order_id"],
        line_ids=payload["line_ids"],
        amount=payload["amount"],
        reason=payload["reason"],
        final_status=payload["final_status"],
        restock=payload["restock"],
        cancel_reason=payload.get("cancel_reason", ""),
    )
