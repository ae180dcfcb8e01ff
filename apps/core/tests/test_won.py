from decimal import Decimal

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12900, "12,900원"), (Decimal("1500000"), "1,500,000원"), (0, "0원"), ("abc", ""), (None, "")],
)
def test_won_filter_formats_prices_as_shoppers_read_them(value, shown):
    """Prices read as 12,900원; a value that is not a number renders nothing instead of failing the page."""
    assert Template("{% load won %}{{ value|won }}").render(Context({"value": value})) == shown


def test_discount_percent_rounds_down_and_ignores_price_rises():
    """The red discount badge shows whole percent off the list price, and nothing when there is no discount."""
    template = Template("{% load won %}{{ sale|discount_percent:listed }}")
    assert template.render(Context({"sale": 8900, "listed": 12900})) == "31"
    assert template.render(Context({"sale": 12900, "listed": 12900})) == "0"
    assert template.render(Context({"sale": 15000, "listed": 12900})) == "0"
