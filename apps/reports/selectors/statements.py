"""Seller statements: the figures the jobs write (payments' money rules over confirmed purchases, with on-air
sales marked), the rates in force, and what the seller center and staff read."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.payments.statements import StatementFigures, StatementKey, seller_statement_day_figures
from apps.reports.models import SellerStatement
from apps.reports.registry import Period
from apps.reports.selectors.attribution import on_air_sales
from apps.reports.selectors.periods import period_bounds

STATEMENT_AMOUNTS = (
    "orders",
    "quantity",
    "gross",
    "shipping",
    "live_sales",
    "refunds",
    "refunds_after",
    "pg_fee",
    "commission",
    "payout",
)
"""The columns a statement adds up (a month from its days, an adjustment as a difference)."""


@dataclass(frozen=True)
class StatementRates:
    commission_rate: Decimal
    live_commission_rate: Decimal
    payout_days: int


def _runtime(name: str):
    """A runtime setting (admin → 운영 설정), or its default while Redis cannot be read."""
    import redis
    from constance import config

    try:
        return getattr(config, name)
    except redis.exceptions.ConnectionError:
        return settings.CONSTANCE_CONFIG[name][0]


def statement_rates_now() -> StatementRates:
    """The commission rates (%) and payout days staff have set, for a seller's day computed the first time."""
    return StatementRates(
        commission_rate=Decimal(str(_runtime("SELLER_COMMISSION_RATE"))),
        live_commission_rate=Decimal(str(_runtime("SELLER_LIVE_COMMISSION_RATE"))),
        payout_days=int(_runtime("SELLER_PAYOUT_DAYS")),
    )


def statement_figures(
    *, period: Period, seller_id: int | None = None
) -> dict[StatementKey, StatementFigures]:
    """Each (day, seller) of ``period``: its confirmed purchases and later refunds, on-air lines marked."""
    start, end = period_bounds(period)
    return seller_statement_day_figures(start=start, end=end, on_air=on_air_sales, seller_id=seller_id)


# --- The seller center ------------------------------------------------------------------------------------


@dataclass
class StatementMonth:
    """A seller's statements of one month: its day rows (adjustments beside their day), the month's row when
    the monthly job wrote it, and totals of the day rows as they stand now."""

    month: date
    days: list[SellerStatement]
    month_row: SellerStatement | None
    totals: dict[str, int] = field(default_factory=dict)
    paid_total: int = 0
    scheduled_total: int = 0

    @property
    def previous(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return Period.month(self.month).end


def seller_statements_of(*, seller) -> QuerySet[SellerStatement]:
    """Every statement of ``seller`` (never another's)."""
    return SellerStatement.objects.filter(seller=seller).select_related("paid_by")


def seller_statement_month(*, seller, month: date) -> StatementMonth:
    first = month.replace(day=1)
    period = Period.month(first)
    rows = list(
        seller_statements_of(seller=seller)
        .filter(period_start__gte=period.start, period_start__lt=period.end)
        .order_by("period_start", "id")
    )
    days = [row for row in rows if row.kind == SellerStatement.Kind.DAY]
    result = StatementMonth(
        month=first,
        days=days,
        month_row=next((row for row in rows if row.kind == SellerStatement.Kind.MONTH), None),
        totals={name: sum(getattr(row, name) for row in days) for name in STATEMENT_AMOUNTS},
    )
    result.paid_total = sum(row.payout for row in days if row.status == SellerStatement.Status.PAID)
    result.scheduled_total = sum(row.payout for row in days if row.status == SellerStatement.Status.SCHEDULED)
    return result


def seller_statement_get_for_seller(*, seller, pk: int) -> SellerStatement:
    """One of ``seller``'s statements; another seller's (or none) is a 404."""
    return get_object_or_404(seller_statements_of(seller=seller), pk=pk)


def seller_statement_lines(*, statement: SellerStatement) -> list:
    """The orders and lines behind a day statement, recomputed from the orders as they stand now (for an
    adjustment row: every line of its day, whose sum it corrects)."""
    if statement.kind != SellerStatement.Kind.DAY:
        return []
    figures = statement_figures(period=Period.day(statement.period_start), seller_id=statement.seller_id)
    row = figures.get((statement.period_start, statement.seller_id))
    return row.lines if row else []


def seller_statement_month_days(*, statement: SellerStatement) -> list[SellerStatement]:
    """The day rows a month statement adds up."""
    period = Period.month(statement.period_start)
    return list(
        seller_statements_of(seller=statement.seller)
        .filter(kind=SellerStatement.Kind.DAY, period_start__gte=period.start, period_start__lt=period.end)
        .order_by("period_start", "id")
    )


def seller_statements_for_staff(*, since: date) -> QuerySet[SellerStatement]:
    """Every seller's day statements from ``since`` (the staff CSV)."""
    return (
        SellerStatement.objects.filter(kind=SellerStatement.Kind.DAY, period_start__gte=since)
        .select_related("seller", "paid_by")
        .order_by("-period_start", "seller_id", "id")
    )
