"""Returns and exchanges (청약철회): asked by the shopper, answered and received by the seller (or staff).

Steps: 요청 (the shopper, within ``ORDERS_RETURN_DAYS`` of the parcel's delivery, per line and quantity) →
승인 or 거부 (with a reason the shopper reads) → 회수 중 (a carrier and tracking number for the way back, typed by
either side) → 회수 완료 (the seller has the units). Then a return is refunded at the PG for exactly its units
(``cancels.lines_refund_request`` with the amount below: 환불 진행 중 until payments records it, then 환불 완료)
and the units go back on sale; an exchange puts the returned units back on sale and ships new ones (교환 발송,
stock taken with the same conditional UPDATE as checkout).

Who pays the way back: 단순 변심 the shopper, ``ORDERS_RETURN_SHIPPING_FEE`` (twice when the parcel shipped free,
there and back) deducted from the refund, and the outbound fee of a parcel the return empties is not given
back; 불량, 오배송, 파손 the seller (the refund follows the ordinary rules, the parcel's fee back with its last line).

While the seller has not answered (요청), the shopper may withdraw the request (신청 철회): it closes, and its
units may be asked back again.

Every step is logged in the order's history and published as ``order.return_<step>`` (``return_id``), which
mails the shopper (and the seller for a new or withdrawn request). A request still open keeps the order from
being confirmed (by the shopper or the auto-confirm job).
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import services as catalog_services
from apps.core.events import publish
from apps.core.uploads import image_upload_validate
from apps.orders import hooks
from apps.orders.carriers import carrier_find, tracking_number_clean
from apps.orders.models import (
    RETURN_OPEN_STATUSES,
    Order,
    OrderLine,
    ReturnLine,
    ReturnPhoto,
    ReturnRequest,
    Shipment,
)
from apps.orders.pricing import _runtime_setting
from apps.orders.services.cancels import _refund_plan, lines_refund_request
from apps.orders.services.statuses import OrderStateError, order_note_add, order_payload

DEFAULT_RETURN_DAYS = 7
DEFAULT_RETURN_SHIPPING_FEE = 3_000
MAX_PHOTOS = 3
REFUSE_REASON_MAX = 200
# Orders a parcel of which may have been delivered (another parcel may still be on its way).
RETURNABLE_ORDER_STATUSES = (Order.Status.SHIPPING, Order.Status.DELIVERED, Order.Status.CONFIRMED)

RETURN_REQUESTED = "order.return_requested"
RETURN_APPROVED = "order.return_approved"
RETURN_REFUSED = "order.return_refused"
RETURN_WITHDRAWN = "order.return_withdrawn"
RETURN_SENT_BACK = "order.return_sent_back"
RETURN_COLLECTED = "order.return_collected"
RETURN_REFUNDED = "order.return_refunded"
EXCHANGE_SHIPPED = "order.exchange_shipped"


def return_days() -> int:
    return _runtime_setting("ORDERS_RETURN_DAYS", DEFAULT_RETURN_DAYS)


def return_shipping_fee() -> int:
    return _runtime_setting("ORDERS_RETURN_SHIPPING_FEE", DEFAULT_RETURN_SHIPPING_FEE)


def return_deadline(shipment: Shipment) -> date | None:
    """The last local day a return of this parcel may be asked: delivery day + ``return_days()``."""
    if shipment.status != Shipment.Status.DELIVERED or shipment.delivered_at is None:
        return None
    return timezone.localdate(shipment.delivered_at) + timedelta(days=return_days())


def return_fee_for(*, shipment: Shipment, reason: str) -> int:
    """The shopper's share of return shipping: none when the seller is at fault; 단순 변심 pays the way back,
    and the way there too when the parcel shipped free (왕복)."""
    if reason != ReturnRequest.Reason.CHANGED_MIND:
        return 0
    fee = return_shipping_fee()
    return fee * 2 if shipment.shipping_fee == 0 else fee


def lines_in_open_returns(shipment: Shipment) -> dict[int, int]:
    """{order line id: units already asked back by a request still open} of this parcel."""
    asked: dict[int, int] = {}
    rows = ReturnLine.objects.filter(request__shipment=shipment, request__status__in=RETURN_OPEN_STATUSES)
    for line_id, quantity in rows.values_list("line_id", "quantity"):
        asked[line_id] = asked.get(line_id, 0) + quantity
    return asked


def _payload(order: Order, request: ReturnRequest, **extra) -> dict:
    return order_payload(order, from_status=order.status, return_id=request.pk, **extra)


def _clean_tracking(carrier: str, tracking_number: str) -> tuple[str, str]:
    found = carrier_find(carrier or "")
    if found is None:
        raise OrderStateError(_("택배사를 골라 주세요."))
    return found.code, tracking_number_clean(found, tracking_number)


@transaction.atomic
def return_request(
    *,
    shipment: Shipment,
    user,
    kind: str,
    reason: str,
    quantities: dict[int, int],
    detail: str = "",
    exchange_option_id: int | None = None,
    photos: Iterable = (),
    refund_account: dict | None = None,
    now: datetime | None = None,
) -> ReturnRequest:
    """The shopper asks to send back ``quantities`` ({line id: units}) of a delivered parcel of their order.

    A return of an order paid by 가상계좌 needs ``refund_account`` ({bank, account, holder}): the PG cannot give
    a deposit back without one (``hooks.refund_account_required``, answered by payments)."""
    order = Order.objects.select_for_update().get(pk=shipment.order_id, user=user)
    shipment = Shipment.objects.get(pk=shipment.pk)
    deadline = return_deadline(shipment)
    if deadline is None or order.status not in RETURNABLE_ORDER_STATUSES:
        raise OrderStateError(_("배송이 완료된 상품만 반품·교환을 신청할 수 있어요."))
    if timezone.localdate(now or timezone.now()) > deadline:
        raise OrderStateError(
            _(
                "반품·교환 신청 기간(배송완료 후 %(days)d일, %(date)s까지)이 지났어요. 고객센터로 문의해 주세요."
            )
            % {"days": return_days(), "date": deadline.strftime("%Y.%m.%d")}
        )
    if kind not in ReturnRequest.Kind.values or reason not in ReturnRequest.Reason.values:
        raise OrderStateError(_("반품·교환 구분과 사유를 골라 주세요."))
    photos = [photo for photo in photos if photo]
    if len(photos) > MAX_PHOTOS:
        raise OrderStateError(_("사진은 %(max)d장까지 올릴 수 있어요.") % {"max": MAX_PHOTOS})
    for photo in photos:
        image_upload_validate(photo)
    lines = {
        line.pk: line
        for line in order.lines.filter(seller_id=shipment.seller_id, status=OrderLine.Status.ORDERED)
    }
    asked = lines_in_open_returns(shipment)
    wanted = {int(pk): int(quantity) for pk, quantity in quantities.items() if int(quantity) > 0}
    if not wanted:
        raise OrderStateError(_("반품·교환할 상품과 수량을 골라 주세요."))
    for pk, quantity in wanted.items():
        line = lines.get(pk)
        if line is None or quantity > line.quantity - asked.get(pk, 0):
            raise OrderStateError(_("신청할 수 있는 수량을 넘었어요. 수량을 다시 확인해 주세요."))
    fee = return_fee_for(shipment=shipment, reason=reason)
    exchange_option = _exchange_option_check(kind, exchange_option_id, [lines[pk] for pk in wanted], wanted)
    if kind == ReturnRequest.Kind.RETURN and sum(lines[pk].unit_price * q for pk, q in wanted.items()) <= fee:
        raise OrderStateError(
            _("반품 배송비(%(fee)s원)가 반품할 상품 금액보다 커요. 고객센터로 문의해 주세요.")
            % {"fee": f"{fee:,}"}
        )
    if kind == ReturnRequest.Kind.RETURN and hooks.refund_account_required(order=order):
        if not refund_account or not all(refund_account.get(key) for key in ("bank", "account", "holder")):
            raise OrderStateError(_("환불받을 계좌의 은행, 계좌번호(숫자), 예금주를 입력해 주세요."))
    else:
        refund_account = None
    request = ReturnRequest.objects.create(
        shipment=shipment,
        refund_account=refund_account or {},
        kind=kind,
        reason=reason,
        detail=(detail or "").strip()[:500],
        return_fee=fee,
        exchange_option=exchange_option,
        requested_by=user.username[:60],
    )
    ReturnLine.objects.bulk_create(
        [ReturnLine(request=request, line_id=pk, quantity=quantity) for pk, quantity in wanted.items()]
    )
    for photo in photos:
        ReturnPhoto.objects.create(request=request, image=photo, uploaded_by=user)
    order_note_add(
        order=order,
        note=f"{request.get_kind_display()} 신청 ({request.get_reason_display()})",
        actor=user.username,
    )
    publish(RETURN_REQUESTED, _payload(order, request))
    return request


def _exchange_option_check(kind, option_id, lines: list[OrderLine], wanted: dict[int, int]):
    """Another option of the same product at the same price, in stock (taken only when shipped)."""
    if kind != ReturnRequest.Kind.EXCHANGE or not option_id:
        return None
    if len(lines) != 1:
        raise OrderStateError(_("다른 옵션으로 교환할 때는 상품을 하나만 골라 주세요."))
    from apps.catalog.models import ProductOption

    line = lines[0]
    option = ProductOption.objects.filter(pk=option_id, product_id=line.product_id).first()
    current = ProductOption.objects.filter(pk=line.option_id).values_list("extra_price", flat=True).first()
    if option is None or current is None or option.extra_price != current:
        raise OrderStateError(_("같은 상품의 같은 가격 옵션으로만 교환할 수 있어요."))
    if option.stock < wanted[line.pk]:
        raise OrderStateError(_("교환할 옵션의 재고가 부족해요."))
    return option if option.pk != line.option_id else None


def _locked(request: ReturnRequest, seller_id: int | None, *allowed: str) -> tuple[Order, ReturnRequest]:
    """Lock the order, then the request; ``seller_id`` None is staff (any shop)."""
    order = Order.objects.select_for_update().get(shipments__returns=request.pk)
    request = ReturnRequest.objects.select_for_update().select_related("shipment").get(pk=request.pk)
    if seller_id is not None and request.shipment.seller_id != seller_id:
        raise OrderStateError(_("다른 판매자의 반품·교환 요청은 처리할 수 없어요."))
    if request.status not in allowed:
        raise OrderStateError(
            _("지금 상태(%(status)s)에서는 할 수 없는 처리예요.") % {"status": request.get_status_display()}
        )
    return order, request


@transaction.atomic
def return_approve(*, request: ReturnRequest, seller_id: int | None, actor: str) -> ReturnRequest:
    order, request = _locked(request, seller_id, ReturnRequest.Status.REQUESTED)
    request.status = ReturnRequest.Status.APPROVED
    request.answered_by, request.answered_at = actor[:60], timezone.now()
    request.save(update_fields=["status", "answered_by", "answered_at"])
    order_note_add(order=order, note=f"{request.get_kind_display()} 승인", actor=actor)
    publish(RETURN_APPROVED, _payload(order, request))
    return request


@transaction.atomic
def return_refuse(*, request: ReturnRequest, seller_id: int | None, reason: str, actor: str) -> ReturnRequest:
    """Refused with a reason the shopper reads on the order page and in a mail; the lines stay as they were."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderStateError(_("거부 사유를 입력해 주세요. 고객에게 그대로 보여요."))
    if len(reason) > REFUSE_REASON_MAX:
        raise OrderStateError(_("거부 사유는 %(max)d자까지 쓸 수 있어요.") % {"max": REFUSE_REASON_MAX})
    order, request = _locked(request, seller_id, ReturnRequest.Status.REQUESTED)
    request.status, request.refuse_reason = ReturnRequest.Status.REFUSED, reason
    request.answered_by, request.answered_at = actor[:60], timezone.now()
    request.closed_at = request.answered_at
    request.save(update_fields=["status", "refuse_reason", "answered_by", "answered_at", "closed_at"])
    order_note_add(order=order, note=f"{request.get_kind_display()} 거부: {reason}", actor=actor)
    publish(RETURN_REFUSED, _payload(order, request, reason=reason))
    return request


