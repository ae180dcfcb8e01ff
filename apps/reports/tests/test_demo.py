import pytest

from apps.accounts import demo as accounts_demo
from apps.catalog import demo as catalog_demo
from apps.orders import demo as orders_demo
from apps.reports import demo
from apps.reports.models import SellerStatement
from apps.sellers import demo as sellers_demo


def _quiet(iterable, desc: str):
    return iterable


@pytest.mark.django_db
def test_the_demo_shops_have_statements_with_numbers_and_a_second_run_adds_nothing():
    """After the demo, each demo shop's 정산 shows today's day and this month; twice is once."""
    accounts_demo.load(progress=_quiet)
    sellers_demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=30, images_per_product=1)
    orders_demo.load(progress=_quiet)

    demo.load(progress=_quiet)
    rows = SellerStatement.objects.count()
    demo.load(progress=_quiet)

    assert SellerStatement.objects.count() == rows
    days = SellerStatement.objects.filter(kind=SellerStatement.Kind.DAY)
    assert days.count() == 3
    assert all(row.payout > 0 for row in days)
    assert SellerStatement.objects.filter(kind=SellerStatement.Kind.MONTH).count() == 3
