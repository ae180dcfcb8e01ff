"""Member statistics: what ``accounts.user_statistics_daily`` computes, and the stored days the dashboard shows."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from apps.accounts.models import User
from apps.core.db_router import replica_reads
from apps.orders.models import Order
from apps.reports.models import UserStatisticsDay
from apps.reports.registry import Period
from apps.reports.selectors.periods import period_bounds


def _by_channel(queryset: QuerySet) -> dict[str, int]:
    return {row["join_channel"]: row["n"] for row in queryset.values("join_channel").annotate(n=Count("id"))}


@replica_reads()
def signups_by_channel(*, period: Period) -> dict[str, int]:
    """Accounts created in the period (pending ones included), by join channel."""
    start, end = period_bounds(period)
    return _by_channel(User.objects.filter(date_joined__gte=start, date_joined__lt=end).order_by())


@replica_reads()
def active_users_by_channel(*, period: Period) -> dict[str, int]:
    """Members whose last login fell in the period, by join channel."""
    start, end = period_bounds(period)
    return _by_channel(User.objects.filter(last_login__gte=start, last_login__lt=end).order_by())


@replica_reads()
def buyers_by_channel(*, period: Period) -> dict[str, int]:
    """Members with an order paid in the period (its payment confirmed that day), by join channel."""
    start, end = period_bounds(period)
    paid = Order.objects.filter(paid_at__gte=start, paid_at__lt=end).values("user_id")
    return _by_channel(User.objects.filter(pk__in=paid).order_by())


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


@replica_reads()
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
