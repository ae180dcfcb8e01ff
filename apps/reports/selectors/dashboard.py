"""What the staff dashboard shows beside the statistics and broadcast reports: job runs, sales from the
settlement rows, best sellers."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Max, QuerySet, Sum
from django.utils import timezone

from apps.core.db_router import replica_reads
from apps.orders.models import OrderLine
from apps.reports.models import JobRun, Settlement


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


@replica_reads()
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


@replica_reads()
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


@replica_reads()
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
