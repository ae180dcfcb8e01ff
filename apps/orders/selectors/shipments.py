"""Reads of a seller's side of orders: its parcels by status, one parcel, the CSV of parcels to send, the
check of an uploaded 발송 CSV, and the dashboard's figures.

Every read takes the seller's id and filters by it, so another seller's parcel is never returned (a 404).
A seller sees orders once they are paid (an unpaid order is nobody's work yet), and of each order only its
own lines.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.orders.carriers import carrier_find, tracking_number_clean
from apps.orders.models import CancelRequest, Order, OrderLine, Shipment

# The seller center's tabs: (key, label). 취소요청 is a parcel whose shopper's cancel waits for the seller.
SELLER_TABS = (
    ("new", gettext_lazy("신규주문")),
    ("preparing", gettext_lazy("배송준비중")),
    ("shipped", gettext_lazy("배송중")),
    ("delivered", gettext_lazy("배송완료")),
    ("cancel_requested", gettext_lazy("취소요청")),
    ("cancelled", gettext_lazy("취소")),
)
SHIP_CSV_COLUMNS = ("주문번호", "택배사", "송장번호")
SHIP_CSV_MAX_ROWS = 1000
SHIP_CSV_MAX_BYTES = 1024 * 1024
WAITING_TO_SHIP = (Shipment.Status.NEW, Shipment.Status.PREPARING)
SHIPPABLE_ORDER_STATUSES = (Order.Status.PAID, Order.Status.PREPARING)


def _waiting_request():
    return Exists(CancelRequest.objects.filter(shipment=OuterRef("pk"), status=CancelRequest.Status.WAITING))


def _seller_shipments(seller_id: int) -> QuerySet[Shipment]:
    """The seller's parcels of paid orders, each with the order, the seller's own lines and cancel requests."""
    return (
        Shipment.objects.filter(seller_id=seller_id, order__paid_at__isnull=False)
        .select_related("order", "seller")
        .annotate(has_waiting_request=_waiting_request())
        .prefetch_related(
            Prefetch(
                "order__lines",
                queryset=OrderLine.objects.filter(seller_id=seller_id).select_related("product"),
                to_attr="seller_lines",
            ),
            Prefetch("cancel_requests", queryset=CancelRequest.objects.order_by("-created_at", "-id")),
        )
    )


def _tab_filter(tab: str) -> Q:
    if tab == "cancel_requested":
        return Q(has_waiting_request=True)
    return Q(status=tab)


def seller_shipments(*, seller_id: int, tab: str = "new") -> QuerySet[Shipment]:
    """The seller's parcels under one tab, oldest paid first for the tabs still to be worked on."""
    shipments = _seller_shipments(seller_id).filter(_tab_filter(tab))
    if tab in ("new", "preparing", "cancel_requested"):
        return shipments.order_by("order__paid_at", "pk")
    return shipments.order_by("-order__paid_at", "-pk")


def seller_shipment_counts(*, seller_id: int) -> dict[str, int]:
    """How many parcels each tab holds (one query)."""
    shipments = Shipment.objects.filter(seller_id=seller_id, order__paid_at__isnull=False).annotate(
        has_waiting_request=_waiting_request()
    )
    return shipments.aggregate(**{key: Count("pk", filter=_tab_filter(key)) for key, _label in SELLER_TABS})


def shipment_get_for_seller(*, seller_id: int, pk: int) -> Shipment:
    """The seller's own parcel of a paid order; another seller's (or an unpaid order's) is a 404."""
    shipment = _seller_shipments(seller_id).filter(pk=pk).first()
    if shipment is None:
        raise Http404("shipment")
    return shipment


def cancel_request_get_for_seller(*, seller_id: int, shipment_id: int, pk: int) -> CancelRequest:
    """A cancel request of the seller's own parcel, or a 404."""
    found = CancelRequest.objects.filter(
        pk=pk, shipment_id=shipment_id, shipment__seller_id=seller_id, shipment__order__paid_at__isnull=False
    ).first()
    if found is None:
        raise Http404("cancel request")
    return found


def shipment_amount(shipment: Shipment) -> int:
    """What the seller's part of the order came to: its lines still bought plus its parcel's shipping fee."""
    lines = getattr(shipment.order, "seller_lines", None)
    if lines is None:
        lines = list(shipment.order.lines.filter(seller_id=shipment.seller_id))
    return (
        sum(line.amount for line in lines if line.status == OrderLine.Status.ORDERED) + shipment.shipping_fee
    )


def shipments_to_send(*, seller_id: int) -> QuerySet[Shipment]:
    """Parcels waiting to be sent (신규주문, 배송준비중) of orders still to ship, oldest first: the label CSV."""
    return (
        _seller_shipments(seller_id)
        .filter(status__in=WAITING_TO_SHIP, order__status__in=SHIPPABLE_ORDER_STATUSES)
        .order_by("order__paid_at", "pk")
    )


