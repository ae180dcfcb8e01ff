"""A job's ``Period`` as the datetimes other modules' rows are filtered by."""

from datetime import datetime, time

from django.utils import timezone

from apps.reports.registry import Period


def period_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's dates as aware datetimes in the current time zone (Asia/Seoul)."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(period.start, time.min), tz),
        timezone.make_aware(datetime.combine(period.end, time.min), tz),
    )
