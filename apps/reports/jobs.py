"""Every scheduled job, declared in code. Migrate creates a django-celery-beat schedule for each one.

Job names are ``<module>.<what>_<how often>``; the function computes one ``Period`` and returns rows written.
"""

from celery.schedules import crontab

from apps.reports import services
from apps.reports.registry import Period, PeriodKind, job


@job("accounts.user_statistics_daily", schedule=crontab(hour=1, minute=30), period=PeriodKind.DAY)
def user_statistics_daily(*, period: Period) -> int:
    """일별 회원 통계: 가입, 활동 회원, 구매 회원 (가입 경로별)."""
    return services.user_statistics_day_write(period=period)