@transaction.atomic
def return_withdraw(*, request: ReturnRequest, user) -> ReturnRequest:
    """The shopper withdraws their own request before the seller answers; it closes (no longer open), so the
    units may be asked back again and the order may be confirmed. Another member's request is refused."""
    order, request = _locked(request, None, *ReturnRequest.Status.values)
    if order.user_id != user.pk:
        raise OrderStateError(_("다른 회원의 반품·교환이에요."))
    if request.status != ReturnRequest.Status.REQUESTED:
        raise OrderStateError(
            _("판매자가 이미 처리한 신청(%(status)s)은 철회할 수 없어요. 고객센터로 문의해 주세요.")
            % {"status": request.get_status_display()}
        )
    request.status, request.closed_at = ReturnRequest.Status.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    order_note_add(order=order, note=f"{request.get_kind_display()} 신청 철회", actor=user.username)
    publish(RETURN_WITHDRAWN, _payload(order, request))
    return request


@transaction.atomic
def return_tracking_set(
    *, request: ReturnRequest, carrier: str, tracking_number: str, actor: str, seller_id=None, user=None
) -> ReturnRequest:
    """The way back's carrier and number, typed by the shopper (``user``) or the seller (``seller_id``)."""
    carrier, number = _clean_tracking(carrier, tracking_number)
    order, request = _locked(
        request, seller_id, ReturnRequest.Status.APPROVED, ReturnRequest.Status.SENT_BACK
    )
    if user is not None and order.user_id != user.pk:
        raise OrderStateError(_("다른 회원의 반품·교환이에요."))
    first = request.status == ReturnRequest.Status.APPROVED
    request.status, request.carrier, request.tracking_number = ReturnRequest.Status.SENT_BACK, carrier, number
    request.save(update_fields=["status", "carrier", "tracking_number"])
    order_note_add(order=order, note=f"반송 {request.carrier_name} {number}", actor=actor)
    if first:
        publish(RETURN_SENT_BACK, _payload(order, request))
    return request


