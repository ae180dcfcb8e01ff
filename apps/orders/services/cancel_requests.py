"""A seller's answer to a shopper's cancel request (lines of a parcel it already acknowledged, 발주 확인).

Approved: the lines go down the ordinary refund path (``cancels.lines_refund_request``: 취소요청 while payments
refunds at the PG, then 취소 with the stock back). Refused with a reason: the lines stay ordered, the order
goes on, and the shopper reads the reason on the order page.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.events import publish
from apps.orders.constants import CANCEL_REFUSED
from apps.orders.models import CancelRequest, Order, OrderLine
from apps.orders.services.cancels import lines_refund_request
from apps.orders.services.statuses import OrderStateError, order_note_add, order_payload

REFUSE_REASON_MAX = 200


def _locked(cancel_request: CancelRequest, seller_id: int) -> tuple[Order, CancelRequest]:
    order = Order.objects.select_for_update().get(shipments__cancel_requests=cancel_request.pk)
    cancel_request = (
        CancelRequest.objects.select_for_update().select_related("shipment").get(pk=cancel_request.pk)
    )
    if cancel_request.shipment.seller_id != seller_id:
        raise OrderStateError(_("다른 판매자의 취소 요청은 처리할 수 없어요."))
    if cancel_request.status != CancelRequest.Status.WAITING:
        raise OrderStateError(_("이미 처리한 취소 요청이에요."))
    return order, cancel_request


@transaction.atomic
def cancel_request_approve(*, cancel_request: CancelRequest, seller_id: int, actor: str) -> Order:
    """The seller agrees: its requested lines still ordered are refunded (and restocked) through payments."""
    order, cancel_request = _locked(cancel_request, seller_id)
    lines = list(
        order.lines.filter(
            pk__in=cancel_request.line_ids, seller_id=seller_id, status=OrderLine.Status.ORDERED
        )
    )
    cancel_request.status = CancelRequest.Status.APPROVED
    cancel_request.answered_by = actor[:60]
    cancel_request.answered_at = timezone.now()
    cancel_request.save(update_fields=["status", "answered_by", "answered_at"])
    if not lines:
        return order
    return lines_refund_request(
        order=order,
        lines=lines,
        actor=actor,
        reason=cancel_request.reason or _("고객 요청 취소 (판매자 승인)"),
        final_status=Order.Status.CANCELLED,
        restock=True,
        cancel_reason=Order.CancelReason.SHOPPER,
    )


@transaction.atomic
def cancel_request_refuse(*, cancel_request: CancelRequest, seller_id: int, reason: str, actor: str) -> Order:
    """The seller refuses with a reason the shopper will read (e.g. 이미 포장을 마쳤어요); the order goes on."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderStateError(_("거부 사유를 입력해 주세요. 고객에게 그대로 보여요."))
    if len(reason) > REFUSE_REASON_MAX:
        raise OrderStateError(_("거부 사유는 %(max)d자까지 쓸 수 있어요.") % {"max": REFUSE_REASON_MAX})
    order, cancel_request = _locked(cancel_request, seller_id)
    cancel_request.status = CancelRequest.Status.REFUSED
    cancel_request.refuse_reason = reason
    cancel_request.answered_by = actor[:60]
    cancel_request.answered_at = timezone.now()
    cancel_request.save(update_fields=["status", "refuse_reason", "answered_by", "answered_at"])
    order_note_add(order=order, note=f"판매자가 취소 요청을 거부했어요: {reason}", actor=actor)
    publish(CANCEL_REFUSED, order_payload(order, from_status=order.status, reason=reason))
    return order
