"""Reads of the reports module: the aggregates jobs compute from other modules, and what the dashboard shows.

Sections whose source module is still being built (orders, live) read through the functions marked
"filled by the orders/live half": they return nothing today and the dashboard shows an empty state.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.reports.models import JobRun, UserStatisticsDay
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
    """Members who placed an order in the period, by join channel. Filled by the orders half (empty today)."""
    return {}


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
    refunds: int
    net: int


def sales_daily(*, days: int = 30) -> list[SalesRow]:
    """Sales per day of the last ``days`` days. Filled by the settlement half (from its settlement rows)."""
    return []


def sales_monthly(*, months: int = 12) -> list[SalesRow]:
    """Sales per month of the last ``months`` months. Filled by the settlement half."""
    return []


@dataclass(frozen=True)
class TopProductRow:
    product_id: int
    name: str
    quantity: int
    revenue: int


def top_products(*, days: int = 30, limit: int = 10) -> list[TopProductRow]:
    """Best sellers of the last ``days`` days by revenue. Filled by the settlement half (from orders)."""
    return []


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


def broadcast_performance(*, limit: int = 20) -> list[BroadcastRow]:
    """The newest broadcast reports. Filled by the broadcast-report half (from its report rows)."""
    return []
