"""The seller statement's money rules: what each seller is owed for the purchases confirmed on a day.

The open-market rule (Naver SmartStore's): a sale is settled on its purchase confirmation (구매확정), so a
seller's day D covers its lines of the orders first confirmed on D (Asia/Seoul). Payments owns these rules
because it owns the money that moved (what the shopper paid, the PG's fee, the refunds); orders' rows are
only read. Whether a line was sold on air is not payments' knowledge: the caller passes that rule in
(``OnAirRule``), so payments never reads broadcasts. The commission's rates are the caller's too (runtime
settings captured on each statement row); only how a rate is applied is decided here.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Min
from django.utils import timezone

from apps.orders.models import Order, OrderLine, OrderStatusChange, Shipment
from apps.payments.models import Refund
from apps.payments.settlement import pg_fee

OnAir = Callable[[int | None, datetime], bool]
"""``(product_id, placed_at) -> bool``: was the line of an order placed then sold on air."""

OnAirRule = Callable[[datetime, datetime], OnAir]
"""Given the first and last moment the settled orders were placed, the ``OnAir`` that holds between them."""

StatementKey = tuple[date, int]
"""``(day, seller_id)``: one seller's statement of one day."""


class LineKind:
    SALE = "sale"
    SHIPPING = "shipping"
    REFUND_BEFORE = "refund_before"
    REFUND_AFTER = "refund_after"


@dataclass(frozen=True)
class StatementLine:
    """One amount behind a statement: a line sold (or its shipping) at confirmation, or a refund of it."""

    order_id: int
    merchant_uid: str
    confirmed_at: datetime
    kind: str
    amount: int
    product_name: str = ""
    quantity: int = 0
    on_air: bool = False
    at: datetime | None = None


@dataclass
class StatementFigures:
    """A seller's day before commission: ``gross`` is what shoppers paid for its part of the orders confirmed
    that day (its lines still sold at confirmation and its shipping fee); ``refunds`` what was refunded of
    those orders before confirmation (for the record: never in ``gross``); ``refunds_after`` what was
    refunded that day of orders confirmed earlier (or earlier that day), taken off the payout. ``live_sales``
    and ``other_sales`` are the commission's bases: line amounts only (shipping carries no commission), net of
    ``refunds_after``."""

    orders: set[int] = field(default_factory=set)
    quantity: int = 0
    gross: int = 0
    shipping: int = 0
    live_sales: int = 0
    other_sales: int = 0
    refunds: int = 0
    refunds_after: int = 0
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def charged(self) -> int:
        """What the PG kept of the shoppers' money for this row: the PG fee's base."""
        return self.gross - self.refunds_after

    @property
    def pg_fee(self) -> int:
        return pg_fee(self.charged)


