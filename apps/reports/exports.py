"""CSV cells and the seller statement's CSV columns, shared by the staff dashboard and the seller center."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from apps.reports.models import SellerStatement

# OWASP's CSV injection list: a cell starting with one of these is a formula (or becomes one) in Excel,
# LibreOffice and Google Sheets, so a seller's broadcast title could run in a staff member's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell as a spreadsheet should show it: text that would start a formula gets OWASP's leading ``'``.

    Numbers stay numbers, negative ones too (a refund-only day's net is -3000, not text); so the money
    columns must reach the writer as ``int``/``Decimal``, never pre-formatted.
    """
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_row(values: Iterable) -> list:
    return [csv_cell(value) for value in values]


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