def _split(line: OrderLine, quantity: int) -> OrderLine:
    """The line to refund for ``quantity`` units of ``line``: itself, or a new line split off it (the units
    and the sales already counted move with it), so the PG refund and the records name exactly those units."""
    if quantity >= line.quantity:
        return line
    part = OrderLine.objects.get(pk=line.pk)
    moved = min(line.sales_recorded, quantity)
    part.pk, part.quantity, part.sales_recorded = None, quantity, moved
    part.save()
    OrderLine.objects.filter(pk=line.pk).update(
        quantity=F("quantity") - quantity, sales_recorded=F("sales_recorded") - moved
    )
    return part


@transaction.atomic
def return_collect(*, request: ReturnRequest, seller_id: int | None, actor: str) -> ReturnRequest:
    """회수 완료: the seller has the units back. A return is refunded at the PG for exactly those units (minus
    the shopper's share of shipping) and they go back on sale; an exchange's units go back on sale and the
    request waits for 교환 발송."""
    order, request = _locked(
        request, seller_id, ReturnRequest.Status.APPROVED, ReturnRequest.Status.SENT_BACK
    )
    rows = list(request.lines.select_related("line"))
    if any(row.line.status != OrderLine.Status.ORDERED or row.quantity > row.line.quantity for row in rows):
        raise OrderStateError(
            _("이미 취소·환불된 상품이 있어 회수 완료로 처리할 수 없어요. 관리자에게 문의해 주세요.")
        )
    request.collected_at = timezone.now()
    if request.kind == ReturnRequest.Kind.EXCHANGE:
        for row in rows:
            if row.line.option_id:
                catalog_services.option_stock_release(option_id=row.line.option_id, quantity=row.quantity)
        request.status = ReturnRequest.Status.COLLECTED
        request.save(update_fields=["status", "collected_at"])
        order_note_add(order=order, note="교환 상품 회수 완료", actor=actor)
        publish(RETURN_COLLECTED, _payload(order, request))
        return request
    for row in rows:
        row.refund_line = _split(row.line, row.quantity)
        row.save(update_fields=["refund_line"])
    refund_lines = [row.refund_line for row in rows]
    amount, emptied = _refund_plan(order=order, line_ids=[line.pk for line in refund_lines])
    kept = 0 if request.seller_pays else request.return_fee + sum(s.shipping_fee for s in emptied)
    kept = min(kept, amount)
    request.status = ReturnRequest.Status.REFUNDING
    request.refund_amount, request.kept_amount = amount - kept, kept
    request.save(update_fields=["status", "collected_at", "refund_amount", "kept_amount"])
    order_note_add(
        order=order, note=f"반품 회수 완료, 환불 {amount - kept:,}원 (차감 {kept:,}원)", actor=actor
    )
    publish(RETURN_COLLECTED, _payload(order, request, amount=amount - kept))
    if amount - kept <= 0:
        return request
    lines_refund_request(
        order=order,
        lines=refund_lines,
        actor=actor,
        reason=f"반품 ({request.get_reason_display()})",
        final_status=Order.Status.REFUNDED,
        restock=True,
        cancel_reason="",
        amount=amount - kept,
        refund_account=request.refund_account or None,
    )
    return request


