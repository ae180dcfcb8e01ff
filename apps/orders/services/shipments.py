"""A seller's side of fulfilment: 발주 확인, 발송 처리 (one by one or a CSV's rows), and the order following.

Each seller acts on its own ``Shipment`` of an order only (the caller fetched it through
``selectors.shipment_get_for_seller``; these re-check the seller under the order's lock). The order's status
follows its shipments through ``order_status_set`` (history, events, mails): 배송준비중 once a seller
acknowledged, 배송중 when every shipment not cancelled has left.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.events import publish
from apps.orders.carriers import carrier_find, tracking_number_clean
from apps.orders.constants import SHIPMENT_SHIPPED
from apps.orders.models import CancelRequest, Order, OrderLine, Shipment
from apps.orders.services.statuses import OrderStateError, order_status_set

# The order statuses in which a seller may acknowledge or ship its parcel (paid, not yet refunded or checked).
SHIPPABLE_ORDER_STATUSES = (Order.Status.PAID, Order.Status.PREPARING)
OPEN_LINE_STATUSES = (OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED)


def _locked(shipment: Shipment, seller_id: int | None) -> tuple[Order, Shipment]:
    """The order (locked first, as every order write does) and the shipment, re-read under that lock."""
    order = Order.objects.select_for_update().get(pk=shipment.order_id)
    shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if seller_id is not None and shipment.seller_id != seller_id:
        raise OrderStateError(_("다른 판매자의 배송은 처리할 수 없어요."))
    return order, shipment


def _shippable_check(order: Order, shipment: Shipment) -> None:
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        raise OrderStateError(
            _("%(status)s 주문은 처리할 수 없어요 (%(uid)s).")
            % {"status": order.get_status_display(), "uid": order.merchant_uid}
        )
    if shipment.status not in (Shipment.Status.NEW, Shipment.Status.PREPARING):
        raise OrderStateError(
            _("이미 %(status)s 상태예요 (%(uid)s).")
            % {"status": shipment.get_status_display(), "uid": order.merchant_uid}
        )


def order_follow_shipments(order: Order, *, actor: str) -> Order:
    """Move ``order`` (locked by the caller) to the status its shipments add up to, if it moved.

    결제완료 → 배송준비중 when a seller acknowledged or shipped; → 배송중 when every live shipment has left.
    Other statuses (취소요청, 확인필요, …) are the refund's or staff's and are left alone.
    """
    if order.status not in SHIPPABLE_ORDER_STATUSES:
        return order
    live = [shipment for shipment in order.shipments.all() if shipment.is_live]
    if not live:
        return order
    left = (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED)
    if all(shipment.status in left for shipment in live):
        carriers = ", ".join(f"{s.carrier_name} {s.tracking_number}".strip() for s in live)
        return order_status_set(order, Order.Status.SHIPPING, note=carriers, actor=actor)
    if order.status == Order.Status.PAID and any(shipment.status != Shipment.Status.NEW for shipment in live):
        return order_status_set(order, Order.Status.PREPARING, actor=actor)
    return order


@transaction.atomic
def shipment_acknowledge(*, shipment: Shipment, seller_id: int, actor: str) -> Shipment:
    """발주 확인: the seller takes a paid order's parcel in hand (신규주문 → 배송준비중).

    From then on the shopper's cancel of its lines is a request the seller answers (``cancel_requests``).
    """
    order, shipment = _locked(shipment, seller_id)
    _shippable_check(order, shipment)
    if shipment.status == Shipment.Status.PREPARING:
        return shipment
    shipment.status = Shipment.Status.PREPARING
    shipment.acknowledged_at = timezone.now()
    shipment.save(update_fields=["status", "acknowledged_at"])
    order_follow_shipments(order, actor=actor)
    return shipment


def shipments_acknowledge_bulk(
    *, seller_id: int, shipment_ids: Iterable[int], actor: str
) -> tuple[int, list[str]]:
    """발주 확인 of several parcels of the seller, each in its own transaction (one refused never holds back
    the rest): (acknowledged, reasons of those skipped). Ids of other sellers' parcels are skipped unnamed."""
    done, skipped = 0, []
    for shipment in Shipment.objects.filter(pk__in=list(shipment_ids), seller_id=seller_id).order_by("pk"):
        try:
            shipment_acknowledge(shipment=shipment, seller_id=seller_id, actor=actor)
            done += 1
        except OrderStateError as error:
            skipped.append(" ".join(error.messages))
    return done, skipped


