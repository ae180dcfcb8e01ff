"""The shopper's order page in Chromium while a parcel travels: the timeline 결제완료 → 배송준비 → 배송중 →
배송완료 and the carrier's scans, driven by the tracking fake; saved at phone and desktop size."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from apps.catalog.tests.factories import ProductFactory
from apps.orders.services import payment_outcomes, shipment_ship
from apps.orders.tests.factories import ProductOptionFactory, UserFactory, order_make
from apps.orders.tracking.fake import FakeDeliveryTracker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake(settings, live_server):
    server = FakeDeliveryTracker().start()
    settings.DELIVERY_TRACKER_URL = server.url
    settings.DELIVERY_TRACKER_CLIENT_ID = server.client_id
    settings.DELIVERY_TRACKER_CLIENT_SECRET = server.client_secret
    settings.SITE_URL = live_server.url
    yield server
    server.stop()


def test_the_order_page_follows_the_parcel_to_the_door(page, screenshot, fake, live_server):
    shopper = UserFactory(username="tracked", name="박배송")
    option = ProductOptionFactory(
        stock=5,
        name="네이비 / M",
        product=ProductFactory(name="울 블렌드 코트", list_price=129000, sale_price=99000),
    )
    order = payment_outcomes.order_mark_paid_demo(
        order=order_make(user=shopper, option=option), imp_uid="imp_tl"
    )
    shipment = order.shipments.get()
    shipment_ship(
        shipment=shipment,
        seller_id=shipment.seller_id,
        carrier="cj",
        tracking_number="640123456789",
        actor="seller",
    )
    fake.scan("kr.cjlogistics", "640123456789", "AT_PICKUP", location="성수 집배점", description="집화처리")
    fake.scan("kr.cjlogistics", "640123456789", "IN_TRANSIT", location="곤지암 Hub", description="간선상차")
    fake.scan(
        "kr.cjlogistics", "640123456789", "OUT_FOR_DELIVERY", location="마포 대리점", description="배송출발"
    )
    client = Client()
    client.force_login(shopper)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    page.goto(order.get_absolute_url())
    steps = page.get_by_test_id("parcel-timeline").locator("li")
    assert steps.count() == 4
    assert "parcel-timeline__step--done" in steps.nth(2).get_attribute("class")
    assert "parcel-timeline__step--done" not in steps.nth(3).get_attribute("class")
    assert "배송출발" in page.get_by_test_id("parcel-scans").inner_text()
    screenshot(page, "orders-parcel-timeline")

    fake.scan("kr.cjlogistics", "640123456789", "DELIVERED", location="서울 마포", description="배달완료")
    page.reload()
    assert "parcel-timeline__step--done" in page.get_by_test_id("parcel-timeline").locator("li").nth(
        3
    ).get_attribute("class")
    assert page.get_by_test_id("parcel-status").inner_text() == "배송완료"
    screenshot(page, "orders-parcel-delivered")
