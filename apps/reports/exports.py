"""The seller statement's CSV columns, shared by the staff dashboard and the seller center (cells are guarded by
``apps.core.csv_cells``)."""

from django.utils import timezone

from apps.reports.models import SellerStatement

STATEMENT_HEADERS = [
    "구매확정일",
    "구분",
    "주문 수",
    "판매 수량",
    "판매금액",
    "배송비",
    "라이브 판매금액",
    "확정 전 환불",
    "확정 후 환불",
    "PG 수수료",
    "판매 수수료율(%)",
    "라이브 수수료율(%)",
    "판매 수수료",
    "정산 금액",
    "지급 예정일",
    "상태",
    "지급 처리 일시",
]


def statement_kind_label(row: SellerStatement) -> str:
    if row.kind == SellerStatement.Kind.MONTH:
        return "월별 합계"
    return "정산 조정" if row.is_adjustment else "일별"


def statement_cells(row: SellerStatement) -> list:
    """One statement as the CSV's cells, in ``STATEMENT_HEADERS`` order."""
    return [
        row.period_start.isoformat(),
        statement_kind_label(row),
        row.orders,
        row.quantity,
        row.gross,
        row.shipping,
        row.live_sales,
        row.refunds,
        row.refunds_after,
        row.pg_fee,
        row.commission_rate,
        row.live_commission_rate,
        row.commission,
        row.payout,
        row.payout_date.isoformat() if row.payout_date else "",
        row.get_status_display() if row.kind == SellerStatement.Kind.DAY else "",
        timezone.localtime(row.paid_at).strftime("%Y-%m-%d %H:%M") if row.paid_at else "",
    ]