@dataclass
class ShipCsvRow:
    """One data row of an uploaded 발송 CSV, as the preview shows it."""

    number: int  # the row number as the seller's spreadsheet shows it (the header is row 1)
    merchant_uid: str
    carrier_text: str
    tracking_text: str
    errors: list[str] = field(default_factory=list)
    shipment_id: int | None = None
    carrier: str = ""
    carrier_name: str = ""
    tracking_number: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel adds), else CP949, which Korean Excel saves a CSV in."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp949")
    except UnicodeDecodeError as error:
        raise ValidationError(_("파일을 읽을 수 없어요. CSV(UTF-8 또는 CP949)로 저장해 주세요.")) from error


def ship_csv_rows(*, seller_id: int, content: bytes) -> list[ShipCsvRow]:
    """Check every row of a 발송 CSV (columns 주문번호, 택배사, 송장번호 in any order, others ignored) against
    the seller's parcels waiting to be sent; nothing is saved. A file that cannot be read at all raises
    ValidationError with a Korean message; a bad row carries its own errors."""
    if len(content) > SHIP_CSV_MAX_BYTES:
        raise ValidationError(_("파일이 너무 커요 (1MB까지)."))
    reader = csv.reader(io.StringIO(_decode(content)))
    header = [cell.strip() for cell in next(reader, [])]
    missing = [column for column in SHIP_CSV_COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            _("첫 줄에 %(columns)s 열이 있어야 해요 (없는 열: %(missing)s).")
            % {"columns": ", ".join(SHIP_CSV_COLUMNS), "missing": ", ".join(missing)}
        )
    index = {column: header.index(column) for column in SHIP_CSV_COLUMNS}
    rows: list[ShipCsvRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(
            ShipCsvRow(
                number=number,
                merchant_uid=cells[index["주문번호"]].strip(),
                carrier_text=cells[index["택배사"]].strip(),
                tracking_text=cells[index["송장번호"]].strip(),
            )
        )
        if len(rows) > SHIP_CSV_MAX_ROWS:
            raise ValidationError(_("한 번에 %(max)d줄까지 올릴 수 있어요.") % {"max": SHIP_CSV_MAX_ROWS})
    if not rows:
        raise ValidationError(_("발송 처리할 줄이 없어요."))
    shipments = {
        shipment.order.merchant_uid: shipment
        for shipment in Shipment.objects.filter(
            seller_id=seller_id,
            order__paid_at__isnull=False,
            order__merchant_uid__in=[row.merchant_uid for row in rows],
        )
        .select_related("order")
        .annotate(has_waiting_request=_waiting_request())
    }
    seen: set[str] = set()
    for row in rows:
        _row_check(row, shipments.get(row.merchant_uid), seen)
    return rows


def _row_check(row: ShipCsvRow, shipment: Shipment | None, seen: set[str]) -> None:
    if not row.merchant_uid:
        row.errors.append(_("주문번호가 비어 있어요."))
    elif row.merchant_uid in seen:
        row.errors.append(_("같은 주문번호가 위에 또 있어요."))
    elif shipment is None:
        row.errors.append(_("내 상점의 주문번호가 아니에요."))
    elif shipment.order.status not in SHIPPABLE_ORDER_STATUSES:
        row.errors.append(_("%(status)s 주문이에요.") % {"status": shipment.order.get_status_display()})
    elif shipment.status not in WAITING_TO_SHIP:
        row.errors.append(_("이미 %(status)s 상태예요.") % {"status": shipment.get_status_display()})
    elif shipment.has_waiting_request:
        row.errors.append(_("고객의 취소 요청을 먼저 처리해 주세요."))
    else:
        row.shipment_id = shipment.pk
    seen.add(row.merchant_uid)
    try:
        carrier = carrier_find(row.carrier_text)
    except ValidationError as error:
        row.errors.extend(error.messages)
        return
    row.carrier, row.carrier_name = carrier.code, carrier.name
    try:
        row.tracking_number = tracking_number_clean(carrier, row.tracking_text)
    except ValidationError as error:
        row.errors.extend(error.messages)


@dataclass(frozen=True)
class SellerDashboardFigures:
    """Today at a glance for one seller (원 in Asia/Seoul days)."""

    orders_today: int  # orders paid today with a line of this seller
    # This seller's lines of those orders still bought (cancelled or being refunded: not), 원.
    sales_today: int
    waiting_to_ship: int  # parcels 신규주문 or 배송준비중 of orders still to ship
    cancel_requests_waiting: int  # shoppers' cancel requests waiting for this seller's answer


def seller_dashboard_figures(*, seller_id: int, day: datetime.date) -> SellerDashboardFigures:
    """The dashboard's figures of ``day`` (a local date) for one seller."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = start + datetime.timedelta(days=1)
    today = OrderLine.objects.filter(seller_id=seller_id, order__paid_at__gte=start, order__paid_at__lt=end)
    sold = today.filter(status=OrderLine.Status.ORDERED).aggregate(sales=Sum(F("unit_price") * F("quantity")))
    return SellerDashboardFigures(
        orders_today=today.values("order_id").distinct().count(),
        sales_today=sold["sales"] or 0,
        waiting_to_ship=shipments_to_send(seller_id=seller_id).count(),
        cancel_requests_waiting=CancelRequest.objects.filter(
            shipment__seller_id=seller_id, status=CancelRequest.Status.WAITING
        ).count(),
    )
