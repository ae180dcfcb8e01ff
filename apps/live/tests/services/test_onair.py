"""Products on air: the list and its prices, pins that become chapters only on air."""

import pytest
from django.core.exceptions import ValidationError

from apps.catalog.models import Product
from apps.catalog.tests.factories import ProductFactory
from apps.live import services
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, own_product

pytestmark = pytest.mark.django_db


def test_pin_records_the_moment_only_on_air():
    """Pinning before the start marks the product; on air it also keeps the offset, one pinned at a time."""
    item = BroadcastProductFactory()
    other = BroadcastProductFactory(broadcast=item.broadcast)
    assert services.broadcast_product_pin(item=item) is None

    broadcast = item.broadcast
    services.broadcast_publish_start(public_name=broadcast.public_name, key=broadcast.stream_key)
    pin = services.broadcast_product_pin(item=other)
    assert pin.offset_seconds >= 0
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.is_pinned, other.is_pinned) == (False, True)

    services.broadcast_end(broadcast=broadcast)
    other.refresh_from_db()
    assert not other.is_pinned


def test_products_on_air():
    """Adding keeps the order and checks the live price; sold out and remove change the list."""
    broadcast = BroadcastFactory()
    first = services.broadcast_product_add(
        broadcast=broadcast, product=own_product(broadcast, sale_price=20000)
    )
    second = services.broadcast_product_add(
        broadcast=broadcast, product=own_product(broadcast), live_price=19000
    )
    assert (first.position, second.position) == (0, 1)
    assert second.price == 19000
    assert first.price == 20000
    with pytest.raises(ValidationError):
        services.broadcast_product_add(
            broadcast=broadcast, product=own_product(broadcast, sale_price=10000), live_price=12000
        )
    services.broadcast_product_sold_out_set(item=first, sold_out=True)
    services.broadcast_product_remove(item=second)
    assert list(broadcast.items.values_list("is_sold_out", flat=True)) == [True]


@pytest.mark.parametrize("live_price", [0, 24001])
def test_live_price_is_at_least_1_won_and_at_most_the_sale_price(live_price):
    """A live price of 0원 or above the product's 판매가 is refused with a Korean reason, and nothing is added."""
    broadcast = BroadcastFactory()
    product = own_product(broadcast, list_price=30000, sale_price=24000)
    with pytest.raises(ValidationError) as refused:
        services.broadcast_product_add(broadcast=broadcast, product=product, live_price=live_price)
    assert "라이브 특가" in refused.value.message_dict["live_price"][0]
    assert not broadcast.items.exists()
    assert services.broadcast_product_add(broadcast=broadcast, product=product, live_price=1).price == 1
    assert (
        services.broadcast_product_add(broadcast=broadcast, product=product, live_price=24000).price == 24000
    )


def test_hidden_product_cannot_go_on_air():
    """A hidden product is refused; a sold-out one (still visible in the shop) may be presented."""
    broadcast = BroadcastFactory()
    with pytest.raises(ValidationError) as refused:
        services.broadcast_product_add(
            broadcast=broadcast, product=own_product(broadcast, status=Product.Status.HIDDEN)
        )
    assert "숨김 상품" in refused.value.message_dict["product"][0]
    assert not broadcast.items.exists()
    services.broadcast_product_add(
        broadcast=broadcast, product=own_product(broadcast, status=Product.Status.SOLD_OUT)
    )
    assert broadcast.items.count() == 1


def test_a_seller_cannot_put_another_sellers_product_on_air():
    """Another shop's product is refused with a Korean reason, and nothing is added."""
    broadcast = BroadcastFactory()
    with pytest.raises(ValidationError) as refused:
        services.broadcast_product_add(broadcast=broadcast, product=ProductFactory())
    assert "내 상점의 상품만" in refused.value.message_dict["product"][0]
    assert not broadcast.items.exists()
