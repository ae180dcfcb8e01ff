"""Escrow (구매안전서비스) through the PG: when staff switch it on (admin → 운영 설정 → ``ESCROW_ENABLED``), card
and 가상계좌 payments are requested with ``escrow: true``, and each parcel of such a payment is registered at
PortOne as it leaves (``POST /escrows/logis/{imp_uid}``, ``PUT`` to change it), so the PG can release the money
once the buyer has the goods. Whether a payment is escrow is the PG's word (the payment's ``escrow``), read
again here, never assumed from today's setting: it may have changed since the order was paid.
"""

from apps.core.business import business_info
from apps.orders.models import Shipment
from apps.payments import gateway, methods

# PortOne's carrier codes for the escrow delivery (``logis.company``), by orders' carrier code.
ESCROW_CARRIERS = {"cj": "CJGLS", "hanjin": "HANJIN", "lotte": "HYUNDAI", "epost": "EPOST", "logen": "KGB"}
ESCROW_METHODS = (methods.CARD, methods.VBANK)


def escrow_requested(method: str) -> bool:
    """Whether a payment by ``method`` asks the PG for escrow now."""
    return business_info().escrow_enabled and method in ESCROW_METHODS


def escrow_delivery_register(*, shipment_id: int) -> bool:
    """Tell the PG a parcel of an escrow payment left; False when the payment is not escrow (or unpaid).

    An order of two shops has one payment and two parcels: each registration replaces the last (``PUT``),
    so the PG waits for the parcel that left last. A refusal raises ``PGError`` and the event is retried.
    """
    shipment = (
        Shipment.objects.select_related("order", "seller")
        .filter(pk=shipment_id, status__in=(Shipment.Status.SHIPPED, Shipment.Status.DELIVERED))
        .first()
    )
    if shipment is None or not shipment.order.imp_uid or not shipment.tracking_number:
        return False
    order, seller = shipment.order, shipment.seller
    if not gateway.payment_fetch(order.imp_uid).raw.get("escrow"):
        return False
    delivery = {
        "sender": {
            "name": seller.business_name,
            "tel": seller.phone,
            "addr": seller.address,
            "postcode": "",
            "relationship": "판매자",
        },
        "receiver": {
            "name": order.recipient,
            "tel": order.recipient_phone,
            "addr": f"{order.road_address} {order.detail_address}".strip(),
            "postcode": order.postcode,
        },
        "logis": {
            "company": ESCROW_CARRIERS.get(shipment.carrier, "ETC"),
            "invoice": shipment.tracking_number,
            "sent_at": int(shipment.shipped_at.timestamp()) if shipment.shipped_at else 0,
        },
    }
    gateway.escrow_logis_register(order.imp_uid, delivery)
    return True
