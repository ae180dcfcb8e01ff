"""Every scheduled job, declared in code. Migrate creates a django-celery-beat schedule for each one.

Job names are ``<module>.<what>_<how often>``; the function computes one ``Period`` and returns rows written.
"""

from celery.schedules import crontab

from apps.reports import archive, services
from apps.reports.models import Settlement
from apps.reports.registry import Period, PeriodKind, job


@job("accounts.user_statistics_daily", schedule=crontab(hour=1, minute=30), period=PeriodKind.DAY)
def user_statistics_daily(*, period: Period) -> int:
    """일별 회원 통계: 가입, 활동 회원, 구매 회원 (가입 경로별)."""
    return services.user_statistics_day_write(period=period)


@job("orders.settlement_daily", schedule=crontab(hour=2, minute=0), period=PeriodKind.DAY)
def settlement_daily(*, period: Period) -> int:
    """일별 정산: 셀러·카테고리별 총매출, 할인, 환불, PG 수수료, 정산 금액."""
    return services.settlement_write(kind=Settlement.Kind.DAY, period=period)


@job("orders.settlement_monthly", schedule=crontab(day_of_month=1, hour=3, minute=0), period=PeriodKind.MONTH)
def settlement_monthly(*, period: Period) -> int:
    """월별 정산: 지난달 셀러·카테고리별 합계 (매월 1일)."""
    return services.settlement_write(kind=Settlement.Kind.MONTH, period=period)


@job("orders.seller_statements_daily", schedule=crontab(hour=2, minute=15), period=PeriodKind.DAY)
def seller_statements_daily(*, period: Period) -> int:
    """셀러 일별 정산서: 구매확정일 기준 판매금액, 환불, PG 수수료, 판매 수수료, 정산 금액, 지급 예정일."""
    return services.seller_statements_day_write(period=period)


@job(
    "orders.seller_statements_monthly",
    schedule=crontab(day_of_month=1, hour=3, minute=15),
    period=PeriodKind.MONTH,
)
def seller_statements_monthly(*, period: Period) -> int:
    """셀러 월별 정산서: 지난달 일별 정산서를 다시 계산한 뒤 셀러별로 합산 (매월 1일)."""
    return services.seller_statements_month_write(period=period)


@job("live.broadcast_report_daily", schedule=crontab(hour=2, minute=30), period=PeriodKind.DAY)
def broadcast_report_daily(*, period: Period, subject: str = "") -> int:
    """방송 리포트: 끝난 방송마다 시청자, 채팅, 좋아요, 상품별 담기·주문 (종료 직후, 그리고 밤에 다시)."""
    return services.broadcast_reports_write(period=period, subject=subject)


@job("reports.archive_daily", schedule=crontab(hour=4, minute=0), period=PeriodKind.DAY, atomic=False)
def archive_daily(*, period: Period) -> int:
    """오래된 운영 데이터 보관: 끝난 방송의 채팅, 만료된 인증 코드, 끝난 재고 확보를 gzip 파일로 옮기고 삭제."""
    return archive.archive_all(day=period.start)
