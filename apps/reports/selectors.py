"""Reads of the reports module: the figures jobs compute from other modules, and what the dashboard shows.

Other modules' rows are only read here (read-only queries, their selectors); reports never writes them,
except the archive's delete of rows it has just written to a file (``apps.reports.archive``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.live.models import Broadcast, BroadcastPin, BroadcastProduct
from apps.orders.models import Order, OrderLine
from apps.payments.models import Refund
from apps.reports.models import BroadcastReport, CartAddition, JobRun, Settlement, UserStatisticsDay
from apps.reports.registry import Period


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's dates as aware datetimes in the current time zone (Asia/Seoul)."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(period.start, time.min), tz),
        timezone.make_aware(datetime.combine(period.end, time.min), tz),
    )


def _by_channel(queryset: QuerySet) -> dict[str, int]:
    return {row["join_channel"]: row["n"] for row in queryset.values("join_channel").annotate(n=Count("id"))}


def signups_by_channel(*, period: Period) -> dict[str, int]:
    """Accounts created in the period (pending ones included), by join channel."""
    start, end = _bounds(period)
    return _by_channel(User.objects.filter(date_joined__gte=start, date_joined__lt=end).order_by())


def active_users_by_channel(*, period: Period) -> dict[str, int]:
    """Members whose last login fell in the period, by join channel."""
    start, end = _bounds(period)
    return _by_channel(User.objects.filter(last_login__gte=start, last_login__lt=end).order_by())


def buyers_by_channel(*, period: Period) -> dict[str, int]:
    """Members with an order paid in the period (its payment confirmed that day), by join channel."""
    start, end = _bounds(period)
    paid = Order.objects.filter(paid_at__gte=start, paid_at__lt=end).values("user_id")
    return _by_channel(User.objects.filter(pk__in=paid).order_by())


# --- Live sales: which broadcast an order line belongs to ---------------------------------------------------


@dataclass(frozen=True)
class LiveWindow:
    broadcast_id: int
    seller_id: int
    started_at: datetime
    ended_at: datetime | None
    product_ids: frozenset[int]

    def covers(self, *, product_id: int | None, at: datetime) -> bool:
        return (
            product_id in self.product_ids
            and self.started_at <= at
            and (self.ended_at is None or at < self.ended_at)
        )


def live_windows(*, start: datetime, end: datetime) -> list[LiveWindow]:
    """Every broadcast on air at some moment of ``start``..``end``, with the products it sold (oldest first)."""
    broadcasts = (
        Broadcast.objects.filter(started_at__isnull=False, started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .order_by("started_at", "id")
        .values_list("id", "seller_id", "started_at", "ended_at")
    )
    windows = list(broadcasts)
    products: dict[int, set[int]] = defaultdict(set)
    for broadcast_id, product_id in BroadcastProduct.objects.filter(
        broadcast_id__in=[w[0] for w in windows]
    ).values_list("broadcast_id", "product_id"):
        products[broadcast_id].add(product_id)
    return [
        LiveWindow(pk, seller_id, started_at, ended_at, frozenset(products[pk]))
        for pk, seller_id, started_at, ended_at in windows
    ]


def live_broadcast_for(
    windows: list[LiveWindow], *, product_id: int | None, at: datetime
) -> LiveWindow | None:
    """The attribution rule: a line is a live sale of the broadcast that was on air when its order was placed
    and had the product on sale (the earliest-started one if two were); otherwise it is a shop sale."""
    return next((w for w in windows if w.covers(product_id=product_id, at=at)), None)


# --- Settlement ---------------------------------------------------------------------------------------------


def pg_fee_rate() -> Decimal:
    return Decimal(str(settings.PAYMENTS_PG_FEE_RATE))


def pg_fee(amount: int) -> int:
    """The PG's fee on ``amount`` 원 (negative when more was refunded than charged), rounded half up to 1원."""
    fee = (abs(Decimal(amount)) * pg_fee_rate()).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(fee) if amount >= 0 else -int(fee)


@dataclass
class SettlementFigures:
    """One row of a settlement: ``day``'s sales of ``seller_id`` (None: the shop) in ``category_id``."""

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


