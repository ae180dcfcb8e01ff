"""Prices in Korean won: ``{{ 12900|won }}`` → ``12,900원``."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def won(value) -> str:
    """Format an amount as won with thousands separators; anything that is not a number renders empty."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    return f"{amount:,.0f}원"


@register.filter
def discount_percent(sale_price, list_price) -> int:
    """Whole percent taken off ``list_price`` (0 when there is no discount)."""
    try:
        sale, listed = Decimal(str(sale_price)), Decimal(str(list_price))
    except InvalidOperation:
        return 0
    if listed <= 0 or sale >= listed:
        return 0
    return int((listed - sale) * 100 / listed)
