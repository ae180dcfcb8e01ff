"""The settlement's money rules: the PG fee, whose a line is, and a month as the sum of its days."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.catalog.tests.factories import CategoryFactory, ProductFactory, ProductOptionFactory
from apps.orders.models import Order
from apps.orders.tests.factories import order_make
from apps.payments import services
from apps.payments.settlement import (
    SettlementFigures,
    pg_fee,
    settlement_day_figures,
    settlement_month_figures,
)


def test_the_fee_rate_is_a_setting(settings):
    """PAYMENTS_PG_FEE_RATE decides the fee; it rounds half up to the 원, symmetric for refunds."""
    settings.PAYMENTS_PG_FEE_RATE = "0.025"
    assert pg_fee(10020) == 251
    assert pg_fee(-10020) == -251


def test_a_month_is_the_sum_of_its_days_rounded_fees():
    """Two days of one seller and category make one month row whose fee is the days' fees added, not a
    fee rounded again on the month."""
    days = {
        (date(2026, 10, 14), 7, 3): SettlementFigures(orders=1, quantity=1, gross=15, pg_fees=1),
        (date(2026, 10, 15), 7, 3): SettlementFigures(orders=1, quantity=1, gross=15, pg_fees=1),
    }

    months = settlement_month_figures(days)

    assert months == {(date(2026, 10, 1), 7, 3): SettlementFigures(orders=2, quantity=2, gross=30, pg_fees=2)}


@pytest.mark.django_db
def test_each_line_is_settled_to_the_shop_that_sold_it(portone, pg_sandbox, settings):
    """A paid order's line goes to its own seller (``OrderLine.seller``), in its product's category."""
    settings.PAYMENTS_PG_FEE_RATE = "0.033"
    category = CategoryFactory()
    option = ProductOptionFactory(
        product=ProductFactory(category=category, list_price=30000, sale_price=24000)
    )
    order = order_make(items={option.pk: 1})
    services.payment_start(order=order)
    result = pg_sandbox.shopper_pay(
        merchant_uid=order.merchant_uid, amount=order.total_amount, name=order.title
    )
    assert services.payment_verify(merchant_uid=order.merchant_uid, imp_uid=result["imp_uid"]).paid
    order = Order.objects.get(pk=order.pk)

    now = timezone.now()
    figures = settlement_day_figures(start=now - timedelta(hours=1), end=now + timedelta(hours=1))

    [(key, row)] = figures.items()
    assert key == (timezone.localtime(order.paid_at).date(), option.product.seller_id, category.pk)
    assert (row.orders, row.quantity, row.gross, row.discounts, row.shipping) == (1, 1, 30000, 6000, 3000)
    assert (row.pg_fees, row.net) == (891, 27000 - 891)