@transaction.atomic
def return_exchange_ship(
    *, request: ReturnRequest, seller_id: int | None, carrier: str, tracking_number: str, actor: str
) -> ReturnRequest:
    """교환 발송: new units leave (stock taken with checkout's conditional UPDATE), with their own tracking."""
    carrier, number = _clean_tracking(carrier, tracking_number)
    order, request = _locked(request, seller_id, ReturnRequest.Status.COLLECTED)
    for row in request.lines.select_related("line"):
        option_id = request.exchange_option_id or row.line.option_id
        if not option_id or not catalog_services.option_stock_reserve(
            option_id=option_id, quantity=row.quantity
        ):
            raise OrderStateError(_("교환 보낼 옵션의 재고가 부족해요. 재고를 채운 뒤 다시 발송해 주세요."))
    request.status = ReturnRequest.Status.EXCHANGE_SHIPPED
    request.exchange_carrier, request.exchange_tracking_number = carrier, number
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "exchange_carrier", "exchange_tracking_number", "closed_at"])
    order_note_add(order=order, note=f"교환 상품 발송 {request.exchange_carrier_name} {number}", actor=actor)
    publish(EXCHANGE_SHIPPED, _payload(order, request))
    return request


@transaction.atomic
def returns_refund_recorded(*, order_id: int) -> int:
    """A refund was recorded (``order.refunded``): each return of the order whose lines are all refunded is
    done (환불 완료). Idempotent; returns how many were closed."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        return 0
    closed = 0
    waiting = ReturnRequest.objects.select_for_update().filter(
        shipment__order=order, status=ReturnRequest.Status.REFUNDING
    )
    for request in waiting:
        statuses = set(request.lines.values_list("refund_line__status", flat=True))
        if statuses != {OrderLine.Status.REFUNDED}:
            continue
        request.status, request.closed_at = ReturnRequest.Status.REFUNDED, timezone.now()
        request.save(update_fields=["status", "closed_at"])
        order_note_add(order=order, note=f"반품 환불 완료 {request.refund_amount:,}원", actor="payments")
        publish(RETURN_REFUNDED, _payload(order, request, amount=request.refund_amount))
        closed += 1
    return closed


def order_has_open_return(order_id: int) -> bool:
    return ReturnRequest.objects.filter(shipment__order_id=order_id, status__in=RETURN_OPEN_STATUSES).exists()
