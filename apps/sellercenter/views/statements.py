"""정산: the shop's statements by month (days, adjustments, the month's sum), one statement's orders, and CSV.

Every statement is read through ``request.seller``, so another shop's is a 404; the figures are the jobs'
(``apps.reports``), never computed here."""

import csv
from datetime import date

from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.core.csv_cells import csv_row
from apps.payments.statements import LineKind
from apps.reports.exports import STATEMENT_HEADERS, statement_cells, statement_kind_label
from apps.reports.models import SellerStatement
from apps.reports.selectors.statements import (
    seller_statement_get_for_seller,
    seller_statement_lines,
    seller_statement_month,
    seller_statement_month_days,
)
from apps.sellercenter.access import seller_center_view

LINE_KIND_LABELS = {
    LineKind.SALE: "판매",
    LineKind.SHIPPING: "배송비",
    LineKind.REFUND_BEFORE: "확정 전 환불",
    LineKind.REFUND_AFTER: "확정 후 환불",
}


def _month(request) -> date:
    """The month asked for (``?month=2026-11``), else this month; anything unreadable is this month."""
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@require_safe
@seller_center_view
def statement_list(request):
    month = seller_statement_month(seller=request.seller, month=_month(request))
    return render(
        request,
        "sellercenter/statements/list.html",
        {
            "seller": request.seller,
            "section": "statements",
            "month": month,
            "rows": [(row, statement_kind_label(row)) for row in month.days],
            "is_current_month": month.month >= timezone.localdate().replace(day=1),
        },
    )


@seller_center_view
def statement_detail(request, pk: int):
    # Looked up before the method is checked, so another shop's statement is a 404 whatever the method.
    statement = seller_statement_get_for_seller(seller=request.seller, pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    lines = [(line, LINE_KIND_LABELS[line.kind]) for line in seller_statement_lines(statement=statement)]
    days = (
        seller_statement_month_days(statement=statement)
        if statement.kind == SellerStatement.Kind.MONTH
        else []
    )
    return render(
        request,
        "sellercenter/statements/detail.html",
        {
            "seller": request.seller,
            "section": "statements",
            "statement": statement,
            "kind_label": statement_kind_label(statement),
            "lines": lines,
            "days": [(row, statement_kind_label(row)) for row in days],
        },
    )


@require_safe
@seller_center_view
def statement_export(request):
    """The month's statements as CSV (UTF-8 with a BOM, so Excel shows the Korean headers)."""
    month = seller_statement_month(seller=request.seller, month=_month(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statements-{month.month:%Y-%m}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(csv_row(STATEMENT_HEADERS))
    rows = [*month.days, *([month.month_row] if month.month_row else [])]
    writer.writerows(csv_row(statement_cells(row)) for row in rows)
    return response