def _ship(order: Order, shipment: Shipment, *, carrier: str, tracking_number: str) -> Shipment:
    _shippable_check(order, shipment)
    if shipment.cancel_requests.filter(status=CancelRequest.Status.WAITING).exists():
        raise OrderStateError(
            _("고객의 취소 요청을 먼저 승인하거나 거부해 주세요 (%(uid)s).") % {"uid": order.merchant_uid}
        )
    if not order.lines.filter(seller_id=shipment.seller_id, status=OrderLine.Status.ORDERED).exists():
        raise OrderStateError(_("보낼 상품이 없어요 (%(uid)s).") % {"uid": order.merchant_uid})
    found = carrier_find(carrier)
    now = timezone.now()
    shipment.carrier = found.code
    shipment.tracking_number = tracking_number_clean(found, tracking_number)
    shipment.status = Shipment.Status.SHIPPED
    shipment.acknowledged_at = shipment.acknowledged_at or now
    shipment.shipped_at = now
    shipment.save(update_fields=["carrier", "tracking_number", "status", "acknowledged_at", "shipped_at"])
    publish(SHIPMENT_SHIPPED, {"shipment_id": shipment.pk, "order_id": order.pk})
    return shipment


@transaction.atomic
def shipment_ship(
    *, shipment: Shipment, seller_id: int, carrier: str, tracking_number: str, actor: str
) -> Shipment:
    """발송 처리: carrier (code or name) and tracking number, the parcel leaves (→ 배송중, ``shipped_at``).

    A parcel not acknowledged yet is acknowledged by shipping it. Refused while the shopper's cancel request
    waits for the seller's answer. The order becomes 배송중 when its last live parcel left.
    """
    order, shipment = _locked(shipment, seller_id)
    shipment = _ship(order, shipment, carrier=carrier, tracking_number=tracking_number)
    order_follow_shipments(order, actor=actor)
    return shipment


@dataclass(frozen=True)
class ShipRow:
    """One row of a bulk 발송 처리 (a CSV line checked by ``selectors.ship_csv_rows``)."""

    shipment_id: int
    carrier: str
    tracking_number: str


@transaction.atomic
def shipments_ship_bulk(*, seller_id: int, rows: Iterable[ShipRow], actor: str) -> int:
    """Ship every row in one transaction, all or nothing: any row refused now (its order was cancelled or
    shipped since the preview) raises OrderStateError naming it, and nothing is saved."""
    rows = sorted(rows, key=lambda row: row.shipment_id)
    shipments = Shipment.objects.filter(
        pk__in=[row.shipment_id for row in rows], seller_id=seller_id
    ).in_bulk()
    touched = []
    for row in rows:
        if row.shipment_id not in shipments:
            raise OrderStateError(_("찾을 수 없는 배송이 있어요. 파일을 다시 올려 주세요."))
        order, shipment = _locked(shipments[row.shipment_id], seller_id)
        _ship(order, shipment, carrier=row.carrier, tracking_number=row.tracking_number)
        touched.append(order)
    for order in touched:
        order_follow_shipments(order, actor=actor)
    return len(touched)


@transaction.atomic
def shipment_tracking_set(*, shipment: Shipment, carrier: str, tracking_number: str, actor: str) -> Shipment:
    """Staff (admin): put a carrier and tracking number on a parcel without moving it; staff then move the
    order along (``order_status_advance``). A known carrier's number is checked as a seller's is."""
    _order, shipment = _locked(shipment, None)
    found = carrier_find(carrier) if carrier else None
    number = tracking_number.strip()
    shipment.carrier = found.code if found else ""
    shipment.tracking_number = tracking_number_clean(found, number) if found and number else number
    shipment.full_clean(exclude=["order", "seller", "fee_refund_line"])
    shipment.save(update_fields=["carrier", "tracking_number"])
    return shipment


def shipments_follow_order(order: Order, to_status: str) -> None:
    """Staff moved ``order`` (locked) to ``to_status``: its live parcels take the matching step."""
    now = timezone.now()
    live = order.shipments.exclude(status=Shipment.Status.CANCELLED)
    if to_status == Order.Status.PREPARING:
        live.filter(status=Shipment.Status.NEW).update(status=Shipment.Status.PREPARING, acknowledged_at=now)
    elif to_status == Order.Status.SHIPPING:
        live.filter(status__in=(Shipment.Status.NEW, Shipment.Status.PREPARING)).update(
            status=Shipment.Status.SHIPPED, shipped_at=now
        )
    elif to_status == Order.Status.DELIVERED:
        live.filter(status=Shipment.Status.SHIPPED).update(status=Shipment.Status.DELIVERED, delivered_at=now)


def shipments_close_emptied(order: Order) -> None:
    """A parcel not yet sent whose lines are all cancelled or refunded is cancelled (nothing left to send)."""
    open_sellers = set(
        order.lines.filter(status__in=OPEN_LINE_STATUSES).values_list("seller_id", flat=True).distinct()
    )
    order.shipments.filter(status__in=(Shipment.Status.NEW, Shipment.Status.PREPARING)).exclude(
        seller_id__in=open_sellers
    ).update(status=Shipment.Status.CANCELLED)
