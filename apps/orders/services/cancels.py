"""Cancels and refunds, and staff's answer to an order that needs a check (확인필요).

Orders never calls the PG: a cancel of a paid order is published as ``order.cancel_requested``, and payments
records the PG's answer with ``order_refund_record`` or ``order_refund_failed``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.core.events import publish
from apps.core.sealed import seal_json
from apps.orders.constants import CANCEL_REQUESTED, order_status_event
from apps.orders.models import CancelRequest, Order, OrderLine, OrderStatusChange, ReturnRequest, Shipment
from apps.orders.services.reservations import reservations_commit_or_retake, reservations_release
from apps.orders.services.shipments import order_follow_shipments, shipments_close_emptied
from apps.orders.services.statuses import OrderStateError, order_note_add, order_payload, order_status_set


def _active_lines(order: Order, line_ids: Iterable[int] | None) -> list[OrderLine]:
    lines = [line for line in order.lines.all() if line.is_active]
    if line_ids is not None:
        wanted = {int(line_id) for line_id in line_ids}
        lines = [line for line in lines if line.pk in wanted]
    if not lines:
        raise OrderStateError(_("취소할 수 있는 상품이 없어요."))
    return lines


def _fee_given(shipment: Shipment, lines: dict[int, OrderLine]) -> bool:
    """The shipment's fee went back, or is on its way back, with an earlier refund (see ``fee_refund_line``)."""
    line = lines.get(shipment.fee_refund_line_id)
    return line is not None and line.status != OrderLine.Status.ORDERED


def _refund_plan(*, order: Order, line_ids: Iterable[int]) -> tuple[int, list[Shipment]]:
    """(amount, shipments whose fee this refund carries): see ``refund_amount_for``."""
    wanted = {int(line_id) for line_id in line_ids}
    lines = {line.pk: line for line in order.lines.all()}
    shipments = list(order.shipments.all())
    # A parcel's fee goes back with the refund after which none of its lines stays ordered.
    emptied = [
        shipment
        for shipment in shipments
        if shipment.shipping_fee
        and any(lines[pk].seller_id == shipment.seller_id for pk in wanted if pk in lines)
        and not any(
            line.seller_id == shipment.seller_id and line.status == OrderLine.Status.ORDERED
            for pk, line in lines.items()
            if pk not in wanted
        )
        and not _fee_given(shipment, lines)
    ]
    others = [line for pk, line in lines.items() if pk not in wanted]
    if not any(line.status == OrderLine.Status.ORDERED for line in others):
        in_flight = sum(line.amount for line in others if line.status == OrderLine.Status.CANCEL_REQUESTED)
        in_flight += sum(
            shipment.shipping_fee
            for shipment in shipments
            if shipment.fee_refund_line_id not in wanted
            and getattr(lines.get(shipment.fee_refund_line_id), "status", "")
            == OrderLine.Status.CANCEL_REQUESTED
        )
        in_flight += _kept_by_returns(order, lines)
        return max(order.refundable_amount - in_flight, 0), emptied
    amount = sum(line.amount for pk, line in lines.items() if pk in wanted)
    amount += sum(shipment.shipping_fee for shipment in emptied)
    return min(amount, order.refundable_amount), emptied


def _kept_by_returns(order: Order, lines: dict[int, OrderLine]) -> int:
    """What refunded returns kept (the shopper's return shipping): still in ``refundable_amount`` but never
    the shopper's again. A return still under way is left out: its lines count in flight at full price."""
    kept = 0
    for request in ReturnRequest.objects.filter(shipment__order=order, kept_amount__gt=0).prefetch_related(
        "lines"
    ):
        refunded = [lines.get(row.refund_line_id) for row in request.lines.all()]
        if refunded and all(line and line.status == OrderLine.Status.REFUNDED for line in refunded):
            kept += request.kept_amount
    return kept