def percent_of(amount: int, rate: Decimal) -> int:
    """``amount`` × ``rate`` % in 원, rounded half up on the size (a negative amount gives the mirror)."""
    value = (abs(Decimal(amount)) * Decimal(rate) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(value) if amount >= 0 else -int(value)


def commission_of(*, live_sales: int, other_sales: int, rate: Decimal, live_rate: Decimal) -> int:
    """The platform's commission: each base rounded on its own, so a row's figure is checkable by hand."""
    return percent_of(live_sales, live_rate) + percent_of(other_sales, rate)


def confirmations_between(*, start: datetime, end: datetime) -> dict[int, datetime]:
    """Orders first confirmed (구매확정) in ``start``..``end``: order id → that moment.

    The confirmation is read from the order's history, the one place every status change is logged, so a
    confirmation by the shopper, by staff or by the auto-confirm job counts alike.
    """
    ids = set(
        OrderStatusChange.objects.filter(
            to_status=Order.Status.CONFIRMED, at__gte=start, at__lt=end
        ).values_list("order_id", flat=True)
    )
    return {
        order_id: first
        for order_id, first in first_confirmations(order_ids=ids).items()
        if start <= first < end
    }


def first_confirmations(*, order_ids: Iterable[int]) -> dict[int, datetime]:
    ids = list(order_ids)
    if not ids:
        return {}
    return dict(
        OrderStatusChange.objects.filter(to_status=Order.Status.CONFIRMED, order_id__in=ids)
        .values("order_id")
        .annotate(first=Min("at"))
        .values_list("order_id", "first")
    )


def _refund_shares(refund: Refund, lines: list[OrderLine]) -> tuple[list[tuple[OrderLine, int]], int]:
    """A refund split over the lines it names (in line order, each up to its amount), and what is left: the
    shipping fee a last refund gives back."""
    wanted = {int(line_id) for line_id in refund.line_ids}
    left, shares = refund.amount, []
    for line in lines:
        if line.pk in wanted and left > 0:
            share = min(line.amount, left)
            shares.append((line, share))
            left -= share
    return shares, left


def _shipping_by_seller(order: Order, lines: list[OrderLine]) -> dict[int, int]:
    """Each seller's shipping fee: its shipment's, or (an order from before shipments) the order's fee on the
    seller of its first line."""
    shipments = list(order.shipments.all())
    if shipments:
        return {
            shipment.seller_id: shipment.shipping_fee
            for shipment in shipments
            if shipment.status != Shipment.Status.CANCELLED
        }
    return {lines[0].seller_id: order.shipping_fee} if lines else {}


def seller_statement_day_figures(
    *, start: datetime, end: datetime, on_air: OnAirRule, seller_id: int | None = None
) -> dict[StatementKey, StatementFigures]:
    """Each day of ``start``..``end`` by (day, seller): the orders confirmed that day and the refunds made that
    day of orders confirmed before the refund. ``seller_id`` narrows it to one seller (a statement's detail).

    A line counts as sold at confirmation unless a refund made by then named it; such refunds are ``refunds``
    of the confirmation day (shown, not deducted). A refund made after the confirmation is a negative
    adjustment of the day it was made (``refunds_after``): its line shares come off the commission's base,
    what it gave back beyond its lines comes off the shipping. Refunds of a payment that never paid the order
    (a duplicate, a mismatch) are no sale and are left out, as in the settlement.
    """
    tz = timezone.get_current_timezone()
    confirmed = confirmations_between(start=start, end=end)
    late_refunds = list(
        Refund.objects.filter(status=Refund.Status.DONE, created_at__gte=start, created_at__lt=end)
        .filter(order__paid_at__isnull=False, imp_uid=F("order__imp_uid"))
        .order_by("created_at", "id")
    )
    refund_confirmations = first_confirmations(order_ids={refund.order_id for refund in late_refunds})
    late_refunds = [
        refund
        for refund in late_refunds
        if refund.order_id in refund_confirmations
        and refund_confirmations[refund.order_id] < refund.created_at
    ]
    order_ids = set(confirmed) | {refund.order_id for refund in late_refunds}
    if not order_ids:
        return {}
    orders = {
        order.pk: order
        for order in Order.objects.filter(pk__in=order_ids).prefetch_related("lines", "shipments", "refunds")
    }
    placed = [order.created_at for order in orders.values()]
    sold_on_air = on_air(min(placed), max(placed) + timedelta(seconds=1))
    figures: dict[StatementKey, StatementFigures] = defaultdict(StatementFigures)

    def wanted(line_seller_id: int) -> bool:
        return seller_id is None or line_seller_id == seller_id

    for order_id, confirmed_at in sorted(confirmed.items(), key=lambda item: (item[1], item[0])):
        order = orders[order_id]
        day = timezone.localtime(confirmed_at, tz).date()
        lines = list(order.lines.all())
        early = [
            refund
            for refund in order.refunds.all()
            if refund.status == Refund.Status.DONE
            and refund.imp_uid == order.imp_uid
            and refund.created_at <= confirmed_at
        ]
        refunded_lines: set[int] = set()
        for refund in sorted(early, key=lambda refund: (refund.created_at, refund.pk)):
            shares, left = _refund_shares(refund, lines)
            for line, share in shares:
                refunded_lines.add(line.pk)
                if wanted(line.seller_id):
                    row = figures[(day, line.seller_id)]
                    row.refunds += share
                    row.lines.append(
                        StatementLine(
                            order.pk,
                            order.merchant_uid,
                            confirmed_at,
                            LineKind.REFUND_BEFORE,
                            -share,
                            line.product_name,
                            line.quantity,
                            at=refund.created_at,
                        )
                    )
            if left and lines:
                owner = shares[0][0] if shares else lines[0]
                if wanted(owner.seller_id):
                    figures[(day, owner.seller_id)].refunds += left
        for line in lines:
            if not wanted(line.seller_id):
                continue
            row = figures[(day, line.seller_id)]
            row.orders.add(order.pk)
            if line.pk in refunded_lines:
                continue
            live = sold_on_air(line.product_id, order.created_at)
            row.quantity += line.quantity
            row.gross += line.amount
            if live:
                row.live_sales += line.amount
            else:
                row.other_sales += line.amount
            row.lines.append(
                StatementLine(
                    order.pk,
                    order.merchant_uid,
                    confirmed_at,
                    LineKind.SALE,
                    line.amount,
                    line.product_name,
                    line.quantity,
                    live,
                )
            )
        for line_seller_id, fee in _shipping_by_seller(order, lines).items():
            if fee and wanted(line_seller_id):
                row = figures[(day, line_seller_id)]
                row.orders.add(order.pk)
                row.gross += fee
                row.shipping += fee
                row.lines.append(
                    StatementLine(
                        order.pk, order.merchant_uid, confirmed_at, LineKind.SHIPPING, fee, "배송비"
                    )
                )
    for refund in late_refunds:
        order = orders[refund.order_id]
        day = timezone.localtime(refund.created_at, tz).date()
        lines = list(order.lines.all())
        shares, left = _refund_shares(refund, lines)
        for line, share in shares:
            if not wanted(line.seller_id):
                continue
            row = figures[(day, line.seller_id)]
            live = sold_on_air(line.product_id, order.created_at)
            row.refunds_after += share
            if live:
                row.live_sales -= share
            else:
                row.other_sales -= share
            row.lines.append(
                StatementLine(
                    order.pk,
                    order.merchant_uid,
                    refund_confirmations[order.pk],
                    LineKind.REFUND_AFTER,
                    -share,
                    line.product_name,
                    line.quantity,
                    live,
                    refund.created_at,
                )
            )
        if left and lines:
            owner = shares[0][0] if shares else lines[0]
            if wanted(owner.seller_id):
                row = figures[(day, owner.seller_id)]
                row.refunds_after += left
                row.shipping -= left
                row.lines.append(
                    StatementLine(
                        order.pk,
                        order.merchant_uid,
                        refund_confirmations[order.pk],
                        LineKind.REFUND_AFTER,
                        -left,
                        "배송비",
                        at=refund.created_at,
                    )
                )
    return dict(figures)
