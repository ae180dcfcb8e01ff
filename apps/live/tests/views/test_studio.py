"""The studio as a seller uses it: adding products (prices and hidden products refused in Korean), the
checklist ticked only from real checks, moderators appointed by search, and the report after the show."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory
from apps.live.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _add(client, broadcast, **data):
    response = client.post(reverse("live:studio-product-add", args=[broadcast.pk]), data)
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("live_price", "reason"),
    [
        ("0", "라이브 특가는 1원 이상이어야 해요."),
        ("-5", "라이브 특가는 1원 이상이어야 해요."),
        ("20001", "라이브 특가는 판매가(20,000원)보다 높을 수 없어요."),
        ("abc", "라이브 특가는 숫자로 적어 주세요."),
    ],
)
def test_studio_refuses_a_live_price_out_of_range_in_korean(client, live_price, reason):
    """The seller reads why the price was refused, and the product is not added."""
    broadcast = BroadcastFactory()
    product = ProductFactory(category=broadcast.category, list_price=25000, sale_price=20000)
    client.force_login(broadcast.seller)
    assert _add(client, broadcast, product=product.pk, live_price=live_price) == [reason]
    assert not broadcast.items.exists()


def test_studio_refuses_a_hidden_product(client):
    """A hidden product is neither offered in the studio's list nor added when posted anyway."""
    broadcast = BroadcastFactory()
    hidden = ProductFactory(category=broadcast.category, name="숨긴 셔츠", status=Product.Status.HIDDEN)
    client.force_login(broadcast.seller)
    assert "숨긴 셔츠" not in client.get(reverse("live:studio", args=[broadcast.pk])).content.decode()
    assert _add(client, broadcast, product=hidden.pk) == ["판매중이거나 품절인 상품만 추가할 수 있어요."]
    assert not broadcast.items.exists()