def refund_amount_for(*, order: Order, line_ids: Iterable[int]) -> int:
    """What a refund of these lines gives back: their amounts, plus the shipping fee of each seller's parcel
    they empty, or everything left when no line of the order stays.

    Shipping is charged per seller's parcel, so it is given back per parcel: with the refund after which
    nothing of that parcel stays ordered (nothing of it is still on its way to the buyer), once (the
    parcel's ``fee_refund_line`` remembers which refund carried it). The last refund of the order takes
    everything refundable but what refunds still under way will take (their lines and the fees they carry).
    A partial refund that takes the rest under the free-shipping threshold does not charge shipping afterwards.
    """
    return _refund_plan(order=order, line_ids=line_ids)[0]


@transaction.atomic
def order_cancel(
    *,
    order: Order,
    actor: str,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    by_staff: bool = False,
    refund_account: dict | None = None,
) -> Order:
    """Cancel before shipping, whole (``line_ids`` None) or some lines.

    ``refund_account`` ({bank, account, holder}) is where a 가상계좌 deposit goes back: carried to payments in
    the event, ignored for an unpaid order.

    Unpaid: cancelled at once and the stock released. Paid (결제완료, 배송준비중): the lines become 취소요청 and
    ``order.cancel_requested`` is published; payments refunds through the PG and calls ``order_refund_record``.
    Except a shopper's lines whose seller already acknowledged its parcel (발주 확인): those become a
    ``CancelRequest`` the seller approves (then refunded the same way) or refuses (``cancel_requests``).
    Lines of a parcel already sent are refused.
    The caller checked access (``selectors.order_get_for_user``) for shoppers.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    reason = reason or (_("관리자 취소") if by_staff else _("고객 요청 취소"))
    if order.status == Order.Status.PENDING:
        if line_ids is not None:
            raise OrderStateError(_("결제 전 주문은 전체만 취소할 수 있어요."))
        reservations_release(order)
        order.cancel_reason = Order.CancelReason.STAFF if by_staff else Order.CancelReason.SHOPPER
        OrderLine.objects.filter(order=order).update(status=OrderLine.Status.CANCELLED)
        return order_status_set(order, Order.Status.CANCELLED, note=reason, actor=actor)
    if order.status not in (Order.Status.PAID, Order.Status.PREPARING):
        raise OrderStateError(
            _("배송이 시작된 주문은 취소할 수 없어요. 받은 뒤 주문 상세에서 반품·교환을 신청해 주세요.")
        )
    lines = _active_lines(order, line_ids)
    parcels = {shipment.seller_id: shipment for shipment in order.shipments.all()}
    if any(parcels[line.seller_id].status not in _NOT_SENT for line in lines if line.seller_id in parcels):
        raise OrderStateError(_("이미 발송된 상품은 취소할 수 없어요. 발송 전 상품만 골라 취소해 주세요."))
    asked = _lines_asked(order)
    lines = [line for line in lines if line.pk not in asked]
    if not lines:
        raise OrderStateError(_("이미 판매자에게 취소를 요청한 상품이에요. 판매자의 답을 기다려 주세요."))
    # After 발주 확인 the seller has the parcel in hand: the shopper's cancel becomes a request it answers.
    acknowledged = {
        seller_id
        for seller_id, shipment in parcels.items()
        if shipment.status == Shipment.Status.PREPARING and not by_staff
    }
    for seller_id in acknowledged:
        requested = [line.pk for line in lines if line.seller_id == seller_id]
        if requested:
            CancelRequest.objects.create(
                shipment=parcels[seller_id], line_ids=requested, reason=reason[:200], requested_by=actor[:60]
            )
            order_note_add(order=order, note=f"판매자에게 취소 요청: {reason}", actor=actor)
    now = [line for line in lines if line.seller_id not in acknowledged]
    if not now:
        return order
    return lines_refund_request(
        order=order,
        lines=now,
        actor=actor,
        reason=reason,
        final_status=Order.Status.CANCELLED,
        restock=True,
        cancel_reason=Order.CancelReason.STAFF if by_staff else Order.CancelReason.SHOPPER,
        refund_account=refund_account,
    )


_NOT_SENT = (Shipment.Status.NEW, Shipment.Status.PREPARING)


def _lines_asked(order: Order) -> set[int]:
    """Lines in a cancel request still waiting for their seller."""
    return {
        int(line_id)
        for ids in CancelRequest.objects.filter(
            shipment__order=order, status=CancelRequest.Status.WAITING
        ).values_list("line_ids", flat=True)
        for line_id in ids
    }


@transaction.atomic
def order_refund_request(
    *,
    order: Order,
    actor: str,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    restock: bool = False,
    refund_account: dict | None = None,
) -> Order:
    """Staff: refund a paid order (any status after payment), whole or some lines, through payments.

    ``refund_account`` ({bank, account, holder}) is where a 가상계좌 deposit goes back, as in ``order_cancel``."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.paid_at or order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        raise OrderStateError(_("환불할 결제가 없는 주문이에요 (%(uid)s).") % {"uid": order.merchant_uid})
    before_shipping = order.status in (Order.Status.PAID, Order.Status.PREPARING)
    return lines_refund_request(
        order=order,
        lines=_active_lines(order, line_ids),
        actor=actor,
        reason=reason or _("관리자 환불"),
        final_status=Order.Status.CANCELLED if before_shipping else Order.Status.REFUNDED,
        restock=restock or before_shipping,
        cancel_reason=Order.CancelReason.STAFF,
        refund_account=refund_account,
    )


