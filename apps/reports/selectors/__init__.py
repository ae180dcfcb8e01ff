"""Reads of the reports module, one file per concept: the figures jobs compute from other modules, and what
the dashboard shows.

Other modules' rows are only read here, through their models' constants and selectors; the settlement's money
rules are payments' (``apps.payments.settlement``). The names below are re-exported so ``selectors.<name>``
keeps working; inside reports, import from the concept file.
"""

from apps.reports.selectors.attribution import LiveWindow, live_broadcast_for, live_windows, on_air_sales
from apps.reports.selectors.broadcasts import (
    Audience,
    BroadcastFigures,
    BroadcastRow,
    PinWindow,
    SalesTally,
    broadcast_audience,
    broadcast_figures,
    broadcast_performance,
    broadcasts_ended_in,
)
from apps.reports.selectors.dashboard import (
    SalesRow,
    TopProductRow,
    job_run_latest_by_job,
    job_run_list,
    sales_daily,
    sales_monthly,
    top_products,
)
from apps.reports.selectors.settlement import settlement_figures
from apps.reports.selectors.statistics import (
    UserStatisticsRow,
    active_users_by_channel,
    buyers_by_channel,
    signups_by_channel,
    user_statistics_daily,
)

__all__ = [
    "Audience",
    "BroadcastFigures",
    "BroadcastRow",
    "LiveWindow",
    "PinWindow",
    "SalesRow",
    "SalesTally",
    "TopProductRow",
    "UserStatisticsRow",
    "active_users_by_channel",
    "broadcast_audience",
    "broadcast_figures",
    "broadcast_performance",
    "broadcasts_ended_in",
    "buyers_by_channel",
    "job_run_latest_by_job",
    "job_run_list",
    "live_broadcast_for",
    "live_windows",
    "on_air_sales",
    "sales_daily",
    "sales_monthly",
    "settlement_figures",
    "signups_by_channel",
    "top_products",
    "user_statistics_daily",
]