SettlementKey = tuple[date, int | None, int | None]


def settlement_day_figures(*, period: Period) -> dict[SettlementKey, SettlementFigures]:
    """Each day of ``period`` by (day, seller, category): sales by the day the payment was confirmed, refunds
    (whole, partial cancels, line refunds) by the day the PG made them.

    A line's category is its product's; its seller is the broadcast it was sold in (``live_broadcast_for``),
    none for a shop sale. ``orders`` and the order's shipping fee go to the row of the order's first line,
    and so does what a refund gave back beyond its lines (the shipping fee of the last refund). Refunds of a
    payment that never paid an order (a duplicate or a mismatched amount, cancelled at once) are no sale
    and are left out.
    """
    start, end = _bounds(period)
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
    orders = [*paid_orders, *(refund.order for refund in refunds)]
    if not orders:
        return {}
    windows = live_windows(
        start=min(order.created_at for order in orders), end=max(order.created_at for order in orders)
    )

    def key_of(order: Order, line: OrderLine, day: date) -> SettlementKey:
        window = live_broadcast_for(windows, product_id=line.product_id, at=order.created_at)
        return (day, window.seller_id if window else None, line.product.category_id if line.product else None)

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


def settlement_figures(*, kind: str, period: Period) -> dict[SettlementKey, SettlementFigures]:
    """The rows of a daily or monthly settlement of ``period``; a month is the sum of its days' rows, so its
    PG fees are the sum of the days' rounded fees."""
    daily = settlement_day_figures(period=period)
    if kind == Settlement.Kind.DAY:
        return daily
    monthly: dict[SettlementKey, SettlementFigures] = defaultdict(SettlementFigures)
    for (day, seller_id, category_id), row in daily.items():
        monthly[(day.replace(day=1), seller_id, category_id)].add(row)
    return dict(monthly)


# --- Broadcast report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    peak_viewers: int = 0
    average_viewers: int = 0
    messages: int = 0
    likes: int = 0


def broadcast_audience(*, broadcast_id: int) -> Audience:
    """Viewers, chat messages and likes of a broadcast, as the live module counts them.

    The one place the report reads them: ``apps.live.selectors.broadcast_audience_stats`` (a dict with
    ``peak_viewers``, ``average_viewers``, ``messages``, ``likes``).
    """
    from apps.live import selectors as live_selectors

    figures = live_selectors.broadcast_audience_stats(broadcast_id=broadcast_id)
    return Audience(**{name: int(figures.get(name) or 0) for name in Audience.__dataclass_fields__})


@dataclass
class SalesTally:
    add_to_carts: int = 0
    quantity: int = 0
    revenue: int = 0
    order_ids: set[int] = field(default_factory=set)

    @property
    def orders(self) -> int:
        return len(self.order_ids)


@dataclass(frozen=True)
class PinWindow:
    product_id: int
    product_name: str
    start: datetime
    end: datetime
    tally: SalesTally

    def covers(self, product_id: int, at: datetime) -> bool:
        return self.product_id == product_id and self.start <= at < self.end


@dataclass(frozen=True)
class BroadcastFigures:
    broadcast: Broadcast
    audience: Audience
    total: SalesTally
    pins: list[PinWindow]


