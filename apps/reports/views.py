import csv
import hmac
import ipaddress
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from constance import config
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

from apps.accounts.models import User
from apps.core.csv_cells import csv_row
from apps.orders.selectors.returns import returns_waiting_count
from apps.reports.exports import STATEMENT_HEADERS, statement_cells
from apps.reports.selectors.broadcasts import broadcast_performance
from apps.reports.selectors.dashboard import (
    SalesRow,
    job_run_latest_by_job,
    job_run_list,
    sales_daily,
    sales_monthly,
    top_products,
)
from apps.reports.selectors.statements import seller_statements_for_staff
from apps.reports.selectors.statistics import user_statistics_daily


def staff_required(view: Callable) -> Callable:
    """Anonymous visitors go to the login page; signed-in members who are not staff get 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            return render(request, "reports/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return guarded


def _runtime_settings() -> dict:
    return {name: getattr(config, name) for name in settings.CONSTANCE_CONFIG}


CHANNEL_LABELS = dict(User.JoinChannel.choices)
SALES_HEADERS = ["주문", "총매출(정가)", "할인", "배송비", "환불", "PG 수수료", "정산 금액"]


def _sales_cells(row: SalesRow) -> list:
    return [row.period, row.orders, row.gross, row.discounts, row.shipping, row.refunds, row.pg_fees, row.net]


def _tables() -> dict[str, tuple[str, list[str], Callable[[], list[list]]]]:
    """Each dashboard table: its title, CSV headers and rows. The CSV export and the page share this."""
    return {
        "user-statistics": (
            "일별 회원 통계",
            [
                "날짜",
                "가입",
                *[f"가입({label})" for label in CHANNEL_LABELS.values()],
                "활동 회원",
                "구매 회원",
                "구매 전환율(%)",
            ],
            lambda: [
                [
                    row.day.isoformat(),
                    row.signups,
                    *[row.by_channel.get(channel, 0) for channel in CHANNEL_LABELS],
                    row.active_users,
                    row.buyers,
                    "" if row.conversion is None else row.conversion,
                ]
                for row in user_statistics_daily()
            ],
        ),
        "sales-daily": (
            "일별 매출",
            ["날짜", *SALES_HEADERS],
            lambda: [_sales_cells(r) for r in sales_daily()],
        ),
        "sales-monthly": (
            "월별 매출",
            ["월", *SALES_HEADERS],
            lambda: [_sales_cells(r) for r in sales_monthly()],
        ),
        "top-products": (
            "인기 상품",
            ["상품 ID", "상품명", "판매 수량", "매출"],
            lambda: [[r.product_id, r.name, r.quantity, r.revenue] for r in top_products()],
        ),
        "broadcasts": (
            "방송 성과",
            [
                "방송 ID",
                "제목",
                "시작",
                "최대 시청자",
                "평균 시청자",
                "채팅",
                "좋아요",
                "장바구니 담기",
                "주문",
                "매출",
            ],
            lambda: [
                [
                    r.broadcast_id,
                    r.title,
                    timezone.localtime(r.started_at).strftime("%Y-%m-%d %H:%M") if r.started_at else "",
                    r.peak_viewers,
                    r.average_viewers,
                    r.messages,
                    r.likes,
                    r.add_to_carts,
                    r.orders,
                    r.revenue,
                ]
                for r in broadcast_performance()
            ],
        ),
        # Every seller's day statements of the last ~three months (for paying out and the books).
        "seller-statements": (
            "셀러 정산서",
            ["셀러 ID", "상호", *STATEMENT_HEADERS, "지급 처리자"],
            lambda: [
                [row.seller_id, row.seller.business_name, *statement_cells(row), row.paid_by or ""]
                for row in seller_statements_for_staff(since=timezone.localdate() - timedelta(days=92))
            ],
        ),
        "job-runs": (
            "배치 작업 실행 기록",
            [
                "작업",
                "기간 시작",
                "기간 끝(미포함)",
                "대상",
                "상태",
                "시도",
                "처리 행 수",
                "시작",
                "종료",
                "오류",
            ],
            lambda: [
                [
                    run.job,
                    run.period_start.isoformat(),
                    run.period_end.isoformat(),
                    run.subject,
                    run.get_status_display(),
                    run.attempt,
                    run.rows,
                    timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M:%S"),
                    timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M:%S")
                    if run.finished_at
                    else "",
                    run.error.strip().splitlines()[-1] if run.error.strip() else "",
                ]
                for run in job_run_list(limit=500)
            ],
        ),
    }


@require_safe
@never_cache
@staff_required
def dashboard(request):
    stats = user_statistics_daily()
    daily, monthly = sales_daily(), sales_monthly()
    chart = {
        "labels": [row.day.strftime("%m.%d") for row in stats],
        "channels": [
            {"key": channel, "label": str(label), "data": [row.by_channel.get(channel, 0) for row in stats]}
            for channel, label in CHANNEL_LABELS.items()
        ],
        "active": [row.active_users for row in stats],
        "buyers": [row.buyers for row in stats],
        "sales_daily": [{"period": r.period[5:], "net": r.net, "refunds": r.refunds} for r in daily],
        "sales_monthly": [{"period": r.period, "net": r.net, "refunds": r.refunds} for r in monthly],
    }
    recent = stats[-7:]
    context = {
        "stats_table": [(row, [row.by_channel.get(c, 0) for c in CHANNEL_LABELS]) for row in reversed(stats)],
        "chart": chart,
        "kpis": {
            "signups_7d": sum(row.signups for row in recent),
            "active_7d": sum(row.active_users for row in recent),
            "buyers_7d": sum(row.buyers for row in recent),
            "signups_yesterday": stats[-1].signups if stats else 0,
            "returns_waiting": returns_waiting_count(),
        },
        "channel_labels": CHANNEL_LABELS,
        "sales_daily": daily,
        "sales_monthly": monthly,
        "top_products": top_products(),
        "broadcasts": broadcast_performance(),
        "job_runs": job_run_list(limit=20),
        "latest_runs": job_run_latest_by_job(),
        "runtime_settings": _runtime_settings(),
    }
    return render(request, "reports/dashboard.html", context)


@require_safe
@never_cache
@staff_required
def table_csv(request, table: str):
    """One dashboard table as CSV (UTF-8 with a BOM, so Excel shows the Korean headers)."""
    tables = _tables()
    if table not in tables:
        raise Http404("없는 표예요.")
    _title, headers, rows = tables[table]
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trimarket-{table}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(csv_row(headers))
    writer.writerows(csv_row(row) for row in rows())
    return response


@require_safe
@never_cache
@staff_required
def runtime_settings(request):
    """The runtime settings as the next request reads them (``constance.config``, no restart)."""
    return JsonResponse(_runtime_settings(), json_dumps_params={"ensure_ascii": False})


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header.removeprefix("Bearer "), token):
        return True
    if request.user.is_authenticated and request.user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


@require_safe
@never_cache
def metrics(request):
    """Prometheus exposition: loopback, the allowed networks, staff, or ``Authorization: Bearer METRICS_TOKEN``."""
    if not _metrics_allowed(request):
        raise PermissionDenied("metrics are not public")
    return ExportToDjangoView(request)
