"""The dashboard: today's orders and sales of this shop only, what waits for it, and its broadcasts."""

import datetime

import pytest
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory
from apps.live.models import Broadcast
from apps.live.tests.factories import BroadcastFactory, SellerFactory
from apps.orders import services as order_services
from apps.orders.tests.factories import order_make

pytestmark = pytest.mark.django_db


def _paid(shopper, option, quantity: int = 1):
    order = order_make(user=shopper, option=option, quantity=quantity)
    return order_services.order_mark_paid_demo(order=order, imp_uid=f"imp_dash_{order.pk}")


def _text(client, user) -> str:
    client.force_login(user)
    return client.get("/seller/").content.decode()


def test_todays_figures_count_this_shops_orders_only(client):
    mine, other = SellerFactory(), SellerFactory()
    shopper = UserFactory()
    option = ProductOptionFactory(
        stock=20, product=ProductFactory(seller=mine.seller, list_price=15000, sale_price=12000)
    )
    _paid(shopper, option, quantity=2)
    second = _paid(shopper, option)
    _paid(
        shopper,
        ProductOptionFactory(
            stock=5, product=ProductFactory(seller=other.seller, list_price=90000, sale_price=90000)
        ),
    )
    order_services.shipment_acknowledge(
        shipment=second.shipments.get(), seller_id=mine.seller.pk, actor=mine.username
    )
    order_services.order_cancel(order=second, actor=shopper.username)  # after 발주 확인: a request

    page = _text(client, mine)

    assert 'data-testid="today-orders">2건' in page
    # The second order's line is still bought until the seller answers its cancel request.
    assert 'data-testid="today-sales">36,000원' in page
    assert 'data-testid="to-ship">2건' in page
    assert 'data-testid="cancel-requests">1건' in page
    assert "90,000원" not in page


def test_the_current_and_next_broadcast_are_this_sellers(client):
    mine, other = SellerFactory(), SellerFactory()
    soon = timezone.now() + datetime.timedelta(hours=3)
    BroadcastFactory(seller=mine, title="내일 아침 특가", scheduled_at=soon + datetime.timedelta(days=1))
    BroadcastFactory(seller=mine, title="오늘 밤 신상 라이브", scheduled_at=soon)
    BroadcastFactory(seller=other, title="남의 방송", scheduled_at=soon - datetime.timedelta(hours=1))

    page = _text(client, mine)
    assert "오늘 밤 신상 라이브" in page
    assert "내일 아침 특가" not in page
    assert "남의 방송" not in page

    Broadcast.objects.filter(title="내일 아침 특가").update(
        status=Broadcast.Status.LIVE, started_at=timezone.now()
    )
    page = _text(client, mine)
    assert "스튜디오 열기" in page
    assert "내일 아침 특가" in page


def test_a_shop_with_nothing_scheduled_is_offered_to_book_a_show(client):
    page = _text(client, SellerFactory())
    assert "예정된 방송이 없어요" in page
    assert 'data-testid="today-orders">0건' in page