def lines_refund_request(
    *,
    order: Order,
    lines: list[OrderLine],
    actor: str,
    reason: str,
    final_status: str,
    restock: bool,
    cancel_reason: str,
    amount: int | None = None,
    refund_account: dict | None = None,
) -> Order:
    """Put these lines (of ``order``, locked by the caller) on the way to a refund: 취소요청, the amount worked
    out (``refund_amount_for``), each emptied parcel's fee marked as carried, ``order.cancel_requested`` published
    (the whole order's status when no line stays ordered). Payments makes the refund at the PG.
    ``amount`` replaces the worked-out one when a return deducts the shopper's share of shipping."""
    line_ids = [line.pk for line in lines]
    planned, fees = _refund_plan(order=order, line_ids=line_ids)
    amount = planned if amount is None else min(amount, planned)
    for shipment in fees:
        shipment.fee_refund_line = next(line for line in lines if line.seller_id == shipment.seller_id)
        shipment.save(update_fields=["fee_refund_line"])
    OrderLine.objects.filter(pk__in=line_ids).update(status=OrderLine.Status.CANCEL_REQUESTED)
    payload = {
        "line_ids": line_ids,
        "amount": amount,
        "reason": reason,
        "final_status": final_status,
        "restock": restock,
        "cancel_reason": cancel_reason,
    }
    if refund_account:
        # Sealed: the outbox keeps the payload in a row per subscriber, and staff read those rows.
        payload["refund_account"] = seal_json(refund_account)
    whole = not any(line.is_active and line.pk not in line_ids for line in order.lines.all())
    if whole:
        return order_status_set(order, Order.Status.CANCEL_REQUESTED, note=reason, actor=actor, **payload)
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=order.status,
        note=f"부분 취소 요청: {reason}"[:255],
        actor=actor,
    )
    publish(CANCEL_REQUESTED, order_payload(order, from_status=order.status, **payload))
    return order


