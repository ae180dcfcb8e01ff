"""The settlement rows a job writes: payments' money rules over a period, per seller and category."""

from apps.core.db_router import replica_reads
from apps.payments.settlement import (
    SettlementFigures,
    SettlementKey,
    settlement_day_figures,
    settlement_month_figures,
)
from apps.reports.models import Settlement
from apps.reports.registry import Period
from apps.reports.selectors.periods import period_bounds


@replica_reads()
def settlement_figures(*, kind: str, period: Period) -> dict[SettlementKey, SettlementFigures]:
    """The rows of a daily or monthly settlement of ``period``; a month is the sum of its days' rows."""
    start, end = period_bounds(period)
    daily = settlement_day_figures(start=start, end=end)
    if kind == Settlement.Kind.DAY:
        return daily
    return settlement_month_figures(daily)