def broadcast_figures(*, broadcast_id: int) -> BroadcastFigures | None:
    """A broadcast's report, or None before it has been on air and ended.

    Orders: the paid orders whose lines are live sales of this broadcast (``live_broadcast_for``); each
    pinned window (from a pin to the next pin or the end) counts the lines of its product ordered in it, and
    the "장바구니 담기" of that product in it. Amounts are what was paid for the lines (refunds later are the
    settlement's business).
    """
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.started_at is None or broadcast.ended_at is None:
        return None
    start, end = broadcast.started_at, broadcast.ended_at
    all_windows = live_windows(start=start, end=end)
    own = next((w for w in all_windows if w.broadcast_id == broadcast.pk), None)
    product_ids = list(own.product_ids) if own else []
    pins = list(
        BroadcastPin.objects.filter(broadcast=broadcast).select_related("product").order_by("pinned_at", "id")
    )
    pin_windows = [
        PinWindow(
            product_id=pin.product_id,
            product_name=pin.product.name,
            start=pin.pinned_at,
            end=pins[index + 1].pinned_at if index + 1 < len(pins) else end,
            tally=SalesTally(),
        )
        for index, pin in enumerate(pins)
    ]
    total = SalesTally()
    lines = (
        OrderLine.objects.filter(
            order__created_at__gte=start,
            order__created_at__lt=end,
            order__paid_at__isnull=False,
            product_id__in=product_ids,
        )
        .select_related("order")
        .only("order__id", "order__created_at", "product_id", "unit_price", "quantity")
    )
    for line in lines:
        owner = live_broadcast_for(all_windows, product_id=line.product_id, at=line.order.created_at)
        if owner is None or owner.broadcast_id != broadcast.pk:
            continue
        tallies = [total] + [w.tally for w in pin_windows if w.covers(line.product_id, line.order.created_at)]
        for tally in tallies:
            tally.order_ids.add(line.order_id)
            tally.quantity += line.quantity
            tally.revenue += line.amount
    for addition in CartAddition.objects.filter(
        added_at__gte=start, added_at__lt=end, product_id__in=product_ids
    ).only("product_id", "added_at"):
        total.add_to_carts += 1
        for w in pin_windows:
            if w.covers(addition.product_id, addition.added_at):
                w.tally.add_to_carts += 1
    return BroadcastFigures(
        broadcast=broadcast,
        audience=broadcast_audience(broadcast_id=broadcast.pk),
        total=total,
        pins=pin_windows,
    )


def broadcasts_ended_in(*, period: Period) -> list[int]:
    start, end = _bounds(period)
    return list(
        Broadcast.objects.filter(ended_at__gte=start, ended_at__lt=end, started_at__isnull=False)
        .order_by("ended_at", "id")
        .values_list("id", flat=True)
    )


# --- Dashboard ------------------------------------------------------------------------------------------


def job_run_list(*, limit: int = 50) -> QuerySet[JobRun]:
    return JobRun.objects.order_by("-started_at", "-id")[:limit]


def job_run_latest_by_job() -> dict[str, JobRun]:
    """The newest run of each job."""
    latest: dict[str, JobRun] = {}
    for run in JobRun.objects.order_by("job", "-started_at", "-id").only(
        "job", "status", "started_at", "finished_at", "period_start", "period_end", "rows", "attempt"
    ):
        latest.setdefault(run.job, run)
    return latest


@dataclass(frozen=True)
class UserStatisticsRow:
    day: date
    signups: int
    active_users: int
    buyers: int
    by_channel: dict[str, int]

    @property
    def conversion(self) -> float | None:
        """Buyers per active member, as a percentage (None on a day without active members)."""
        return round(self.buyers * 100 / self.active_users, 1) if self.active_users else None


