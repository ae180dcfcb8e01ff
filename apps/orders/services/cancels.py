"""Cancels and refunds, and staff's answer to an order that needs a check (확인필요).

Orders never calls the PG: a cancel of a paid order is published as ``order.cancel_requested``, and payments
records the PG's answer with ``order_refund_record`` or ``order_refund_failed``.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.core.events import publish
from apps.orders.constants import CANCEL_REQUESTED, order_status_event
from apps.orders.models import Order, OrderLine, OrderStatusChange
from apps.orders.services.reservations import reservations_commit_or_retake, reservations_release
from apps.orders.services.statuses import OrderStateError, order_payload, order_status_set


def _active_lines(order: Order, line_ids: Iterable[int] | None) -> list[OrderLine]:
    lines = [line for line in order.lines.all() if line.is_active]
    if line_ids is not None:
        wanted = {int(line_id) for line_id in line_ids}
        lines = [line for line in lines if line.pk in wanted]
    if not lines:
        raise OrderStateError(_("취소할 수 있는 상품이 없어요."))
    return lines


def refund_amount_for(*, order: Order, line_ids: Iterable[int]) -> int:
    """What a refund of these lines gives back: their amounts, or everything left when no line stays.

    The last refund carries the shipping fee too, as a whole cancel does: when no other line stays ordered,
    these lines take everything refundable but what other lines' refunds still under way will take.
    A partial refund that takes the rest under the free-shipping threshold does not charge shipping afterwards.
    """
    wanted = {int(line_id) for line_id in line_ids}
    others = [line for line in order.lines.all() if line.pk not in wanted]
    if not any(line.status == OrderLine.Status.ORDERED for line in others):
        in_flight = sum(line.amount for line in others if line.status == OrderLine.Status.CANCEL_REQUESTED)
        return max(order.refundable_amount - in_flight, 0)
    amount = sum(line.amount for line in order.lines.all() if line.pk in wanted)
    return min(amount, order.refundable_amount)


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
        raise OrderStateError(_("배송이 시작된 주문은 취소할 수 없어요. 반품은 고객센터로 문의해 주세요."))
    return _refund_request(
        order=order,
        lines=_active_lines(order, line_ids),
        actor=actor,
        reason=reason,
        final_status=Order.Status.CANCELLED,
        restock=True,
        cancel_reason=Order.CancelReason.STAFF if by_staff else Order.CancelReason.SHOPPER,
        refund_account=refund_account,
    )


@transaction.atomic
def order_refund_request(
    *,
    order: Order,
    actor: str,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    restock: bool = False,
) -> Order:
    """Staff: refund a paid order (any status after payment), whole or some lines, through payments."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.paid_at or order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
        raise OrderStateError(_("환불할 결제가 없는 주문이에요 (%(uid)s).") % {"uid": order.merchant_uid})
    before_shipping = order.status in (Order.Status.PAID, Order.Status.PREPARING)
    return _refund_request(
        order=order,
        lines=_active_lines(order, line_ids),
        actor=actor,
        reason=reason or _("관리자 환불"),
        final_status=Order.Status.CANCELLED if before_shipping else Order.Status.REFUNDED,
        restock=restock or before_shipping,
        cancel_reason=Order.CancelReason.STAFF,
    )


def _refund_request(
    *,
    order: Order,
    lines: list[OrderLine],
    actor: str,
    reason: str,
    final_status: str,
    restock: bool,
    cancel_reason: str,
    refund_account: dict | None = None,
) -> Order:
    line_ids = [line.pk for line in lines]
    OrderLine.objects.filter(pk__in=line_ids).update(status=OrderLine.Status.CANCEL_REQUESTED)
    payload = {
        "line_ids": line_ids,
        "amount": refund_amount_for(order=order, line_ids=line_ids),
        "reason": reason,
        "final_status": final_status,
        "restock": restock,
        "cancel_reason": cancel_reason,
    }
    if refund_account:
        payload["refund_account"] = refund_account
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
        return order
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
        return _refund_request(
            order=order,
            lines=lines,
            actor=actor,
            reason=note or _("관리자 확인 후 취소"),
            final_status=Order.Status.CANCELLED,
            restock=True,
            cancel_reason=Order.CancelReason.STAFF,
        )
    return order_status_set(order, to_status, note=note or _("관리자 확인"), actor=actor)