@transaction.atomic
def order_refund_record(
    *,
    order: Order,
    line_ids: Iterable[int],
    amount: int,
    final_status: str,
    restock: bool,
    cancel_reason: str = "",
    actor: str = "payments",
) -> Order:
    """Record a refund the PG made: lines 취소/환불, refunded amount, stock back when ``restock``.

    Precondition: ``order`` locked with ``order_lock`` and the PG cancel succeeded for ``amount``. When no
    line is left the order takes ``final_status`` (취소 or 환불).
    """
    line_ids = [int(line_id) for line_id in line_ids]
    lines = list(
        order.lines.filter(pk__in=line_ids).exclude(
            status__in=(OrderLine.Status.CANCELLED, OrderLine.Status.REFUNDED)
        )
    )
    line_status = (
        OrderLine.Status.CANCELLED if final_status == Order.Status.CANCELLED else OrderLine.Status.REFUNDED
    )
    for line in lines:
        if restock and line.option_id:
            catalog_services.option_stock_release(option_id=line.option_id, quantity=line.quantity)
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(status=line_status)
    shipments_close_emptied(order)
    order.refunded_amount = min(order.refunded_amount + amount, order.total_amount)
    still_open = order.lines.filter(
        status__in=(OrderLine.Status.ORDERED, OrderLine.Status.CANCEL_REQUESTED)
    ).exists()
    if still_open:
        order.full_clean(validate_constraints=False)
        order.save(update_fields=["refunded_amount", "updated_at"])
        OrderStatusChange.objects.create(
            order=order,
            from_status=order.status,
            to_status=order.status,
            note=f"부분 {Order.Status(final_status).label} {amount:,}원",
            actor=actor,
        )
        publish(
            order_status_event(final_status),
            order_payload(order, from_status=order.status, line_ids=line_ids, amount=amount, partial=True),
        )
        # The parcels still to go may all have left already: the order is then 배송중.
        return order_follow_shipments(order, actor=actor)
    order.cancel_reason = cancel_reason if final_status == Order.Status.CANCELLED else ""
    return order_status_set(
        order,
        final_status,
        note=f"{Order.Status(final_status).label} {amount:,}원",
        actor=actor,
        amount=amount,
    )


@transaction.atomic
def order_refund_failed(
    *, order: Order, line_ids: Iterable[int], reason: str, actor: str = "payments"
) -> Order:
    """The PG refused a refund: the lines go back to 주문 and the order to staff (확인필요)."""
    OrderLine.objects.filter(
        order=order, pk__in=list(line_ids), status=OrderLine.Status.CANCEL_REQUESTED
    ).update(status=OrderLine.Status.ORDERED)
    return order_status_set(order, Order.Status.NEEDS_CHECK, note=reason, actor=actor)


@transaction.atomic
def order_needs_check_resolve(*, order: Order, to_status: str, actor: str, note: str = "") -> Order:
    """Staff close a 확인필요 order: back to 결제완료 (the payment was fine) or 취소.

    취소 of an order with money still paid goes through the refund path (``order.cancel_requested``): the
    order waits in 취소요청 until payments has refunded it at the PG and put its units back on sale.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.NEEDS_CHECK or to_status not in (
        Order.Status.PAID,
        Order.Status.CANCELLED,
    ):
        raise OrderStateError(_("확인필요 주문만 결제완료 또는 취소로 정리할 수 있어요."))
    if to_status == Order.Status.PAID:
        if not order.paid_at:
            raise OrderStateError(_("결제 기록이 없는 주문은 결제완료로 돌릴 수 없어요."))
        reservations_commit_or_retake(order)
    lines = [line for line in order.lines.all() if line.is_active]
    if to_status == Order.Status.CANCELLED and order.refundable_amount and lines:
        # A paid order is cancelled the way any paid order is: refunded at the PG, its units back on sale.
        return lines_refund_request(
            order=order,
            lines=lines,
            actor=actor,
            reason=note or _("관리자 확인 후 취소"),
            final_status=Order.Status.CANCELLED,
            restock=True,
            cancel_reason=Order.CancelReason.STAFF,
        )
    return order_status_set(order, to_status, note=note or _("관리자 확인"), actor=actor)
