"""CSV cells a spreadsheet shows and never runs: the one guard against CSV injection, for every CSV the site
writes (staff reports and statements, the seller center's shipments and products)."""

from collections.abc import Iterable
from decimal import Decimal

# OWASP's CSV injection list: a cell starting with one of these is a formula (or becomes one) in Excel,
# LibreOffice and Google Sheets, so a seller's broadcast title or a shopper's address could run in the
# spreadsheet of whoever opens the export.
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
