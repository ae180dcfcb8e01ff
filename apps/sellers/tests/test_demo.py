import pytest
from django.db.models import Count
from django.test import Client

from apps.accounts import demo as accounts_demo
from apps.catalog import demo as catalog_demo
from apps.catalog.models import Product
from apps.sellers import demo
from apps.sellers.models import Seller

pytestmark = pytest.mark.django_db


def _quiet(iterable, desc: str):
    return iterable


def test_the_demo_seller_is_approved_with_products_of_its_own_and_a_second_run_changes_nothing():
    """`manage.py demo`: the seller account runs an approved shop; products are spread over four shops."""
    accounts_demo.load(progress=_quiet)
    demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=24, images_per_product=1)
    demo.load(progress=_quiet)
    catalog_demo.load(progress=_quiet, products=24, images_per_product=1)

    seller = Seller.objects.get(user__username="seller")
    assert seller.status == Seller.Status.APPROVED
    assert seller.user.is_seller
    assert Seller.objects.filter(status=Seller.Status.APPROVED).count() == 4
    owners = dict(Product.objects.values_list("seller").annotate(n=Count("id")))
    assert len(owners) == 4
    assert owners[seller.pk] == 6
    html = Client().get(f"/shops/{seller.pk}/").content.decode()
    assert "라이브셀러 스튜디오" in html


def test_a_catalog_made_before_sellers_is_spread_over_the_demo_shops():
    """Products all with the house shop (as the migration leaves them) go round the demo shops once."""
    catalog_demo.load(progress=_quiet, products=8, images_per_product=1)
    assert Product.objects.values("seller").distinct().count() == 1
    accounts_demo.load(progress=_quiet)
    demo.load(progress=_quiet)

    catalog_demo.load(progress=_quiet, products=8, images_per_product=1)

    assert Product.objects.values("seller").distinct().count() == 4
