"""Reads of returns and exchanges: the shopper's form and order page, the seller center's list, staff's queue."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.orders.models import Order, OrderLine, ReturnRequest, Shipment
from apps.orders.services.returns import (
    MAX_PHOTOS,
    RETURNABLE_ORDER_STATUSES,
    return_days,
    return_deadline,
    return_fee_for,
    return_shipping_fee,
)

# The seller center's tabs: (key, label, statuses).
SELLER_TABS = (
    ("requested", "신규 요청", (ReturnRequest.Status.REQUESTED,)),
    ("collecting", "회수 중", (ReturnRequest.Status.APPROVED, ReturnRequest.Status.SENT_BACK)),
    ("collected", "교환 발송 대기", (ReturnRequest.Status.COLLECTED,)),
    ("refunding", "환불 진행 중", (ReturnRequest.Status.REFUNDING,)),
    (
        "done",
        "완료·거부·철회",
        (
            ReturnRequest.Status.REFUNDED,
            ReturnRequest.Status.EXCHANGE_SHIPPED,
            ReturnRequest.Status.REFUSED,
            ReturnRequest.Status.WITHDRAWN,
        ),
    ),
)
# Waiting on staff or a seller: staff's queue and dashboard count.
STAFF_WAITING_STATUSES = (
    ReturnRequest.Status.REQUESTED,
    ReturnRequest.Status.SENT_BACK,
    ReturnRequest.Status.COLLECTED,
    ReturnRequest.Status.REFUNDING,
)


@dataclass
class ReturnableLine:
    line: OrderLine
    available: int  # units not yet asked back by an open request
    selected: int = 0

    @property
    def choices(self) -> range:
        return range(1, self.available + 1)


@dataclass
class ReturnForm:
    """What the shopper's request form needs about one delivered parcel."""

    shipment: Shipment
    deadline: date | None
    open: bool  # within the window today
    lines: list[ReturnableLine] = field(default_factory=list)
    exchange_options: list = field(default_factory=list)  # other same-price options of these products
    fee: int = 0  # the 단순 변심 fee for this parcel (왕복 when it shipped free)
    one_way_fee: int = 0
    days: int = 0
    max_photos: int = MAX_PHOTOS


def return_form_for(*, order: Order, shipment_id: int) -> ReturnForm:
    """The form of one parcel of the shopper's own ``order`` (fetched by ``order_get_for_user``); 404 else."""
    shipment = order.shipments.filter(pk=shipment_id).select_related("seller").first()
    if shipment is None:
        raise Http404
    from apps.catalog.models import ProductOption
    from apps.orders.services.returns import lines_in_open_returns

    deadline = return_deadline(shipment)
    asked = lines_in_open_returns(shipment)
    form = ReturnForm(
        shipment=shipment,
        deadline=deadline,
        open=deadline is not None
        and order.status in (Order.Status.SHIPPING, Order.Status.DELIVERED, Order.Status.CONFIRMED)
        and timezone.localdate() <= deadline,
        fee=return_fee_for(shipment=shipment, reason=ReturnRequest.Reason.CHANGED_MIND),
        one_way_fee=return_shipping_fee(),
        days=return_days(),
    )
    lines = order.lines.filter(seller_id=shipment.seller_id, status=OrderLine.Status.ORDERED)
    for line in lines:
        available = line.quantity - asked.get(line.pk, 0)
        if available > 0:
            form.lines.append(ReturnableLine(line, available))
    extras = dict(
        ProductOption.objects.filter(pk__in=[row.line.option_id for row in form.lines]).values_list(
            "pk", "extra_price"
        )
    )
    same_price = Q(pk__in=[])
    for row in form.lines:
        if row.line.option_id in extras:
            same_price |= Q(product_id=row.line.product_id, extra_price=extras[row.line.option_id])
    form.exchange_options = list(
        ProductOption.objects.filter(same_price)
        .exclude(pk__in=[row.line.option_id for row in form.lines])
        .select_related("product")
        .order_by("product_id", "position", "id")
    )
    return form


def order_returns(*, order: Order) -> dict[int, list[ReturnRequest]]:
    """{shipment id: its requests, newest first} for the shopper's order page."""
    by_parcel: dict[int, list[ReturnRequest]] = {}
    requests = (
        ReturnRequest.objects.filter(shipment__order=order)
        .select_related("exchange_option")
        .prefetch_related("lines__line", "photos")
    )
    for request in requests:
        by_parcel.setdefault(request.shipment_id, []).append(request)
    return by_parcel


def returnable_shipment_ids(*, order: Order) -> set[int]:
    """Delivered parcels of ``order`` whose return window is still open today."""
    if order.status not in (Order.Status.SHIPPING, Order.Status.DELIVERED, Order.Status.CONFIRMED):
        return set()
    today = timezone.localdate()
    return {
        shipment.pk
        for shipment in order.shipments.all()
        if (deadline := return_deadline(shipment)) is not None and today <= deadline
    }


def return_get_for_user(*, user, return_id: int) -> ReturnRequest:
    request = (
        ReturnRequest.objects.select_related("shipment__order")
        .filter(pk=return_id, shipment__order__user=user)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _with_details(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return queryset.select_related("shipment__order", "exchange_option").prefetch_related(
        "lines__line", "photos"
    )


def seller_returns(*, seller_id: int, tab: str) -> QuerySet[ReturnRequest]:
    statuses = next((statuses for key, _label, statuses in SELLER_TABS if key == tab), SELLER_TABS[0][2])
    return _with_details(ReturnRequest.objects.filter(shipment__seller_id=seller_id, status__in=statuses))


def seller_return_counts(*, seller_id: int) -> dict[str, int]:
    counts = ReturnRequest.objects.filter(shipment__seller_id=seller_id).aggregate(
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, _label, statuses in SELLER_TABS}
    )
    return {key: counts[key] or 0 for key in counts}


def return_get_for_seller(*, seller_id: int, return_id: int) -> ReturnRequest:
    """One of this shop's requests; another shop's (or none) is a 404."""
    request = _with_details(ReturnRequest.objects.filter(pk=return_id, shipment__seller_id=seller_id)).first()
    if request is None:
        raise Http404
    return request


def returns_waiting_count() -> int:
    """Requests waiting on someone (a seller's answer, a parcel on its way back, an exchange to send, the PG)."""
    return ReturnRequest.objects.filter(status__in=STAFF_WAITING_STATUSES).count()


def parcels_returns_attach(*, order: Order, parcels: list) -> bool:
    """Give each parcel of the order page its ``returns`` and ``returnable`` (the 반품·교환 신청 button);
    returns whether a request is still open (the 구매 확정 button is then hidden). Only a delivered parcel can
    have a request, so an order with none delivered costs no query."""
    delivered = [p.shipment for p in parcels if p.shipment and p.shipment.status == Shipment.Status.DELIVERED]
    by_parcel = order_returns(order=order) if delivered else {}
    today = timezone.localdate()
    returnable = {
        shipment.pk
        for shipment in delivered
        if order.status in RETURNABLE_ORDER_STATUSES
        and (deadline := return_deadline(shipment)) is not None
        and today <= deadline
    }
    for parcel in parcels:
        shipment_id = parcel.shipment.pk if parcel.shipment else None
        parcel.returns = by_parcel.get(shipment_id, [])
        parcel.returnable = shipment_id in returnable and any(line.is_active for line in parcel.lines)
    return any(request.is_open for requests in by_parcel.values() for request in requests)
