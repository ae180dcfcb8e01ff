"""The seller's parcel page has the recipient's whole phone (the parcel needs it); the 발송 CSV, a file that
travels, has its last four digits."""

import csv
import io

import pytest
from django.urls import reverse

from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.tests.factories import SellerFactory
from apps.orders.services import payment_outcomes
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db


def test_the_parcel_page_has_the_whole_phone_and_the_csv_its_last_digits(client):
    """Order detail: 010-1234-5678 with a tel: link; export: ***-****-5678 and no whole number anywhere."""
    seller = SellerFactory()
    option = ProductOptionFactory(stock=10, product=ProductFactory(seller=seller.seller))
    order = payment_outcomes.order_mark_paid_demo(
        order=order_make(items={option.pk: 1}), imp_uid="imp_sealed"
    )
    parcel = order.shipments.get(seller=seller.seller)
    client.force_login(seller)

    detail = client.get(reverse("sellercenter:order-detail", args=[parcel.pk])).content.decode()
    export = client.get(reverse("sellercenter:orders-export")).content.decode("utf-8-sig")

    assert 'href="tel:010-1234-5678"' in detail
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][3] == "받는 분 연락처"
    assert rows[1][3] == "***-****-5678"
    assert "1234-5678" not in export