def user_statistics_daily(*, days: int = 30, today: date | None = None) -> list[UserStatisticsRow]:
    """One row per day of the last ``days`` days (oldest first), zeros where nothing was computed."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days)
    rows = {
        first + timedelta(days=offset): UserStatisticsRow(
            day=first + timedelta(days=offset), signups=0, active_users=0, buyers=0, by_channel={}
        )
        for offset in range(days)
    }
    totals = (
        UserStatisticsDay.objects.filter(day__gte=first, day__lt=today)
        .values("day")
        .annotate(signups=Sum("signups"), active_users=Sum("active_users"), buyers=Sum("buyers"))
        .order_by("day")
    )
    channels: dict[date, dict[str, int]] = {}
    for stat in UserStatisticsDay.objects.filter(day__gte=first, day__lt=today).only(
        "day", "join_channel", "signups"
    ):
        channels.setdefault(stat.day, {})[stat.join_channel] = stat.signups
    for total in totals:
        rows[total["day"]] = UserStatisticsRow(
            day=total["day"],
            signups=total["signups"],
            active_users=total["active_users"],
            buyers=total["buyers"],
            by_channel=channels.get(total["day"], {}),
        )
    return [rows[day] for day in sorted(rows)]


@dataclass(frozen=True)
class SalesRow:
    period: str
    orders: int
    gross: int
    discounts: int
    shipping: int
    refunds: int
    pg_fees: int
    net: int


_SALES_SUMS = {
    name: Sum(name) for name in ("orders", "gross", "discounts", "shipping", "refunds", "pg_fees", "net")
}


def _sales_row(label: str, sums: dict) -> SalesRow:
    return SalesRow(label, **{name: int(sums.get(name) or 0) for name in _SALES_SUMS})


def _sales_rows(rows: QuerySet, labels: list[tuple[date, str]]) -> list[SalesRow]:
    totals = {row["period_start"]: row for row in rows.values("period_start").annotate(**_SALES_SUMS)}
    return [_sales_row(label, totals.get(start, {})) for start, label in labels]


def sales_daily(*, days: int = 30, today: date | None = None) -> list[SalesRow]:
    """Sales per day of the last ``days`` days up to yesterday (oldest first), from the daily settlement;
    nothing when no day of them was settled yet (the dashboard's empty state)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days)
    rows = Settlement.objects.filter(
        kind=Settlement.Kind.DAY, period_start__gte=first, period_start__lt=today
    )
    if not rows.exists():
        return []
    labels = [(first + timedelta(days=n), (first + timedelta(days=n)).isoformat()) for n in range(days)]
    return _sales_rows(rows.order_by(), labels)


def _month_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def sales_monthly(*, months: int = 12, today: date | None = None) -> list[SalesRow]:
    """Sales per month of the last ``months`` months from the monthly settlement (oldest first), then this
    month so far from the daily settlement ("진행 중"); nothing when none of them was settled yet."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    first = _month_back(this_month, months)
    closed = Settlement.objects.filter(
        kind=Settlement.Kind.MONTH, period_start__gte=first, period_start__lt=this_month
    ).order_by()
    running = Settlement.objects.filter(
        kind=Settlement.Kind.DAY, period_start__gte=this_month, period_start__lt=today
    ).order_by()
    if not closed.exists() and not running.exists():
        return []
    starts = [_month_back(this_month, n) for n in range(months, 0, -1)]
    rows = _sales_rows(closed, [(start, start.strftime("%Y-%m")) for start in starts])
    return [*rows, _sales_row(f"{this_month:%Y-%m} (진행 중)", running.aggregate(**_SALES_SUMS))]


@dataclass(frozen=True)
class TopProductRow:
    product_id: int
    name: str
    quantity: int
    revenue: int


def top_products(*, days: int = 30, limit: int = 10) -> list[TopProductRow]:
    """Best sellers of the last ``days`` days by revenue: lines of orders paid in them, less the lines since
    cancelled or refunded."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        OrderLine.objects.filter(
            order__paid_at__gte=since, status=OrderLine.Status.ORDERED, product_id__isnull=False
        )
        .values("product_id")
        .annotate(
            name=Max("product_name"), units=Sum("quantity"), amount=Sum(F("unit_price") * F("quantity"))
        )
        .order_by("-amount", "product_id")[:limit]
    )
    return [TopProductRow(r["product_id"], r["name"], int(r["units"]), int(r["amount"])) for r in rows]


@dataclass(frozen=True)
class BroadcastRow:
    broadcast_id: int
    title: str
    started_at: datetime | None
    peak_viewers: int
    average_viewers: int
    messages: int
    likes: int
    orders: int
    revenue: int
    add_to_carts: int = 0


def broadcast_performance(*, limit: int = 20) -> list[BroadcastRow]:
    """The newest broadcast reports (``live.broadcast_report``), newest first."""
    return [
        BroadcastRow(
            broadcast_id=report.broadcast_id,
            title=report.title,
            started_at=report.started_at,
            peak_viewers=report.peak_viewers,
            average_viewers=report.average_viewers,
            messages=report.messages,
            likes=report.likes,
            orders=report.orders,
            revenue=report.revenue,
            add_to_carts=report.add_to_carts,
        )
        for report in BroadcastReport.objects.order_by("-started_at", "-id")[:limit]
    ]
