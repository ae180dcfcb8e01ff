"""The settlement's money rules: what a day's payments and refunds come to, per seller and category.

Payments owns these rules because it owns the money that moved: the PG's fee and the refunds it made. Orders'
rows are only read here. A line is settled to the seller it was sold by (``OrderLine.seller``, copied from the
product at checkout). The sellers' own statements, settled on purchase confirmation, are ``statements.py``.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from apps.orders.models import Order, OrderLine
from apps.payments.models import Refund

SettlementKey = tuple[date, int, int | None]
"""``(day or first day of the month, seller_id, category_id)``; None category is a product deleted since."""


def pg_fee_rate() -> Decimal:
    return Decimal(str(settings.PAYMENTS_PG_FEE_RATE))


def pg_fee(amount: int) -> int:
    """The PG's fee on ``amount`` 원 (negative when more was refunded than charged), rounded half up to 1원."""
    fee = (abs(Decimal(amount)) * pg_fee_rate()).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fee) if amount >= 0 else -int(fee)


@dataclass
class SettlementFigures:
    """One row of a settlement: a day's (or month's) sales of one seller (or the shop) in one category."""

    orders: int = 0
    quantity: int = 0
    gross: int = 0
    discounts: int = 0
    shipping: int = 0
    refunds: int = 0
    pg_fees: int = 0

    @property
    def charged(self) -> int:
        """What the PG moved for this row: charged minus refunded (the PG fee's base)."""
        return self.gross - self.discounts + self.shipping - self.refunds

    @property
    def net(self) -> int:
        return self.charged - self.pg_fees

    def add(self, other: "SettlementFigures") -> None:
        for name in ("orders", "quantity", "gross", "discounts", "shipping", "refunds", "pg_fees"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def settlement_day_figures(*, start: datetime, end: datetime) -> dict[SettlementKey, SettlementFigures]:
    """Each day of ``start``..``end`` by (day, seller, category): sales by the day the payment was confirmed,
    refunds (whole, partial cancels, line refunds) by the day the PG made them.

    A line's category is its product's; its seller is the line's own. ``orders`` and the order's shipping fee go to the row of the order's first line, and so
    does what a refund gave back beyond its lines (the shipping fee of the last refund). Refunds of a payment
    that never paid an order (a duplicate or a mismatched amount, cancelled at once) are no sale and are left
    out. The PG fee is rounded per day row, on what the row charged less what it refunded, so a day with only
    refunds has a negative fee.
    """
    tz = timezone.get_current_timezone()
    paid_orders = list(
        Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
        .only("id", "created_at", "paid_at", "shipping_fee", "imp_uid")
        .prefetch_related("lines__product")
        .order_by("paid_at", "id")
    )
    refunds = list(
        Refund.objects.filter(status=Refund.Status.DONE, created_at__gte=start, created_at__lt=end)
        .filter(order__paid_at__isnull=False, imp_uid=F("order__imp_uid"))
        .select_related("order")
        .prefetch_related("order__lines__product")
        .order_by("created_at", "id")
    )

    def key_of(order: Order, line: OrderLine, day: date) -> SettlementKey:
        category_id = line.product.category_id if line.product else None
        return (day, line.seller_id, category_id)

    figures: dict[SettlementKey, SettlementFigures] = defaultdict(SettlementFigures)
    for order in paid_orders:
        day = timezone.localtime(order.paid_at, tz).date()
        lines = list(order.lines.all())
        for line in lines:
            row = figures[key_of(order, line, day)]
            row.quantity += line.quantity
            row.gross += line.list_price * line.quantity
            row.discounts += (line.list_price - line.unit_price) * line.quantity
        if lines:
            first = figures[key_of(order, lines[0], day)]
            first.orders += 1
            first.shipping += order.shipping_fee
    for refund in refunds:
        day = timezone.localtime(refund.created_at, tz).date()
        lines = list(refund.order.lines.all())
        if not lines:
            continue
        wanted = {int(line_id) for line_id in refund.line_ids}
        left = refund.amount
        for line in lines:
            if line.pk in wanted:
                share = min(line.amount, left)
                figures[key_of(refund.order, line, day)].refunds += share
                left -= share
        figures[key_of(refund.order, lines[0], day)].refunds += left
    for row in figures.values():
        row.pg_fees = pg_fee(row.charged)
    return dict(figures)


def settlement_month_figures(
    daily: dict[SettlementKey, SettlementFigures],
) -> dict[SettlementKey, SettlementFigures]:
    """Day rows summed into their months (keyed by each month's first day); a month's PG fee is the sum of its
    days' rounded fees, never a fee rounded again on the month's total, so the month matches its days."""
    monthly: dict[SettlementKey, SettlementFigures] = defaultdict(SettlementFigures)
    for (day, seller_id, category_id), row in daily.items():
        monthly[(day.replace(day=1), seller_id, category_id)].add(row)
    return dict(monthly)
