"""Fulfilment: staff move a paid order one step at a time to 구매확정 (its parcels follow); the shopper may
confirm it first. A seller's own steps (발주 확인, 발송 처리) are in ``shipments``."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.orders.constants import FULFILMENT_FLOW
from apps.orders.models import RETURN_OPEN_STATUSES, Order, ReturnRequest, Shipment
from apps.orders.services.shipments import shipment_tracking_set, shipments_follow_order
from apps.orders.services.statuses import OrderStateError, order_status_set


@transaction.atomic
def order_status_advance(*, order: Order, to_status: str, actor: str, tracking_number: str = "") -> Order:
    """Staff: move an order one step along 결제완료 → 배송준비중 → 배송중 → 배송완료 → 구매확정.

    배송중 needs a tracking number on every parcel not cancelled (``tracking_number`` here is put on those
    without one). The parcels take the same step (``shipments_follow_order``): 배송완료 marks them delivered.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in FULFILMENT_FLOW or to_status not in FULFILMENT_FLOW:
        raise OrderStateError(
            _("%(status)s 주문은 이 단계로 옮길 수 없어요.") % {"status": order.get_status_display()}
        )
    if FULFILMENT_FLOW.index(to_status) != FULFILMENT_FLOW.index(order.status) + 1:
        raise OrderStateError(
            _("%(from)s에서 %(to)s(으)로 바로 옮길 수 없어요.")
            % {"from": order.get_status_display(), "to": Order.Status(to_status).label}
        )
    live = order.shipments.exclude(status=Shipment.Status.CANCELLED)
    if tracking_number:
        live.filter(tracking_number="").update(tracking_number=tracking_number.strip())
    if to_status == Order.Status.SHIPPING and live.filter(tracking_number="").exists():
        raise OrderStateError(_("송장번호를 먼저 입력해 주세요 (%(uid)s).") % {"uid": order.merchant_uid})
    shipments_follow_order(order, to_status)
    return order_status_set(order, to_status, actor=actor)


def orders_status_advance(*, orders: Iterable[Order], to_status: str, actor: str) -> tuple[int, list[str]]:
    """Staff bulk action: each order in its own transaction; returns (moved, reasons of those skipped)."""
    moved, skipped = 0, []
    for order in orders:
        try:
            order_status_advance(order=order, to_status=to_status, actor=actor)
            moved += 1
        except ValidationError as error:
            skipped.append(f"{order.merchant_uid}: {' '.join(error.messages)}")
    return moved, skipped


@transaction.atomic
def order_tracking_set(*, order: Order, tracking_number: str, actor: str, carrier: str = "") -> Order:
    """Staff: one tracking number (and carrier) on each of the order's parcels not cancelled nor sent."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    for shipment in order.shipments.filter(status__in=(Shipment.Status.NEW, Shipment.Status.PREPARING)):
        shipment_tracking_set(
            shipment=shipment, carrier=carrier, tracking_number=tracking_number, actor=actor
        )
    return order


@transaction.atomic
def order_confirm(*, order: Order, user) -> Order:
    """The shopper confirms the purchase (구매확정), which opens the review of each line."""
    order = Order.objects.select_for_update().get(pk=order.pk, user=user)
    if not order.can_confirm:
        raise OrderStateError(_("배송 중이거나 배송이 끝난 주문만 구매 확정할 수 있어요."))
    if ReturnRequest.objects.filter(shipment__order=order, status__in=RETURN_OPEN_STATUSES).exists():
        raise OrderStateError(
            _("진행 중인 반품·교환이 있어 구매 확정할 수 없어요. 반품·교환이 끝난 뒤 확정해 주세요.")
        )
    return order_status_set(order, Order.Status.CONFIRMED, actor=user.username)
